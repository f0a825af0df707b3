// Value, Params and the built-in value_traits. Text forms follow Python (repr() for logs and error
// messages, str() for operator<<), because SQLAlchemy's log lines and messages are what users
// compare ours against.
//
// Dates and times live in the Value's integer slot: a date as days since 1970-01-01, a time as
// microseconds since midnight, a datetime as microseconds since the epoch (naive). That keeps a
// Value at its current size and leaves the text buffer alone, so set_text() after a date still
// reuses the buffer.
#include "athanor/value.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>

#include "athanor/exc.hpp"

namespace athanor {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::microseconds;
using std::chrono::sys_days;

// ---- Python text forms ------------------------------------------------------------------------

void append_int(std::string& out, std::int64_t i) {
  std::array<char, 24> buf;
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), i);
  out.append(buf.data(), end);
}

void append_padded(std::string& out, std::int64_t i, int width) {
  if (i < 0) {
    out.push_back('-');
    i = -i;
  }
  std::array<char, 24> buf;
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), i);
  for (auto n = end - buf.data(); n < width; ++n) out.push_back('0');
  out.append(buf.data(), end);
}

// Python's float repr: the shortest digits that round-trip, in positional notation when the
// decimal point falls within 16 digits of the first digit, else in exponent notation.
void append_float_repr(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "nan";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "inf" : "-inf";
    return;
  }
  std::array<char, 64> buf;
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::scientific);
  std::string_view sci(buf.data(), static_cast<std::size_t>(end - buf.data()));
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int decpt = exponent + 1;  // digits before the decimal point
  const int ndigits = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= ndigits) {
      out += digits;
      out.append(static_cast<std::size_t>(decpt - ndigits), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(decpt));
      out.push_back('.');
      out.append(digits, static_cast<std::size_t>(decpt));
    }
  } else {
    out.push_back(digits[0]);
    if (ndigits > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(exponent < 0 ? '-' : '+');
    append_padded(out, exponent < 0 ? -exponent : exponent, 2);
  }
}

void append_hex_escape(std::string& out, char prefix, std::uint32_t cp, int width) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('\\');
  out.push_back(prefix);
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4)
    out.push_back(kHex[(cp >> shift) & 0xF]);
}

// Python quotes with ' unless the text holds a ' and no ".
char pick_quote(std::string_view s) {
  return s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"'
                                                                                         : '\'';
}

bool append_common_escape(std::string& out, char c, char quote) {
  const char* escaped = c == '\\'   ? "\\\\"
                        : c == '\t' ? "\\t"
                        : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r"
                                    : nullptr;
  if (escaped) {
    out += escaped;
  } else if (c == quote) {
    out.push_back('\\');
    out.push_back(c);
  }
  return escaped || c == quote;
}

// str.isprintable() is false for control, format, separator (other than ' '), surrogate and
// private-use characters. Unassigned code points would need the Unicode database; they are
// rare enough in SQL text to show as they are.
bool is_unprintable(std::uint32_t cp) {
  struct Range {
    std::uint32_t first, last;
  };
  static constexpr Range kRanges[] = {
      {0x0000, 0x001F},   {0x007F, 0x00A0},   {0x00AD, 0x00AD},   {0x0600, 0x0605},
      {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},   {0x0890, 0x0891},
      {0x08E2, 0x08E2},   {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},
      {0x2028, 0x202F},   {0x205F, 0x206F},   {0x3000, 0x3000},   {0xD800, 0xF8FF},
      {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
      {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF}};
  for (const Range& r : kRanges) {
    if (cp >= r.first && cp <= r.last) return true;
  }
  return false;
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when the bytes are not UTF-8.
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void append_str_repr(std::string& out, std::string_view s) {
  const char quote = pick_quote(s);
  out.push_back(quote);
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (!append_common_escape(out, c, quote)) {
        if (is_unprintable(static_cast<unsigned char>(c))) {
          append_hex_escape(out, 'x', static_cast<unsigned char>(c), 2);
        } else {
          out.push_back(c);
        }
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) {
      // Not UTF-8 (Python text never is this); show the byte rather than guess.
      append_hex_escape(out, 'x', static_cast<unsigned char>(c), 2);
      ++i;
      continue;
    }
    if (!is_unprintable(cp)) {
      out.append(s, i, len);
    } else if (cp <= 0xFF) {
      append_hex_escape(out, 'x', cp, 2);
    } else if (cp <= 0xFFFF) {
      append_hex_escape(out, 'u', cp, 4);
    } else {
      append_hex_escape(out, 'U', cp, 8);
    }
    i += len;
  }
  out.push_back(quote);
}

void append_bytes_repr(std::string& out, std::string_view s) {
  const char quote = pick_quote(s);
  out += 'b';
  out.push_back(quote);
  for (const char c : s) {
    if (append_common_escape(out, c, quote)) continue;
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F) {
      append_hex_escape(out, 'x', b, 2);
    } else {
      out.push_back(c);
    }
  }
  out.push_back(quote);
}

