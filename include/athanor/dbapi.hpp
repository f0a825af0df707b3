// athanor/dbapi.hpp — our DBAPI: the driver layer every backend implements (PEP 249 in C++).
//
// A backend's driver (src/dialects/<name>/) provides a dbapi::Connection and its dbapi::Cursor.
// They speak only the database's own terms: SQL in the driver's native paramstyle, positional or
// named parameters, rows of Values, and dbapi::Error subclasses. Everything SQLAlchemy-shaped
// (transactions as objects, text() binds, pooling, result filters) lives above this layer.
//
// Users reach this layer through `engine.raw_connection()` / `conn.connection()`, exactly as
// Python users reach the DBAPI connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/value.hpp"

namespace athanor::dbapi {

// PEP 249's exception classes. A driver throws the most specific one it can.
enum class ErrorKind {
  error,  // plain Error
  interface_error,
  database_error,
  data_error,
  operational_error,
  integrity_error,
  internal_error,
  programming_error,
  not_supported_error,
};

// The PEP 249 class name of an ErrorKind: "OperationalError", ...
std::string_view error_class_name(ErrorKind kind) noexcept;

class Error : public std::exception {
 public:
  // `driver` names the module in messages ("sqlite3", "libpq"); `native_code` is the backend's
  // own error code (SQLite extended result code, PostgreSQL SQLSTATE) for dialects to inspect.
  Error(ErrorKind kind, std::string driver, std::string message, std::string native_code = {})
      : kind_(kind),
        driver_(std::move(driver)),
        message_(std::move(message)),
        native_code_(std::move(native_code)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& driver() const noexcept { return driver_; }
  const std::string& native_code() const noexcept { return native_code_; }
  // "sqlite3.OperationalError", the prefix of a wrapped exception's message.
  std::string qualified_name() const;

 private:
  ErrorKind kind_;
  std::string driver_;
  std::string message_;
  std::string native_code_;
};

// One column of cursor.description: PEP 249's 7-tuple, of which drivers fill what they know.
struct ColumnDescription {
  std::string name;
  int type_code = 0;  // driver-specific (SQLite: SQLITE_INTEGER..., PostgreSQL: the type OID)
  std::optional<std::int64_t> display_size, internal_size, precision, scale;
  std::optional<bool> null_ok;
};

// A number unique in the process for the life of the program, never 0: what a cache may key
// things on that must never be confused with others made later at the same address.
std::uint64_t next_serial() noexcept;

// cursor.description, shared by every execution of one prepared statement. `serial` is unique
// in the process for the life of the program, so a layer above may cache what it derives from a
// description (keys, lookup maps) under it.
struct Description {
  std::uint64_t serial = 0;
  std::vector<ColumnDescription> columns;
  static std::uint64_t next_serial() noexcept { return dbapi::next_serial(); }
};

// Parameter sets for one execute/executemany call, without copying the values: either rows of
// positional values (row-major pointers, `width` per row) or named sets.
class ParamRows {
 public:
  ParamRows() = default;  // no parameters at all
  static ParamRows positional(std::span<const Value* const> flat, std::size_t width) {
    ParamRows p;
    p.flat_ = flat, p.width_ = width, p.rows_ = width ? flat.size() / width : 0;
    return p;
  }
  static ParamRows named(std::span<const Params* const> sets) {
    ParamRows p;
    p.named_ = sets, p.rows_ = sets.size();
    return p;
  }
  bool is_named() const noexcept { return !named_.empty(); }
  std::size_t rows() const noexcept { return rows_; }
  std::size_t width() const noexcept { return width_; }
  std::span<const Value* const> row(std::size_t i) const noexcept {
    return flat_.subspan(i * width_, width_);
  }
  const Params& named_row(std::size_t i) const noexcept { return *named_[i]; }

 private:
  std::span<const Value* const> flat_;
  std::size_t width_ = 0;
  std::span<const Params* const> named_;
  std::size_t rows_ = 0;
};

class Cursor;
// Cursors go back to their connection when released, which may recycle them.
struct CursorRelease {
  void operator()(Cursor* c) const noexcept;
};
using CursorPtr = std::unique_ptr<Cursor, CursorRelease>;

class Cursor {
 public:
  virtual ~Cursor() = default;

