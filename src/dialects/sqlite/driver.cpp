#include "dialects/sqlite/driver.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "dialects/sqlite/errors.hpp"
#include "dialects/sqlite/statement_cache.hpp"

namespace athanor::dialects::sqlite {

namespace {

using dbapi::ParamRows;

class SQLiteConnection;

// SQLITE_TRANSIENT: SQLite copies the text into the statement's own buffer (reused by the next
// execution), so the caller's buffer, a Value or a stack array, may go away at once.
void bind_text(sqlite3* db, sqlite3_stmt* stmt, int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) raise_sqlite_error(db, rc, false);
}

template <typename... Args>
void bind_formatted(sqlite3* db, sqlite3_stmt* stmt, int index, fmt::format_string<Args...> format,
                    Args&&... args) {
  char buf[64];
  const auto r = fmt::format_to_n(buf, sizeof buf, format, std::forward<Args>(args)...);
  bind_text(db, stmt, index, {buf, std::min(r.size, sizeof buf)});
}

void bind_time_of_day(sqlite3* db, sqlite3_stmt* stmt, int index, const Date* date, const Time& t) {
  const long long h = t.hours().count(), m = t.minutes().count(), s = t.seconds().count();
  const long long us = t.subseconds().count();
  if (date) {
    bind_formatted(db, stmt, index, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
                   static_cast<int>(date->year()), static_cast<unsigned>(date->month()),
                   static_cast<unsigned>(date->day()), h, m, s, us);
  } else {
    bind_formatted(db, stmt, index, "{:02}:{:02}:{:02}.{:06}", h, m, s, us);
  }
}

// Kept out of bind_value(): inlined, its formatting buffers would be set up for every value bound.
[[gnu::noinline]] void bind_any_value(sqlite3* db, sqlite3_stmt* stmt, int index, const Value& v) {
  int rc = SQLITE_OK;
  switch (v.kind()) {
    case Value::Kind::null:
      rc = sqlite3_bind_null(stmt, index);
      break;
    case Value::Kind::boolean:
    case Value::Kind::integer:
      rc = sqlite3_bind_int64(stmt, index, v.integer_unchecked());
      break;
    case Value::Kind::real:
      rc = sqlite3_bind_double(stmt, index, v.real_unchecked());
      break;
    case Value::Kind::text:
    case Value::Kind::decimal:
      bind_text(db, stmt, index, v.text_unchecked());
      return;
    case Value::Kind::blob: {
      const auto bytes = v.as<std::span<const std::byte>>();
      rc = sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
      break;
    }
    case Value::Kind::date: {
      const Date d = v.as<Date>();
      bind_formatted(db, stmt, index, "{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
      return;
    }
    case Value::Kind::time:
      bind_time_of_day(db, stmt, index, nullptr, v.as<Time>());
      return;
    case Value::Kind::datetime: {
      const DateTime dt = v.as<DateTime>();
      const auto day = std::chrono::floor<std::chrono::days>(dt);
      const Date date{day};
      bind_time_of_day(db, stmt, index, &date, Time(dt - day));
      return;
    }
  }
  if (rc != SQLITE_OK) raise_sqlite_error(db, rc, false);
}

// Integers, the commonest parameters, are bound without a call of their own.
void bind_value(sqlite3* db, sqlite3_stmt* stmt, int index, const Value& v) {
  if (v.kind() != Value::Kind::integer) return bind_any_value(db, stmt, index, v);
  const int rc = sqlite3_bind_int64(stmt, index, v.integer_unchecked());
  if (rc != SQLITE_OK) raise_sqlite_error(db, rc, false);
}

[[noreturn]] void raise_binding_count(int expected, std::size_t supplied) {
  raise_programming_error(fmt::format(
      "Incorrect number of bindings supplied. The current statement uses {}, and there are {} "
      "supplied.",
      expected, supplied));
}

void bind_named(sqlite3* db, sqlite3_stmt* stmt, int count, const Params& set) {
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    if (!name) {
      // An empty set stands for an empty positional row (see Cursor::executemany).
      if (set.empty()) raise_binding_count(count, 0);
      raise_programming_error(fmt::format(
          "Binding {} has no name, but you supplied a dictionary (which has only names).", i));
    }
    const Value* v = set.find(name + 1);  // without its ':', '@' or '$'
    if (!v) {
      raise_programming_error(
          fmt::format("You did not supply a value for binding parameter :{}.", name + 1));
    }
    bind_value(db, stmt, i, *v);
  }
}

// Binds parameter row `i` (no row at all when `params` has none).
void bind_row(sqlite3* db, const Statement& st, const ParamRows& params, std::size_t i) {
  sqlite3_stmt* stmt = st.stmt;
  const int count = st.parameters;
  if (params.is_named()) {
    bind_named(db, stmt, count, params.named_row(i));
    return;
  }
  const auto row = params.rows() ? params.row(i) : std::span<const Value* const>();
  if (row.size() != static_cast<std::size_t>(count)) raise_binding_count(count, row.size());
  for (int k = 0; k < count; ++k) bind_value(db, stmt, k + 1, *row[static_cast<std::size_t>(k)]);
}

// Through sqlite3_column_value(): one checked column_* call per value, where column_type() then
// column_int64() (and column_bytes() for text) would each take the statement's wrapper again. The
// value is unprotected, which is safe here: a connection is used by one thread at a time.
void read_row(sqlite3_stmt* stmt, std::span<Value> row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    sqlite3_value* v = sqlite3_column_value(stmt, static_cast<int>(i));
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        row[i].set_integer(sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT:
        row[i].set_real(sqlite3_value_double(v));
        break;
      case SQLITE_TEXT: {
        // value_text before value_bytes: the byte count is of the converted value.
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
        row[i].set_text(text ? std::string_view(text, size) : std::string_view());
        break;
      }
      case SQLITE_BLOB: {
        const auto* data = static_cast<const std::byte*>(sqlite3_value_blob(v));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(v));
        row[i].set_blob(data ? std::span<const std::byte>(data, size)
                             : std::span<const std::byte>());
        break;
      }
      default:
        row[i].set_null();
    }
  }
}