// ---- dates and times --------------------------------------------------------------------------

struct Clock {
  std::int64_t hour, minute, second, micro;
};

Clock split_time(std::int64_t us) {
  return Clock{us / 3'600'000'000, us / 60'000'000 % 60, us / 1'000'000 % 60, us % 1'000'000};
}

Date date_of(std::int64_t day_count) {
  return Date{sys_days{days{day_count}}};
}

std::int64_t days_of(Date d) {
  return sys_days{d}.time_since_epoch().count();
}

// A datetime's microseconds split into whole days and the time of day, rounding towards the
// past so that times before 1970 still have a non-negative time of day.
std::pair<std::int64_t, std::int64_t> split_datetime(std::int64_t us) {
  constexpr std::int64_t kDay = 86'400'000'000;
  std::int64_t d = us / kDay;
  std::int64_t rest = us % kDay;
  if (rest < 0) --d, rest += kDay;
  return {d, rest};
}

void append_iso_date(std::string& out, Date d) {
  append_padded(out, static_cast<int>(d.year()), 4);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(d.month()), 2);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(d.day()), 2);
}

void append_iso_time(std::string& out, std::int64_t us) {
  const Clock c = split_time(us);
  append_padded(out, c.hour, 2);
  out.push_back(':');
  append_padded(out, c.minute, 2);
  out.push_back(':');
  append_padded(out, c.second, 2);
  if (c.micro != 0) {
    out.push_back('.');
    append_padded(out, c.micro, 6);
  }
}

void append_date_args(std::string& out, Date d) {
  append_int(out, static_cast<int>(d.year()));
  out += ", ";
  append_int(out, static_cast<unsigned>(d.month()));
  out += ", ";
  append_int(out, static_cast<unsigned>(d.day()));
}

// Python's time/datetime repr drops trailing zero fields: (12, 34), (12, 34, 56),
// (12, 34, 56, 120000) — but never the hour and minute.
void append_time_args(std::string& out, std::int64_t us) {
  const Clock c = split_time(us);
  append_int(out, c.hour);
  out += ", ";
  append_int(out, c.minute);
  if (c.second != 0 || c.micro != 0) {
    out += ", ";
    append_int(out, c.second);
  }
  if (c.micro != 0) {
    out += ", ";
    append_int(out, c.micro);
  }
}

