// athanor/dialects/postgresql.hpp — PostgreSQL's bulk load, COPY ... FROM STDIN, from a
// Connection (beyond SQLAlchemy, which leaves COPY to the raw driver connection).
//
//   #include <athanor/dialects/postgresql.hpp>
//   namespace pg = athanor::dialects::postgresql;
//
//   const std::vector<std::string> columns = {"id", "name"};
//   std::vector<std::vector<athanor::Value>> rows = ...;
//   auto conn = engine.connect();
//   conn.begin([&] { pg::copy_from(conn, "items", columns, rows); });
//
// copy_from runs inside the Connection's transaction and does not begin one: call it after
// begin(), or after an execute() has begun one ("commit as you go"), so that commit() keeps the
// rows. Without a transaction it raises exc::InvalidRequestError rather than copy rows that the
// connection's return to the pool would roll back unseen; on an engine that is not PostgreSQL it
// raises exc::ArgumentError.
//
// `table` and `columns` are SQL text used as written (quote them if they need it); no columns
// means every column of the table in its order. Values are escaped for COPY's text format (NULL
// travels as \N, blobs as bytea hex) and sent in large chunks. It returns the number of rows
// copied. A rejected row raises the server's error wrapped like execute()'s (exc::IntegrityError,
// exc::DataError, ...; its statement is the COPY) and nothing of the COPY is kept; the
// transaction is then failed and must be rolled back, as after any failed statement. A connection
// lost during the COPY is noticed, and the Connection invalidated, by its next statement.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/value.hpp"

namespace athanor {

class Connection;

namespace dialects::postgresql {

// Fills `row` (one Value per column of the COPY) with the next row to copy; false when there are
// no more. The Values are reused from row to row, so set each one.
using CopyRowSource = std::function<bool(std::span<Value> row)>;

// Copies the rows `next_row` produces, converting as they go: no copy of the data is built.
std::int64_t copy_from(Connection& conn, std::string_view table,
                       std::span<const std::string> columns, const CopyRowSource& next_row);
// Copies rows already held as Values; a row of the wrong width raises exc::ProgrammingError.
std::int64_t copy_from(Connection& conn, std::string_view table,
                       std::span<const std::string> columns,
                       std::span<const std::vector<Value>> rows);

}  // namespace dialects::postgresql
}  // namespace athanor