class SQLiteCursor final : public dbapi::Cursor {
 public:
  explicit SQLiteCursor(SQLiteConnection* conn) noexcept : conn_(conn) {}

  const dbapi::Description* description() const noexcept override {
    return described_ ? description_.get() : nullptr;
  }
  std::string_view statement() const noexcept override {
    return st_ ? std::string_view(st_->sql) : std::string_view();
  }
  std::int64_t rowcount() const noexcept override { return rowcount_; }
  std::optional<std::int64_t> lastrowid() const noexcept override { return lastrowid_; }
  bool nextset() override {
    check_open();
    return false;
  }
  void callproc(std::string_view, const std::vector<Value>&) override {
    throw dbapi::Error(dbapi::ErrorKind::not_supported_error, std::string(kDriverName),
                       "sqlite3 has no stored procedures: callproc() is not supported");
  }
  void close() noexcept override {
    drop_statement();
    closed_ = true;
  }
  bool closed() const noexcept override;
  void execute_raw(std::string_view sql, std::size_t sql_hash, std::uint64_t sql_serial,
                   const ParamRows& params, bool many) override;
  bool fetch_into(std::span<Value> row) override;
  std::size_t fetch_many_into(std::span<Value> out, std::size_t width, std::size_t rows) override;
  bool at_end() const noexcept override { return !pending_row_; }

  // --- for SQLiteConnection -------------------------------------------------------------------
  // Hands the statement back to the cache; the rows end, the results (description, rowcount)
  // stay.
  void drop_statement() noexcept;
  // A recycled cursor starts over as a new one.
  void reopen() noexcept;
  void detach() noexcept { conn_ = nullptr; }
  SQLiteCursor* prev = nullptr;  // the connection's list of handed-out cursors, or its free list
  SQLiteCursor* next = nullptr;

 protected:
  void release() noexcept override;

 private:
  void check_open() const;
  void execute_once(Statement& st, const ParamRows& params);
  void execute_many(Statement& st, const ParamRows& params);
  void end_rows() noexcept;
  [[noreturn]] void fail(int rc);

