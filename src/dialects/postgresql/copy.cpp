// copy_from: COPY ... FROM STDIN in text format, fed in large chunks.
#include "athanor/dialects/postgresql.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>

#include "athanor/engine/connection.hpp"
#include "athanor/engine/engine.hpp"
#include "athanor/exc.hpp"
#include "dialects/postgresql/driver.hpp"
#include "dialects/postgresql/driver_impl.hpp"
#include "dialects/postgresql/errors.hpp"
#include "engine/state.hpp"

namespace athanor::dialects::postgresql {

namespace {

// Data handed to libpq per PQputCopyData call.
constexpr std::size_t kChunk = 1 << 20;

// COPY's text format: backslash escapes for the characters that delimit fields and rows.
void append_escaped(std::string& out, std::string_view text) {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = c == '\\'   ? "\\\\"
                         : c == '\t' ? "\\t"
                         : c == '\n' ? "\\n"
                         : c == '\r' ? "\\r"
                                     : nullptr;
    if (!escape) continue;
    out.append(text.substr(copied, i - copied));
    out.append(escape, 2);
    copied = i + 1;
  }
  out.append(text.substr(copied));
}

void append_field(std::string& out, const Value& v, TextSlot& slot) {
  switch (v.kind()) {
    case Value::Kind::null:
      out += "\\N";
      return;
    case Value::Kind::text:
    case Value::Kind::decimal:
      append_escaped(out, v.text_unchecked());
      return;
    case Value::Kind::blob: {
      // bytea's hex input, its backslash escaped for COPY: \\x0a1b...
      static constexpr char digits[] = "0123456789abcdef";
      out += "\\\\x";
      for (std::byte b : v.as<std::span<const std::byte>>()) {
        const auto u = static_cast<unsigned>(b);
        out += digits[u >> 4];
        out += digits[u & 15];
      }
      return;
    }
    default:
      out.append(*format_scalar(v, slot));
  }
}

std::string copy_statement(std::string_view table, std::span<const std::string> columns) {
  std::string sql = fmt::format("COPY {}", table);
  if (!columns.empty()) sql += fmt::format(" ({})", fmt::join(columns, ", "));
  sql += " FROM STDIN";
  return sql;
}

class CopyIn {
 public:
  explicit CopyIn(PgConnection& conn) : conn_(conn), pg_(conn.pg()) {}
  ~CopyIn() {
    if (open_) abort("copy_from was interrupted");
  }

  void start(std::string_view table, std::span<const std::string> columns) {
    const std::string sql = copy_statement(table, columns);
    ResultPtr r = conn_.check(ResultPtr(PQexec(pg_, sql.c_str())), nullptr);
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
      raise_programming_error(fmt::format("'{}' did not start a COPY FROM STDIN", sql));
    }
    width_ = static_cast<std::size_t>(PQnfields(r.get()));
    open_ = true;
    buffer_.reserve(kChunk + kChunk / 4);
  }
  std::size_t width() const noexcept { return width_; }

  void add_row(std::span<const Value> row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) buffer_ += '\t';
      append_field(buffer_, row[i], slot_);
    }
    buffer_ += '\n';
    if (buffer_.size() >= kChunk) flush();
  }

  std::int64_t finish() {
    flush();
    open_ = false;
    if (PQputCopyEnd(pg_, nullptr) != 1) throw error_from_result(pg_, nullptr);
    return rows_copied();
  }

 private:
  void flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(pg_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      throw error_from_result(pg_, nullptr);
    }
    buffer_.clear();
  }

  // The COPY's final result (its error, if the server rejected a row), then the end of results.
  std::int64_t rows_copied() {
    ResultPtr result(PQgetResult(pg_));
    while (PGresult* extra = PQgetResult(pg_)) PQclear(extra);
    result = conn_.check(std::move(result), nullptr);
    return command_rowcount(result.get());
  }

  void abort(const char* reason) noexcept {
    open_ = false;
    if (PQputCopyEnd(pg_, reason) == 1) {
      while (PGresult* r = PQgetResult(pg_)) PQclear(r);
    }
  }

  PgConnection& conn_;
  PGconn* pg_;
  std::string buffer_;
  TextSlot slot_;
  std::size_t width_ = 0;
  bool open_ = false;
};

PgConnection& pg_connection(dbapi::Connection& conn) {
  auto* pg = dynamic_cast<PgConnection*>(&conn);
  if (!pg) raise_interface_error("copy_from() needs a connection of the libpq driver");
  pg->check_usable();
  return *pg;
}

// The Connection's driver connection, once it is known to be one that can take the COPY and keep
// its rows.
dbapi::Connection& copy_target(Connection& conn) {
  dbapi::Connection& driver = *conn.connection().dbapi_connection();
  const Engine engine = conn.engine();
  if (const std::string_view dialect = engine.dialect().name(); dialect != "postgresql") {
    throw exc::ArgumentError(
        fmt::format("copy_from() needs a PostgreSQL connection; this one is {}", dialect));
  }
  if (!conn.in_transaction()) {
    throw exc::InvalidRequestError(
        "copy_from() runs in the Connection's transaction and does not begin one: call begin() "
        "first (or execute() a statement, which begins one), so that commit() keeps the rows");
  }
  return driver;
}

template <typename Rows>
std::int64_t copy_from_connection(Connection& conn, std::string_view table,
                                  std::span<const std::string> columns, const Rows& rows) {
  dbapi::Connection& driver = copy_target(conn);
  try {
    return copy_from(driver, table, columns, rows);
  } catch (const dbapi::Error& e) {
    athanor::detail::throw_wrapped(e, copy_statement(table, columns), {},
                                   /*hide_parameters=*/false, /*connection_invalidated=*/false);
  }
}

}  // namespace

std::int64_t copy_from(dbapi::Connection& conn, std::string_view table,
                       std::span<const std::string> columns, const CopyRowSource& next_row) {
  PgConnection& pg = pg_connection(conn);
  pg.begin_if_needed(true);
  CopyIn copy(pg);
  copy.start(table, columns);
  std::vector<Value> row(copy.width());
  while (next_row(row)) copy.add_row(row);
  return copy.finish();
}

std::int64_t copy_from(dbapi::Connection& conn, std::string_view table,
                       std::span<const std::string> columns,
                       std::span<const std::vector<Value>> rows) {
  PgConnection& pg = pg_connection(conn);
  pg.begin_if_needed(true);
  CopyIn copy(pg);
  copy.start(table, columns);
  for (const auto& row : rows) {
    if (row.size() != copy.width()) {
      raise_programming_error(
          fmt::format("copy_from: a row has {} values for {} columns", row.size(), copy.width()));
    }
    copy.add_row(row);
  }
  return copy.finish();
}

std::int64_t copy_from(Connection& conn, std::string_view table,
                       std::span<const std::string> columns, const CopyRowSource& next_row) {
  return copy_from_connection(conn, table, columns, next_row);
}

std::int64_t copy_from(Connection& conn, std::string_view table,
                       std::span<const std::string> columns,
                       std::span<const std::vector<Value>> rows) {
  return copy_from_connection(conn, table, columns, rows);
}

}  // namespace athanor::dialects::postgresql
