#include "dialects/postgresql/errors.hpp"

#include "dialects/postgresql/driver.hpp"

namespace athanor::dialects::postgresql {

namespace {

std::string_view trim_trailing_newlines(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return s;
}

// libpq's own message ("server closed the connection unexpectedly ..."), which carries no
// severity prefix to strip.
std::string connection_message(PGconn* conn) {
  const char* msg = conn ? PQerrorMessage(conn) : nullptr;
  const std::string_view text = trim_trailing_newlines(msg ? msg : "");
  return text.empty() ? std::string("connection to the server was lost") : std::string(text);
}

}  // namespace

dbapi::ErrorKind kind_of_sqlstate(std::string_view s) noexcept {
  using K = dbapi::ErrorKind;
  if (s.size() != 5) return K::database_error;
  if (s == "57014") return K::operational_error;  // query_canceled
  const char c0 = s[0], c1 = s[1];
  switch (c0) {
    case '0':
      if (c1 == 'A') return K::not_supported_error;
      if (c1 == '8') return K::operational_error;  // connection exceptions
      break;
    case '2':
      switch (c1) {
        case '0':  // case not found
        case '1':  // cardinality violation
          return K::programming_error;
        case '2':
          return K::data_error;
        case '3':
          return K::integrity_error;
        case '4':  // invalid cursor state
        case '5':  // invalid transaction state
        case 'B':
        case 'D':
        case 'F':
          return K::internal_error;
        case '6':  // invalid SQL statement name
        case '7':
        case '8':  // invalid authorization
          return K::operational_error;
      }
      break;
    case '3':
      switch (c1) {
        case '4':  // invalid cursor name
          return K::operational_error;
        case '8':
        case '9':
        case 'B':  // savepoint exception
          return K::internal_error;
        case 'D':  // invalid catalog name
        case 'F':  // invalid schema name
          return K::programming_error;
      }
      break;
    case '4':
      if (c1 == '0') return K::operational_error;  // serialization failure, deadlock
      if (c1 == '2' || c1 == '4') return K::programming_error;
      break;
    case '5':  // resources, limits, prerequisite state, operator intervention, system errors
      return K::operational_error;
    case 'F':
    case 'P':
    case 'X':
      return K::internal_error;
    case 'H':
      return K::operational_error;
  }
  return K::database_error;
}

dbapi::Error error_from_result(PGconn* conn, const PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const bool broken = !conn || PQstatus(conn) == CONNECTION_BAD;
  if (!state || !*state || !primary) {
    return dbapi::Error(dbapi::ErrorKind::operational_error, std::string(kDriverName),
                        connection_message(conn), std::string(kConnectionFailure));
  }
  std::string message = primary;
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    message += "\nDETAIL:  ";
    message += detail;
  }
  const auto kind = broken ? dbapi::ErrorKind::operational_error : kind_of_sqlstate(state);
  return dbapi::Error(kind, std::string(kDriverName), std::move(message), state);
}

void raise_programming_error(std::string message) {
  throw dbapi::Error(dbapi::ErrorKind::programming_error, std::string(kDriverName),
                     std::move(message));
}

void raise_interface_error(std::string message) {
  throw dbapi::Error(dbapi::ErrorKind::interface_error, std::string(kDriverName),
                     std::move(message));
}

void raise_connection_closed() {
  throw dbapi::Error(dbapi::ErrorKind::interface_error, std::string(kDriverName),
                     "connection already closed", "08003");
}

}  // namespace athanor::dialects::postgresql