  SQLiteConnection* conn_;
  Statement* st_ = nullptr;
  // A stepped row waits to be read: the cursor steps one row ahead of its reader, as pysqlite
  // does (execute() steps to the first row, each fetch reads its row and steps to the next).
  bool pending_row_ = false;
  bool closed_ = false;
  // description_ is of the last statement run; it is kept, not reset, while no statement has
  // been (described_ false), so that running the same statement again takes no new reference.
  bool described_ = false;
  std::shared_ptr<const dbapi::Description> description_;
  std::int64_t rowcount_ = -1;
  std::optional<std::int64_t> lastrowid_;
};

class SQLiteConnection final : public dbapi::Connection {
 public:
  SQLiteConnection(sqlite3* db, std::size_t cached_statements) noexcept
      : db_(db), statements_(db, cached_statements) {}
  ~SQLiteConnection() override;

  dbapi::CursorPtr cursor() override;
  // Every SQLite cursor steps its statement as rows are fetched: it is server-side by nature.
  dbapi::CursorPtr server_side_cursor() override { return cursor(); }
  void commit() override;
  void rollback() override;
  void close() noexcept override;
  bool closed() const noexcept override { return db_ == nullptr; }
  bool in_transaction() const noexcept override { return db_ && !sqlite3_get_autocommit(db_); }
  void set_autocommit(bool on) override;
  bool autocommit() const noexcept override { return autocommit_; }
  void close_cursors() noexcept override;
  void* native_handle() noexcept override { return db_; }

  // --- for SQLiteCursor -----------------------------------------------------------------------
  sqlite3* db() const noexcept { return db_; }
  StatementCache& statements() noexcept { return statements_; }
  void begin_if_needed(const Statement& st) {
    if (!autocommit_ && st.begins_transaction && sqlite3_get_autocommit(db_)) {
      run_control(begin_, "BEGIN");
    }
  }
  void recycle(SQLiteCursor* c) noexcept;

 private:
  void check_open() const {
    if (!db_) raise_closed_database();
  }
  // BEGIN / COMMIT / ROLLBACK, each prepared once per connection.
  void run_control(sqlite3_stmt*& slot, const char* sql);
  template <typename F>
  void for_each_cursor(F f) noexcept {
    for (SQLiteCursor* c = live_; c;) {
      SQLiteCursor* next = c->next;
      f(*c);
      c = next;
    }
  }

  sqlite3* db_;
  bool autocommit_ = false;
  StatementCache statements_;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  SQLiteCursor* live_ = nullptr;  // handed out (open or closed), doubly linked
  SQLiteCursor* free_ = nullptr;  // released, ready for reuse, linked through `next`
};

// ---- SQLiteCursor -----------------------------------------------------------------------------

bool SQLiteCursor::closed() const noexcept {
  return closed_ || !conn_ || conn_->closed();
}

void SQLiteCursor::check_open() const {
  if (closed_) raise_programming_error("Cannot operate on a closed cursor.");
  if (!conn_ || conn_->closed()) raise_closed_database();
}

void SQLiteCursor::drop_statement() noexcept {
  if (!st_) return;
  pending_row_ = false;
  conn_->statements().release(st_);
  st_ = nullptr;
}

void SQLiteCursor::reopen() noexcept {
  closed_ = false;
  described_ = false;
  rowcount_ = -1;
  lastrowid_.reset();
  arraysize = 1;
}

void SQLiteCursor::release() noexcept {
  if (conn_) {
    conn_->recycle(this);
  } else {
    delete this;
  }
}

void SQLiteCursor::end_rows() noexcept {
  // A DML statement with RETURNING has changed its rows only once it is done.
  if (st_->is_dml) rowcount_ = sqlite3_changes64(conn_->db());
  drop_statement();
}

void SQLiteCursor::fail(int rc) {
  // The message first: resetting the statement may replace it.
  dbapi::Error e = error_from_code(rc, sqlite3_errmsg(conn_->db()), false);
  drop_statement();
  throw e;
}