  // --- PEP 249, for users -------------------------------------------------------------------
  void execute(std::string_view sql);
  void execute(std::string_view sql, const std::vector<Value>& params);
  void execute(std::string_view sql, const Params& params);
  void executemany(std::string_view sql, const std::vector<std::vector<Value>>& seq);
  void executemany(std::string_view sql, const std::vector<Params>& seq);
  std::optional<std::vector<Value>> fetchone();
  std::vector<std::vector<Value>> fetchmany(std::optional<std::size_t> size = std::nullopt);
  std::vector<std::vector<Value>> fetchall();
  std::size_t arraysize = 1;

  // nullptr when the last statement returns no rows.
  virtual const Description* description() const noexcept = 0;
  // The SQL of the statement whose rows are being read; empty once they are exhausted.
  virtual std::string_view statement() const noexcept = 0;
  // Rows changed by the last DML (summed over executemany); -1 when not applicable.
  virtual std::int64_t rowcount() const noexcept = 0;
  virtual std::optional<std::int64_t> lastrowid() const noexcept = 0;
  // Advances to the next result set of a multi-statement call; false when there is none.
  virtual bool nextset() = 0;
  virtual void callproc(std::string_view name, const std::vector<Value>& params) = 0;
  virtual void close() noexcept = 0;
  virtual bool closed() const noexcept = 0;

  // --- the engine's fast path -----------------------------------------------------------------
  // Executes `sql` (native paramstyle) once per parameter row; `many` marks executemany, which
  // must not return rows. `sql_hash` is std::hash<std::string_view> of sql, computed once by the
  // caller, for the prepared-statement cache. `sql_serial`, when not 0, is a next_serial() that
  // only ever accompanies this same text (the engine's compiled form of a statement), so the
  // cache may recognise the SQL by it without comparing the text.
  virtual void execute_raw(std::string_view sql, std::size_t sql_hash, std::uint64_t sql_serial,
                           const ParamRows& params, bool many) = 0;
  // Reads the next row into `row` (size == description()->columns.size()), reusing its Values'
  // buffers; false at the end of the rows. Value views stay valid until the next call.
  virtual bool fetch_into(std::span<Value> row) = 0;
  // Reads up to `rows` rows of `width` values into `out`, as fetch_into() does; returns how many
  // (fewer at the end of the rows). Drivers override it to read a batch in one call.
  virtual std::size_t fetch_many_into(std::span<Value> out, std::size_t width, std::size_t rows) {
    for (std::size_t i = 0; i < rows; ++i) {
      if (!fetch_into(out.subspan(i * width, width))) return i;
    }
    return rows;
  }
  // True when the driver already knows that no row follows those fetched (SQLite steps one row
  // ahead, as pysqlite does; a PostgreSQL result is in memory), so that a result learns its end
  // with its last row instead of with one more fetch. False when it cannot tell yet.
  virtual bool at_end() const noexcept { return false; }

 protected:
  friend struct CursorRelease;
  // Called instead of delete when a CursorPtr lets go; default deletes.
  virtual void release() noexcept { delete this; }
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual CursorPtr cursor() = 0;
  // A cursor that reads rows from the database as they are fetched instead of receiving them all
  // at execute (PostgreSQL: a named cursor), for stream_results; nullptr when the driver has none
  // (its results are then read in full by the driver, whatever the options).
  virtual CursorPtr server_side_cursor() { return nullptr; }
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // Closes the connection; every cursor still open on it is closed first. Idempotent.
  virtual void close() noexcept = 0;
  virtual bool closed() const noexcept = 0;

  // True when the database has a transaction open on this connection (a driver that begins
  // lazily knows it has not begun yet; the pool then skips its reset rollback).
  virtual bool in_transaction() const noexcept = 0;
  // DBAPI autocommit mode: no implicit BEGIN; commit()/rollback() become no-ops.
  virtual void set_autocommit(bool on) = 0;
  virtual bool autocommit() const noexcept = 0;
  // Closes every open cursor (their rows are gone), so a connection handed to another user
  // carries no statement of the previous one.
  virtual void close_cursors() noexcept = 0;

  // The native handle: sqlite3*, PGconn*, MYSQL*.
  virtual void* native_handle() noexcept = 0;
};

using ConnectionPtr = std::unique_ptr<Connection>;

}  // namespace athanor::dbapi