// Fixed-width digit fields for the ISO parsers.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<Date> parse_iso_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!read_digits(s, 0, 4, y) || !read_digits(s, 5, 2, m) || !read_digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// "HH:MM", "HH:MM:SS" or "HH:MM:SS.f" with one to six fraction digits; microseconds since
// midnight.
std::optional<std::int64_t> parse_iso_time(std::string_view s) {
  int h = 0, m = 0, sec = 0, micro = 0;
  if (s.size() < 5 || s[2] != ':' || !read_digits(s, 0, 2, h) || !read_digits(s, 3, 2, m)) {
    return std::nullopt;
  }
  if (s.size() > 5) {
    if (s.size() < 8 || s[5] != ':' || !read_digits(s, 6, 2, sec)) return std::nullopt;
    if (s.size() > 8) {
      const std::size_t n = s.size() - 9;
      if (s[8] != '.' || n < 1 || n > 6 || !read_digits(s, 9, n, micro)) return std::nullopt;
      for (std::size_t k = n; k < 6; ++k) micro *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  return ((h * 60LL + m) * 60 + sec) * 1'000'000 + micro;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// ---- decimal equality -------------------------------------------------------------------------

// A finite decimal literal seen as sign, significant digits and the power of ten of the first
// significant digit, so that 1.50 == 1.5 == 15E-1 as for Python's Decimal. Works on views only:
// operator== is noexcept.
struct DecimalParts {
  bool negative = false;
  std::string_view int_part, frac_part;
  std::int64_t exponent = 0;

  std::size_t size() const { return int_part.size() + frac_part.size(); }
  char at(std::size_t i) const {
    return i < int_part.size() ? int_part[i] : frac_part[i - int_part.size()];
  }
};

bool is_digits(std::string_view s) {
  return s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::optional<DecimalParts> split_decimal(std::string_view s) {
  DecimalParts p;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    p.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const std::size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view exp = s.substr(e + 1);
    if (!exp.empty() && exp.front() == '+') exp.remove_prefix(1);
    const auto [end, ec] = std::from_chars(exp.data(), exp.data() + exp.size(), p.exponent);
    if (exp.empty() || ec != std::errc() || end != exp.data() + exp.size()) return std::nullopt;
    s = s.substr(0, e);
  }
  const std::size_t dot = s.find('.');
  p.int_part = s.substr(0, dot);
  if (dot != std::string_view::npos) p.frac_part = s.substr(dot + 1);
  if (p.size() == 0 || !is_digits(p.int_part) || !is_digits(p.frac_part)) return std::nullopt;
  return p;
}

bool decimal_text_equal(std::string_view a, std::string_view b) noexcept {
  const auto pa = split_decimal(a), pb = split_decimal(b);
  if (!pa || !pb) {
    // NaN, Infinity or not a number at all: Python's NaN never equals anything.
    const auto is_nan = [](std::string_view s) {
      s = trim(s);
      if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
      return !s.empty() &&
             (s.front() == 'n' || s.front() == 'N' || s.front() == 's' || s.front() == 'S');
    };
    return !pa && !pb && a == b && !is_nan(a);
  }
  const auto significant = [](const DecimalParts& p, std::size_t& first, std::size_t& last) {
    first = 0, last = p.size();
    while (first < last && p.at(first) == '0') ++first;
    while (last > first && p.at(last - 1) == '0') --last;
  };
  std::size_t fa, la, fb, lb;
  significant(*pa, fa, la);
  significant(*pb, fb, lb);
  if (fa == la || fb == lb) return fa == la && fb == lb;  // zero equals zero whatever the sign
  if (pa->negative != pb->negative || la - fa != lb - fb) return false;
  const auto lead = [](const DecimalParts& p, std::size_t first) {
    return p.exponent + static_cast<std::int64_t>(p.int_part.size()) -
           static_cast<std::int64_t>(first);
  };
  if (lead(*pa, fa) != lead(*pb, fb)) return false;
  for (std::size_t i = 0; i < la - fa; ++i) {
    if (pa->at(fa + i) != pb->at(fb + i)) return false;
  }
  return true;
}

// Exact comparison, as Python compares int with float: 2**53 + 1 != 2.0**53.
bool integer_equals_real(std::int64_t i, double d) noexcept {
  if (!std::isfinite(d) || std::trunc(d) != d) return false;
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
  return static_cast<std::int64_t>(d) == i;
}

bool is_integral(Value::Kind k) {
  return k == Value::Kind::boolean || k == Value::Kind::integer;
}

// What Python's Decimal() accepts, minus the digit-group underscores.
bool is_decimal_literal(std::string_view s) {
  if (split_decimal(s)) return true;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  std::string lower;
  for (const char c : s) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (lower == "inf" || lower == "infinity") return true;
  std::string_view rest = lower;
  if (rest.starts_with("snan")) {
    rest.remove_prefix(4);
  } else if (rest.starts_with("nan")) {
    rest.remove_prefix(3);
  } else {
    return false;
  }
  return is_digits(rest);
}

}  // namespace

// ---- Value ------------------------------------------------------------------------------------

Value::Value(const Blob& b) : Value(std::span<const std::byte>(b)) {}

Value::Value(std::span<const std::byte> b)
    : kind_(Kind::blob), str_(reinterpret_cast<const char*>(b.data()), b.size()) {}

Value::Value(Date d) noexcept : kind_(Kind::date) {
  num_.i = days_of(d);
}

Value::Value(Time t) noexcept : kind_(Kind::time) {
  num_.i = t.to_duration().count();
}

Value::Value(DateTime dt) noexcept : kind_(Kind::datetime) {
  num_.i = dt.time_since_epoch().count();
}

std::string_view Value::kind_name(Kind k) noexcept {
  static constexpr std::string_view kNames[] = {
      "NULL", "boolean", "integer", "real", "text", "blob", "date", "time", "datetime", "decimal"};
  const auto i = static_cast<std::size_t>(k);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::string Value::repr() const {
  std::string out;
  switch (kind_) {
    case Kind::null:
      out = "None";
      break;
    case Kind::boolean:
      out = num_.i ? "True" : "False";
      break;
    case Kind::integer:
      append_int(out, num_.i);
      break;
    case Kind::real:
      append_float_repr(out, num_.d);
      break;
    case Kind::text:
      append_str_repr(out, str_);
      break;
    case Kind::blob:
      append_bytes_repr(out, str_);
      break;
    case Kind::date:
      out = "datetime.date(";
      append_date_args(out, date_of(num_.i));
      out += ')';
      break;
    case Kind::time:
      out = "datetime.time(";
      append_time_args(out, num_.i);
      out += ')';
      break;
    case Kind::datetime: {
      const auto [day_count, us] = split_datetime(num_.i);
      out = "datetime.datetime(";
      append_date_args(out, date_of(day_count));
      out += ", ";
      append_time_args(out, us);
      out += ')';
      break;
    }
    case Kind::decimal:
      out = "Decimal(";
      append_str_repr(out, str_);
      out += ')';
      break;
  }
  return out;
}

bool operator==(const Value& a, const Value& b) noexcept {
  using K = Value::Kind;
  if (a.kind_ != b.kind_) {
    if (is_integral(a.kind_) && is_integral(b.kind_)) return a.num_.i == b.num_.i;
    if (is_integral(a.kind_) && b.kind_ == K::real) return integer_equals_real(a.num_.i, b.num_.d);
    if (a.kind_ == K::real && is_integral(b.kind_)) return integer_equals_real(b.num_.i, a.num_.d);
    // Decimal('2') == 2 in Python.
    const Value* dec = a.kind_ == K::decimal ? &a : b.kind_ == K::decimal ? &b : nullptr;
    const Value* other = dec == &a ? &b : &a;
    if (dec && is_integral(other->kind_)) {
      std::array<char, 24> buf;
      const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), other->num_.i);
      return decimal_text_equal(dec->str_, std::string_view(buf.data(), end));
    }
    return false;
  }
  switch (a.kind_) {
    case K::null:
      return true;
    case K::real:
      return a.num_.d == b.num_.d;
    case K::text:
    case K::blob:
      return a.str_ == b.str_;
    case K::decimal:
      return decimal_text_equal(a.str_, b.str_);
    default:
      return a.num_.i == b.num_.i;
  }
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  std::string out;
  switch (v.kind()) {
    case Value::Kind::text:
    case Value::Kind::decimal:
      return os << v.text_unchecked();
    case Value::Kind::date:
      append_iso_date(out, v.as<Date>());
      break;
    case Value::Kind::time:
      append_iso_time(out, v.integer_unchecked());
      break;
    case Value::Kind::datetime: {
      const auto [day_count, us] = split_datetime(v.integer_unchecked());
      append_iso_date(out, date_of(day_count));
      out.push_back(' ');
      append_iso_time(out, us);
      break;
    }
    default:
      out = v.repr();
      break;
  }
  return os << out;
}

// ---- Params -----------------------------------------------------------------------------------

Params::Params(std::initializer_list<value_type> items) {
  items_.reserve(items.size());
  for (const auto& [name, value] : items) set(name, value);
}

// Like a Python dict: replacing a value keeps the name's original position.
Params& Params::set(std::string name, Value v) {
  for (auto& item : items_) {
    if (item.first == name) {
      item.second = std::move(v);
      return *this;
    }
  }
  items_.emplace_back(std::move(name), std::move(v));
  return *this;
}

Value& Params::operator[](std::string_view name) {
  for (auto& item : items_) {
    if (item.first == name) return item.second;
  }
  return items_.emplace_back(std::string(name), Value()).second;
}

std::string Params::repr() const {
  std::string out = "{";
  for (const auto& [name, value] : items_) {
    if (out.size() > 1) out += ", ";
    append_str_repr(out, name);
    out += ": ";
    out += value.repr();
  }
  out += '}';
  return out;
}

// ---- value_traits -----------------------------------------------------------------------------

namespace detail {

void throw_value_type_error(const Value& v, std::string_view target) {
  std::string msg = "Can't convert ";
  if (v.is_null()) {
    msg += "NULL to ";
    msg += target;
    msg += "; read it as std::optional";
    throw exc::ValueTypeError(std::move(msg));
  }
  // A long text or blob would drown the message; its start identifies it well enough.
  constexpr std::size_t kMaxRepr = 100;
  std::string shown = v.repr();
  if (shown.size() > kMaxRepr) shown = shown.substr(0, kMaxRepr) + "...";
  msg += Value::kind_name(v.kind());
  msg += " value ";
  msg += shown;
  msg += " to ";
  msg += target;
  throw exc::ValueTypeError(std::move(msg));
}

void throw_integer_range_error(std::int64_t i, std::string_view target) {
  std::string msg = "Can't convert integer value ";
  append_int(msg, i);
  msg += " to ";
  msg += target;
  msg += ": out of range";
  throw exc::ValueTypeError(std::move(msg));
}

}  // namespace detail

bool value_traits<bool>::from(const Value& v) {
  if (!is_integral(v.kind())) detail::throw_value_type_error(v, "a bool");
  return v.integer_unchecked() != 0;
}

// A decimal reads as a double too, as Python's float(Decimal(...)) does; NUMERIC columns arrive
// as decimals and are often wanted as doubles.
double value_traits<double>::from_decimal(const Value& v) {
  if (v.kind() == Value::Kind::decimal) {
    std::string_view s = trim(v.text_unchecked());
    const bool negative = !s.empty() && s.front() == '-';
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    double d = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (!s.empty() && end == s.data() + s.size() &&
        (ec == std::errc() || ec == std::errc::result_out_of_range)) {
      return negative ? -d : d;
    }
  }
  detail::throw_value_type_error(v, "a double");
}

std::string value_traits<std::string>::from(const Value& v) {
  if (v.kind() != Value::Kind::text && v.kind() != Value::Kind::decimal) {
    detail::throw_value_type_error(v, "a string");
  }
  return std::string(v.text_unchecked());
}

Blob value_traits<Blob>::from(const Value& v) {
  const auto bytes = value_traits<std::span<const std::byte>>::from(v);
  return Blob(bytes.begin(), bytes.end());
}

std::span<const std::byte> value_traits<std::span<const std::byte>>::from(const Value& v) {
  if (v.kind() != Value::Kind::blob) detail::throw_value_type_error(v, "a blob");
  const std::string_view s = v.text_unchecked();
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

Date value_traits<Date>::from(const Value& v) {
  if (v.kind() == Value::Kind::date) return date_of(v.integer_unchecked());
  if (v.kind() == Value::Kind::text) {
    if (const auto d = parse_iso_date(trim(v.text_unchecked()))) return *d;
  }
  detail::throw_value_type_error(v, "a date");
}

Time value_traits<Time>::from(const Value& v) {
  if (v.kind() == Value::Kind::time) return Time{microseconds{v.integer_unchecked()}};
  if (v.kind() == Value::Kind::text) {
    if (const auto us = parse_iso_time(trim(v.text_unchecked()))) return Time{microseconds{*us}};
  }
  detail::throw_value_type_error(v, "a time");
}

DateTime value_traits<DateTime>::from(const Value& v) {
  if (v.kind() == Value::Kind::datetime) return DateTime{microseconds{v.integer_unchecked()}};
  if (v.kind() == Value::Kind::text) {
    const std::string_view s = trim(v.text_unchecked());
    const auto d = parse_iso_date(s.substr(0, 10));
    if (d && s.size() == 10) return DateTime{local_days{*d}};
    if (d && s.size() > 11 && (s[10] == ' ' || s[10] == 'T')) {
      if (const auto us = parse_iso_time(s.substr(11))) {
        return DateTime{local_days{*d}} + microseconds{*us};
      }
    }
  }
  detail::throw_value_type_error(v, "a datetime");
}

Decimal value_traits<Decimal>::from(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::decimal:
      return Decimal{std::string(v.text_unchecked())};
    case Value::Kind::integer:
    case Value::Kind::boolean:
      return Decimal{std::to_string(v.integer_unchecked())};
    case Value::Kind::text: {
      // Python's Decimal() ignores surrounding whitespace; the digits are kept as written.
      const std::string_view s = trim(v.text_unchecked());
      if (is_decimal_literal(s)) return Decimal{std::string(s)};
      break;
    }
    default:
      break;
  }
  detail::throw_value_type_error(v, "a decimal");
}

}  // namespace athanor