void SQLiteCursor::execute_raw(std::string_view sql, std::size_t sql_hash, std::uint64_t sql_serial,
                               const ParamRows& params, bool many) {
  check_open();
  drop_statement();
  described_ = false;
  rowcount_ = -1;
  st_ = conn_->statements().acquire(sql, sql_hash, sql_serial);
  try {
    if (many) {
      execute_many(*st_, params);
    } else {
      execute_once(*st_, params);
    }
  } catch (...) {
    drop_statement();
    throw;
  }
}

void SQLiteCursor::execute_once(Statement& st, const ParamRows& params) {
  sqlite3* db = conn_->db();
  bind_row(db, st, params, 0);
  if (!st.stmt) {  // blank SQL: nothing to run
    drop_statement();
    return;
  }
  conn_->begin_if_needed(st);
  const int rc = sqlite3_step(st.stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(rc);
  st.refresh_after_reprepare();
  description_ = st.description;
  described_ = true;
  if (st.is_insert) lastrowid_ = sqlite3_last_insert_rowid(db);
  if (rc == SQLITE_ROW) {
    pending_row_ = true;
  } else {
    end_rows();
  }
}

void SQLiteCursor::execute_many(Statement& st, const ParamRows& params) {
  if (sqlite3_column_count(st.stmt) > 0) {
    raise_programming_error("executemany() can only execute DML statements.");
  }
  sqlite3* db = conn_->db();
  rowcount_ = st.is_dml ? 0 : -1;
  for (std::size_t i = 0; i < params.rows(); ++i) {
    bind_row(db, st, params, i);
    if (!st.stmt) continue;
    if (i == 0) conn_->begin_if_needed(st);
    const int rc = sqlite3_step(st.stmt);
    if (rc != SQLITE_DONE) fail(rc);
    if (st.is_dml) rowcount_ += sqlite3_changes64(db);
    sqlite3_reset(st.stmt);
  }
  drop_statement();
}

bool SQLiteCursor::fetch_into(std::span<Value> row) {
  return fetch_many_into(row, row.size(), 1) == 1;
}

std::size_t SQLiteCursor::fetch_many_into(std::span<Value> out, std::size_t width,
                                          std::size_t rows) {
  // A pending row means an open cursor (closing the cursor or its connection drops the rows), so
  // the check is left to fetches that find none.
  if (!pending_row_ || rows == 0) {
    check_open();
    return 0;
  }
  std::size_t i = 0;
  Value* row = out.data();
  do {
    read_row(st_->stmt, {row, width});  // copies: the step below may move on
    row += width;
    ++i;
    const int rc = sqlite3_step(st_->stmt);
    if (rc == SQLITE_DONE) {
      end_rows();
      return i;
    }
    if (rc != SQLITE_ROW) fail(rc);
  } while (i < rows);
  return i;
}

// ---- SQLiteConnection -------------------------------------------------------------------------

SQLiteConnection::~SQLiteConnection() {
  close();
  // Cursors still held by their owners outlive us: they now report a closed database and
  // delete themselves when released.
  for_each_cursor([](SQLiteCursor& c) { c.detach(); });
  while (free_) delete std::exchange(free_, free_->next);
}

dbapi::CursorPtr SQLiteConnection::cursor() {
  check_open();
  SQLiteCursor* c = free_;
  if (c) {
    free_ = c->next;
    c->reopen();
  } else {
    c = new SQLiteCursor(this);
  }
  c->prev = nullptr;
  c->next = live_;
  if (live_) live_->prev = c;
  live_ = c;
  return dbapi::CursorPtr(c);
}

void SQLiteConnection::recycle(SQLiteCursor* c) noexcept {
  c->drop_statement();
  (c->prev ? c->prev->next : live_) = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = nullptr;
  c->next = free_;
  free_ = c;
}

void SQLiteConnection::run_control(sqlite3_stmt*& slot, const char* sql) {
  if (!slot) {
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr);
    if (rc != SQLITE_OK) raise_sqlite_error(db_, rc, true);
  }
  const int rc = sqlite3_step(slot);
  if (rc != SQLITE_DONE) {
    dbapi::Error e = error_from_code(rc, sqlite3_errmsg(db_), false);
    sqlite3_reset(slot);
    throw e;
  }
  sqlite3_reset(slot);
}

