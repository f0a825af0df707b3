#include "dialects/sqlite/statement_cache.hpp"

#include <array>
#include <climits>
#include <cstring>

#include "dialects/keyword.hpp"
#include "dialects/sqlite/errors.hpp"

namespace athanor::dialects::sqlite {

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Skips whitespace and SQL comments (and ';' when `semicolons`), as SQLite's tokenizer would.
const char* skip_filler(const char* p, const char* end, bool semicolons) noexcept {
  while (p < end) {
    if (is_space(*p) || (semicolons && *p == ';')) {
      ++p;
    } else if (*p == '-' && p + 1 < end && p[1] == '-') {
      while (p < end && *p != '\n') ++p;
    } else if (*p == '/' && p + 1 < end && p[1] == '*') {
      const char* close = p + 2;
      while (close + 1 < end && !(close[0] == '*' && close[1] == '/')) ++close;
      p = close + 1 < end ? close + 2 : end;  // an unterminated comment runs to the end
    } else {
      break;
    }
  }
  return p;
}

std::string_view first_keyword(std::string_view sql) noexcept {
  const char* end = sql.data() + sql.size();
  const char* p = skip_filler(sql.data(), end, false);
  const char* q = p;
  while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))) ++q;
  return {p, static_cast<std::size_t>(q - p)};
}

void classify(Statement& st) noexcept {
  const std::string_view word = first_keyword(st.sql);
  // Transaction control needs no BEGIN before it; PRAGMA and VACUUM (and ATTACH/DETACH) are
  // refused or behave differently inside a transaction.
  static constexpr std::array<std::string_view, 8> no_begin = {
      "BEGIN", "COMMIT", "END", "ROLLBACK", "PRAGMA", "VACUUM", "ATTACH", "DETACH"};
  for (std::string_view k : no_begin) {
    if (keyword_is(word, k)) st.begins_transaction = false;
  }
  st.is_insert = keyword_is(word, "INSERT") || keyword_is(word, "REPLACE");
  st.is_dml = st.is_insert || keyword_is(word, "UPDATE") || keyword_is(word, "DELETE");
}

bool same_columns(sqlite3_stmt* stmt, int n, const dbapi::Description& d) noexcept {
  if (d.columns.size() != static_cast<std::size_t>(n)) return false;
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    if (d.columns[static_cast<std::size_t>(i)].name != (name ? name : "")) return false;
  }
  return true;
}

// `known` is reused (same serial) when it still matches the statement's columns.
std::shared_ptr<const dbapi::Description> describe(
    sqlite3_stmt* stmt, const std::shared_ptr<const dbapi::Description>& known) {
  const int n = sqlite3_column_count(stmt);
  if (n == 0) return nullptr;
  if (known && same_columns(stmt, n, *known)) return known;
  auto d = std::make_shared<dbapi::Description>();
  d->serial = dbapi::Description::next_serial();
  d->columns.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    d->columns[static_cast<std::size_t>(i)].name = name ? name : "";
  }
  return d;
}

std::unique_ptr<Statement> prepare(sqlite3* db, std::string_view sql, std::size_t hash,
                                   unsigned flags,
                                   const std::shared_ptr<const dbapi::Description>& known) {
  if (sql.find('\0') != std::string_view::npos) {
    raise_programming_error("the query contains a null character");
  }
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw dbapi::Error(dbapi::ErrorKind::data_error, std::string(kDriverName),
                       "query string is too large");
  }
  auto st = std::make_unique<Statement>();
  st->sql.assign(sql);
  st->hash = hash;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db, st->sql.data(), static_cast<int>(st->sql.size()), flags,
                                    &st->stmt, &tail);
  if (rc != SQLITE_OK) raise_sqlite_error(db, rc, true);
  const char* end = st->sql.data() + st->sql.size();
  if (tail && skip_filler(tail, end, true) != end) {
    raise_programming_error("You can only execute one statement at a time.");
  }
  classify(*st);
  if (st->stmt) {
    st->description = describe(st->stmt, known);
    st->reprepares = sqlite3_stmt_status(st->stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
    st->parameters = sqlite3_bind_parameter_count(st->stmt);
  }
  return st;
}

}  // namespace

void Statement::redescribe(int new_reprepares) {
  reprepares = new_reprepares;
  description = describe(stmt, description);
}

Statement* StatementCache::acquire_other(std::string_view sql, std::size_t hash,
                                         std::uint64_t serial) {
  std::shared_ptr<const dbapi::Description> known;
  bool busy = false;
  if (Statement* st = entries_.find(Key{sql, hash})) {
    if (!st->in_use) {
      st->in_use = true;
      if (serial != 0) st->serial = serial;
      entries_.touch(st);
      return st;
    }
    // Busy: a private twin, sharing the description so layers above see one serial.
    known = st->description;
    busy = true;
  }
  const bool cache = capacity_ > 0 && !busy;
  auto st = prepare(db_, sql, hash, cache ? SQLITE_PREPARE_PERSISTENT : 0, known);
  st->in_use = true;
  st->serial = serial;
  if (!cache) return st.release();
  if (entries_.size() >= capacity_) evict_oldest();
  const Key key = key_of(*st);
  return entries_.insert(key, std::move(st));
}

void StatementCache::release(Statement* st) noexcept {
  sqlite3_reset(st->stmt);
  st->in_use = false;
  if (!st->cached()) delete st;
}

void StatementCache::clear() noexcept {
  entries_.clear();
}

void StatementCache::evict_oldest() noexcept {
  std::unique_ptr<Statement> victim = entries_.remove(key_of(*entries_.oldest()));
  // A lent-out statement now belongs to its cursor, which finalizes it on release.
  if (victim->in_use) victim.release();
}

}  // namespace athanor::dialects::sqlite
