// The SQLite driver: our DBAPI over libsqlite3, behaving like Python's sqlite3 module.
//
// Transactions begin lazily: outside autocommit mode, the first statement run while no
// transaction is open is preceded by BEGIN (except transaction control, PRAGMA, VACUUM, ATTACH
// and DETACH). commit() and rollback() act only when a transaction is open. Prepared statements
// are cached per connection, keyed by SQL text.
#pragma once

#include "athanor/dbapi.hpp"
#include "athanor/dialect.hpp"

namespace athanor::dialects::sqlite {

// Connect arguments (all optional):
//   database           text, default ":memory:"
//   timeout            seconds to wait on a locked database (sqlite3_busy_timeout), default 5.0
//   uri                true: `database` is a "file:" URI
//   cached_statements  prepared statements kept per connection, default 128 (0: none)
//   check_same_thread  accepted and ignored: the pool hands a connection to one thread at a time
// An unknown argument is an interface error; a database that cannot be opened an operational
// error "unable to open database file".
dbapi::ConnectionPtr connect(const ConnectArgs& args);

}  // namespace athanor::dialects::sqlite