void SQLiteConnection::commit() {
  check_open();
  // Unfinished reads may go on past COMMIT: SQLite keeps their snapshot until they end.
  if (!sqlite3_get_autocommit(db_)) run_control(commit_, "COMMIT");
}

void SQLiteConnection::rollback() {
  check_open();
  if (sqlite3_get_autocommit(db_)) return;
  // ROLLBACK would abort unfinished statements (their next step fails) or refuse to run while a
  // write is pending; ending every cursor's rows first makes them simply run out.
  for_each_cursor([](SQLiteCursor& c) { c.drop_statement(); });
  run_control(rollback_, "ROLLBACK");
}

void SQLiteConnection::set_autocommit(bool on) {
  check_open();
  if (on && !sqlite3_get_autocommit(db_)) run_control(commit_, "COMMIT");
  autocommit_ = on;
}

void SQLiteConnection::close_cursors() noexcept {
  for_each_cursor([](SQLiteCursor& c) { c.close(); });
}

void SQLiteConnection::close() noexcept {
  if (!db_) return;
  for_each_cursor([](SQLiteCursor& c) { c.drop_statement(); });
  statements_.clear();
  for (sqlite3_stmt* s : {begin_, commit_, rollback_}) sqlite3_finalize(s);
  begin_ = commit_ = rollback_ = nullptr;
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

// ---- connect ----------------------------------------------------------------------------------

[[noreturn]] void raise_bad_argument(std::string_view key, std::string_view expected) {
  throw dbapi::Error(dbapi::ErrorKind::interface_error, std::string(kDriverName),
                     fmt::format("connect() argument '{}' must be {}", key, expected));
}

}  // namespace

dbapi::ConnectionPtr connect(const ConnectArgs& args) {
  std::string database = ":memory:";
  double timeout = 5.0;
  bool uri = false;
  std::int64_t cached_statements = 128;
  for (const auto& [key, value] : args) {
    const Value::Kind kind = value.kind();
    const bool is_int = kind == Value::Kind::integer || kind == Value::Kind::boolean;
    if (key == "database") {
      if (kind != Value::Kind::text) raise_bad_argument(key, "text");
      database.assign(value.text_unchecked());
    } else if (key == "timeout") {
      if (kind == Value::Kind::real) {
        timeout = value.real_unchecked();
      } else if (kind == Value::Kind::integer) {
        timeout = static_cast<double>(value.integer_unchecked());
      } else {
        raise_bad_argument(key, "a number of seconds");
      }
    } else if (key == "uri") {
      if (!is_int) raise_bad_argument(key, "a boolean");
      uri = value.integer_unchecked() != 0;
    } else if (key == "cached_statements") {
      if (!is_int || value.integer_unchecked() < 0) {
        raise_bad_argument(key, "a non-negative integer");
      }
      cached_statements = value.integer_unchecked();
    } else if (key != "check_same_thread") {
      throw dbapi::Error(dbapi::ErrorKind::interface_error, std::string(kDriverName),
                         fmt::format("'{}' is an invalid keyword argument for connect()", key));
    }
  }

  // NOMUTEX: the pool hands a connection to one thread at a time, so SQLite's own locking of
  // the connection would be pure overhead.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    (uri ? SQLITE_OPEN_URI : 0);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(database.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    throw dbapi::Error(dbapi::ErrorKind::operational_error, std::string(kDriverName),
                       "unable to open database file", std::to_string(rc));
  }
  sqlite3_extended_result_codes(db, 1);
  const double ms =
      std::clamp(timeout * 1000.0, 0.0, static_cast<double>(std::numeric_limits<int>::max()));
  sqlite3_busy_timeout(db, std::isnan(ms) ? 0 : static_cast<int>(ms));
  return std::make_unique<SQLiteConnection>(db, static_cast<std::size_t>(cached_statements));
}

}  // namespace athanor::dialects::sqlite
