#include "dialects/sqlite/errors.hpp"

#include <string_view>

namespace athanor::dialects::sqlite {

namespace {

// SQL that cannot be compiled at all is the programmer's error (PEP 249's ProgrammingError);
// SQLite says so only in the message. A missing table or column stays an OperationalError, as
// Python's sqlite3 reports it.
bool is_syntax_error(std::string_view message) noexcept {
  return message.find("syntax error") != std::string_view::npos ||
         message.find("incomplete input") != std::string_view::npos ||
         message.find("unrecognized token") != std::string_view::npos;
}

dbapi::ErrorKind kind_of(int primary, bool preparing, std::string_view message) noexcept {
  using K = dbapi::ErrorKind;
  switch (primary) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return K::integrity_error;
    case SQLITE_ERROR:
      return preparing && is_syntax_error(message) ? K::programming_error : K::operational_error;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
    case SQLITE_INTERRUPT:
    case SQLITE_ABORT:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
    case SQLITE_SCHEMA:
      return K::operational_error;
    case SQLITE_TOOBIG:
      return K::data_error;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return K::interface_error;
    case SQLITE_INTERNAL:
    case SQLITE_NOTFOUND:
      return K::internal_error;
    default:
      return K::database_error;
  }
}

}  // namespace

dbapi::Error error_from_code(int extended_code, std::string message, bool preparing) {
  const auto kind = kind_of(extended_code & 0xff, preparing, message);
  return dbapi::Error(kind, std::string(kDriverName), std::move(message),
                      std::to_string(extended_code));
}

void raise_sqlite_error(sqlite3* db, int rc, bool preparing) {
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw error_from_code(rc, msg ? msg : "", preparing);
}

void raise_programming_error(std::string message) {
  throw dbapi::Error(dbapi::ErrorKind::programming_error, std::string(kDriverName),
                     std::move(message));
}

void raise_closed_database() {
  raise_programming_error("Cannot operate on a closed database.");
}

}  // namespace athanor::dialects::sqlite
