// The PostgreSQL driver: our DBAPI over libpq, behaving like psycopg2 where PEP 249 leaves room.
//
// Transactions begin lazily: outside autocommit mode, the first statement run while no
// transaction is open is preceded by BEGIN; commit() and rollback() send COMMIT / ROLLBACK only
// when a transaction is open (in_transaction()). Parameters use libpq's native "$1..$n"
// placeholders. Statements are prepared under generated names and cached per connection, keyed
// by SQL text, unless prepared_statement_cache_size is 0 (then every execution is an unnamed
// PQexecParams, which is what pgbouncer's transaction mode needs).
//
// Errors carry the server's SQLSTATE as native_code; a connection lost at the socket level
// (PQstatus() == CONNECTION_BAD) raises OperationalError with native_code "08006" (or the
// server's own, 57P01, when it said why), and closed() is true from then on. Use after close()
// is an InterfaceError "connection already closed" (native_code "08003").
//
// Values: parameters travel in text format (blobs in binary), declared with the type psycopg2's
// literal would have (int4/int8, float8, bool, bytea, date, time, timestamp, numeric) except
// text and NULL, which the server infers. Results: int2/4/8 and oid → integer, float4/8 → real,
// numeric → decimal (exact text), bool → boolean, bytea → blob, date/time/timestamp → their
// kinds, timestamptz → datetime converted to UTC (a Value's datetime is naive), everything else
// (text, varchar, char, name, uuid, json, jsonb, ...) → text. rowcount is the command tag's
// count (SELECT included, as psycopg2), summed over executemany; lastrowid is always empty.
//
// Several statements in one string without parameters run through the simple query protocol:
// the first result set is current, nextset() moves to the next. server_side_cursor() runs a query
// as a named cursor (DECLARE ... CURSOR, FETCH FORWARD 2000 at a time; WITH HOLD in autocommit
// mode); its rows end with the transaction. executemany of a single-row INSERT ... VALUES is sent
// as multi-row VALUES batches (≤ 1000 rows, < 32767 parameters); anything else in pipeline mode,
// one round trip per 1000 rows. set_autocommit(true) inside a transaction commits it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/dbapi.hpp"
#include "athanor/dialect.hpp"
#include "athanor/dialects/postgresql.hpp"

namespace athanor::dialects::postgresql {

inline constexpr std::string_view kDriverName = "libpq";

// Connect arguments: every libpq connection keyword (host, hostaddr, port, user, password, dbname,
// sslmode, application_name, connect_timeout, options, ...) is passed through to
// PQconnectdbParams as text; the driver's own:
//   prepared_statement_cache_size  named prepared statements kept per connection, default 100
//                                  (0: none, every statement unnamed)
// A failed connect is an OperationalError whose message is libpq's (it names host and port,
// never the password).
dbapi::ConnectionPtr connect(const ConnectArgs& args);

// copy_from (athanor/dialects/postgresql.hpp) on the driver connection itself: the same COPY, in
// the driver's transaction (begun lazily, as for any statement), raising the dbapi::Error that
// the Connection form wraps.
std::int64_t copy_from(dbapi::Connection& conn, std::string_view table,
                       std::span<const std::string> columns, const CopyRowSource& next_row);
std::int64_t copy_from(dbapi::Connection& conn, std::string_view table,
                       std::span<const std::string> columns,
                       std::span<const std::vector<Value>> rows);

}  // namespace athanor::dialects::postgresql
