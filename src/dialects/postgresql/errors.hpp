// PostgreSQL errors → our DBAPI's exception classes (by SQLSTATE class, as psycopg2 maps them),
// and the driver's own usage errors.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "athanor/dbapi.hpp"

namespace athanor::dialects::postgresql {

// The SQLSTATE given to a connection lost at the socket level (connection_failure).
inline constexpr std::string_view kConnectionFailure = "08006";

// The DBAPI class of a SQLSTATE ("23505" → integrity_error).
dbapi::ErrorKind kind_of_sqlstate(std::string_view sqlstate) noexcept;

// The error carried by `result` (null when libpq could not even build one) on `conn`: the
// server's primary message (and its DETAIL line) with the SQLSTATE as native_code. A failure with
// no SQLSTATE, or one that left the connection broken, is an operational error "08006" unless
// the server named its own reason (57P01 when the backend was terminated).
dbapi::Error error_from_result(PGconn* conn, const PGresult* result);

[[noreturn]] void raise_programming_error(std::string message);
[[noreturn]] void raise_interface_error(std::string message);
// Any use of a connection after close().
[[noreturn]] void raise_connection_closed();

}  // namespace athanor::dialects::postgresql
