// SQLite result codes → our DBAPI's exception classes, and the driver's own usage errors.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "athanor/dbapi.hpp"

namespace athanor::dialects::sqlite {

inline constexpr std::string_view kDriverName = "sqlite3";

// `preparing` separates SQL the database rejected outright (syntax, unknown table: a programming
// error) from SQLITE_ERROR raised while running a statement (an operational one).
dbapi::Error error_from_code(int extended_code, std::string message, bool preparing);

// The error SQLite just reported on `db` for result code `rc`, with its sqlite3_errmsg text.
[[noreturn]] void raise_sqlite_error(sqlite3* db, int rc, bool preparing);

[[noreturn]] void raise_programming_error(std::string message);
[[noreturn]] void raise_closed_database();

}  // namespace athanor::dialects::sqlite
