#include "dialects/postgresql/driver_sql.hpp"

#include <charconv>

namespace athanor::dialects::postgresql {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_ident_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) noexcept {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

struct Token {
  enum Kind { end, word, placeholder, symbol, quoted } kind = end;
  std::string_view text;
  int number = 0;  // a placeholder's n
};

// PostgreSQL's lexical structure, as far as the driver needs it.
class Lexer {
 public:
  explicit Lexer(std::string_view sql) : s_(sql) {}

  Token next() {
    skip_filler();
    if (i_ >= s_.size()) return {Token::end, {}, 0};
    const std::size_t start = i_;
    const char c = s_[i_];
    if ((c == 'E' || c == 'e') && i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
      ++i_;
      skip_quoted('\'', true);
      return make(Token::quoted, start);
    }
    if (c == '\'' || c == '"') {
      skip_quoted(c, false);
      return make(Token::quoted, start);
    }
    if (c == '$') return dollar(start);
    if (is_ident_start(c)) {
      while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
      return make(Token::word, start);
    }
    ++i_;
    return make(Token::symbol, start);
  }
  std::size_t position() const noexcept { return i_; }

 private:
  Token make(Token::Kind k, std::size_t start) const {
    return {k, s_.substr(start, i_ - start), 0};
  }

  void skip_filler() {
    while (i_ < s_.size()) {
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_.compare(i_, 2, "--") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.compare(i_, 2, "/*") == 0) {
        int depth = 0;  // PostgreSQL's block comments nest
        do {
          if (s_.compare(i_, 2, "/*") == 0) {
            ++depth, i_ += 2;
          } else if (s_.compare(i_, 2, "*/") == 0) {
            --depth, i_ += 2;
          } else {
            ++i_;
          }
        } while (depth > 0 && i_ < s_.size());
      } else {
        return;
      }
    }
  }

  // From the opening quote at i_; a doubled quote is one quote character.
  void skip_quoted(char q, bool backslash_escapes) {
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (backslash_escapes && c == '\\') {
        ++i_;
      } else if (c == q) {
        if (i_ < s_.size() && s_[i_] == q) {
          ++i_;
        } else {
          return;
        }
      }
    }
  }

  // "$3" is a placeholder; "$$...$$" and "$tag$...$tag$" quote a string.
  Token dollar(std::size_t start) {
    std::size_t j = i_ + 1;
    if (j < s_.size() && is_digit(s_[j])) {
      while (j < s_.size() && is_digit(s_[j])) ++j;
      Token t{Token::placeholder, s_.substr(start, j - start), 0};
      std::from_chars(s_.data() + i_ + 1, s_.data() + j, t.number);
      i_ = j;
      return t;
    }
    while (j < s_.size() && is_ident_char(s_[j]) && s_[j] != '$') ++j;
    if (j < s_.size() && s_[j] == '$') {
      const std::string_view tag = s_.substr(i_, j - i_ + 1);
      const std::size_t close = s_.find(tag, j + 1);
      i_ = close == std::string_view::npos ? s_.size() : close + tag.size();
      return make(Token::quoted, start);
    }
    ++i_;
    return make(Token::symbol, start);
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

bool is_symbol(const Token& t, char c) noexcept {
  return t.kind == Token::symbol && t.text.size() == 1 && t.text[0] == c;
}

}  // namespace

SqlShape scan_sql(std::string_view sql) {
  SqlShape shape;
  Lexer lex(sql);
  bool after_semicolon = false;
  for (Token t = lex.next(); t.kind != Token::end; t = lex.next()) {
    if (is_symbol(t, ';')) {
      after_semicolon = true;
      continue;
    }
    if (after_semicolon) shape.several_statements = true;
    if (shape.first_keyword.empty() && t.kind == Token::word) shape.first_keyword = t.text;
    if (t.kind == Token::placeholder && t.number > shape.placeholders) {
      shape.placeholders = t.number;
    }
  }
  return shape;
}

std::optional<ValuesInsert> split_values_insert(std::string_view sql) {
  Lexer lex(sql);
  Token t = lex.next();
  if (t.kind != Token::word || !keyword_is(t.text, "INSERT")) return std::nullopt;
  int depth = 0;
  for (t = lex.next(); t.kind != Token::end; t = lex.next()) {
    if (t.kind == Token::placeholder) return std::nullopt;
    if (is_symbol(t, '(')) ++depth;
    if (is_symbol(t, ')')) --depth;
    if (depth == 0 && t.kind == Token::word && keyword_is(t.text, "VALUES")) break;
  }
  if (t.kind == Token::end) return std::nullopt;
  t = lex.next();
  if (!is_symbol(t, '(')) return std::nullopt;
  const std::size_t tuple_start = static_cast<std::size_t>(t.text.data() - sql.data());
  depth = 1;
  while (depth > 0) {
    t = lex.next();
    if (t.kind == Token::end) return std::nullopt;
    if (is_symbol(t, '(')) ++depth;
    if (is_symbol(t, ')')) --depth;
  }
  const std::size_t tuple_end = lex.position();
  for (t = lex.next(); t.kind != Token::end; t = lex.next()) {
    if (!is_symbol(t, ';')) return std::nullopt;
  }
  return ValuesInsert{sql.substr(0, tuple_start), sql.substr(tuple_start, tuple_end - tuple_start)};
}

void append_renumbered(std::string& out, std::string_view tuple, int offset) {
  Lexer lex(tuple);
  std::size_t copied = 0;
  for (Token t = lex.next(); t.kind != Token::end; t = lex.next()) {
    if (t.kind != Token::placeholder) continue;
    const auto at = static_cast<std::size_t>(t.text.data() - tuple.data());
    out.append(tuple.substr(copied, at - copied));
    char digits[16];
    const auto r = std::to_chars(digits, digits + sizeof digits, t.number + offset);
    out += '$';
    out.append(digits, r.ptr);
    copied = at + t.text.size();
  }
  out.append(tuple.substr(copied));
}

}  // namespace athanor::dialects::postgresql
