// athanor/exc.hpp — the exception hierarchy, SQLAlchemy's `sqlalchemy.exc` in C++.
//
// Every error Athanor raises derives from exc::SQLAlchemyError (itself a std::exception), so a
// caller can catch as broadly or as narrowly as in Python. Errors raised by a driver (our DBAPI,
// see athanor/dbapi.hpp) are wrapped into exc::DBAPIError subclasses of the same name
// (IntegrityError, OperationalError, ...) whose message carries the driver's message, the SQL and
// its parameters in SQLAlchemy's "[SQL: ...] [parameters: ...]" form.
#pragma once

#include <exception>
#include <string>

namespace athanor::exc {

// The root. `code()` is SQLAlchemy's error code ("e3q8", "8s2b", ...) where it has one.
class SQLAlchemyError : public std::exception {
 public:
  explicit SQLAlchemyError(std::string message, std::string code = {})
      : message_(std::move(message)), code_(std::move(code)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }
  const std::string& code() const noexcept { return code_; }

 protected:
  std::string message_;
  std::string code_;
};

#define ATHANOR_EXC(Name, Base, Code)                           \
  class Name : public Base {                                    \
   public:                                                      \
    explicit Name(std::string message, std::string code = Code) \
        : Base(std::move(message), std::move(code)) {}          \
  };

ATHANOR_EXC(ArgumentError, SQLAlchemyError, "")
ATHANOR_EXC(ObjectNotExecutableError, ArgumentError, "")
ATHANOR_EXC(NoSuchModuleError, ArgumentError, "")
ATHANOR_EXC(CompileError, SQLAlchemyError, "")
ATHANOR_EXC(UnsupportedCompilationError, CompileError, "l7de")
ATHANOR_EXC(DisconnectionError, SQLAlchemyError, "")
ATHANOR_EXC(TimeoutError, SQLAlchemyError, "3o7r")
ATHANOR_EXC(InvalidRequestError, SQLAlchemyError, "")
ATHANOR_EXC(PendingRollbackError, InvalidRequestError, "8s2b")
ATHANOR_EXC(ResourceClosedError, InvalidRequestError, "")
ATHANOR_EXC(NoSuchColumnError, InvalidRequestError, "")
ATHANOR_EXC(NoResultFound, InvalidRequestError, "")
ATHANOR_EXC(MultipleResultsFound, InvalidRequestError, "")
// Not in SQLAlchemy (Python needs no typed access): a Value read as a C++ type it does not hold,
// or NULL read into a non-optional type.
ATHANOR_EXC(ValueTypeError, InvalidRequestError, "")

#undef ATHANOR_EXC

// Pool-wide variant of DisconnectionError: every pooled connection older than now is recycled.
class InvalidatePoolError : public DisconnectionError {
 public:
  using DisconnectionError::DisconnectionError;
};

// An error raised while executing a statement; `what()` is
//   <detail lines>\n<message>\n[SQL: <statement>]\n[parameters: <params>]
class StatementError : public SQLAlchemyError {
 public:
  StatementError(std::string message, std::string statement, std::string params_repr,
                 std::exception_ptr orig, bool hide_parameters, std::string code = {});
  const char* what() const noexcept override { return full_.c_str(); }

  const std::string& statement() const noexcept { return statement_; }
  // The parameters as SQLAlchemy's log repr (a tuple, dict or list), "" when there were none.
  const std::string& params() const noexcept { return params_; }
  // The exception this one wraps (a dbapi::Error for DBAPIError subclasses), or null.
  const std::exception_ptr& orig() const noexcept { return orig_; }
  bool hide_parameters() const noexcept { return hide_parameters_; }
  // True when the error was a disconnect and the Connection was invalidated because of it.
  bool connection_invalidated() const noexcept { return connection_invalidated_; }
  void set_connection_invalidated(bool v) { connection_invalidated_ = v; }

 private:
  std::string statement_;
  std::string params_;
  std::exception_ptr orig_;
  bool hide_parameters_ = false;
  bool connection_invalidated_ = false;
  std::string full_;
};

// A wrapped driver error. The message starts with "(<driver>.<DriverClass>) <driver message>".
class DBAPIError : public StatementError {
 public:
  using StatementError::StatementError;
};

#define ATHANOR_DBAPI_EXC(Name, Base, Code)                                                       \
  class Name : public Base {                                                                      \
   public:                                                                                        \
    Name(std::string message, std::string statement, std::string params_repr,                     \
         std::exception_ptr orig, bool hide_parameters, std::string code = Code)                  \
        : Base(std::move(message), std::move(statement), std::move(params_repr), std::move(orig), \
               hide_parameters, std::move(code)) {}                                               \
  };

ATHANOR_DBAPI_EXC(InterfaceError, DBAPIError, "rvf5")
ATHANOR_DBAPI_EXC(DatabaseError, DBAPIError, "4xp6")
ATHANOR_DBAPI_EXC(DataError, DatabaseError, "9h9h")
ATHANOR_DBAPI_EXC(OperationalError, DatabaseError, "e3q8")
ATHANOR_DBAPI_EXC(IntegrityError, DatabaseError, "gkpj")
ATHANOR_DBAPI_EXC(InternalError, DatabaseError, "2j85")
ATHANOR_DBAPI_EXC(ProgrammingError, DatabaseError, "f405")
ATHANOR_DBAPI_EXC(NotSupportedError, DatabaseError, "tw8g")

#undef ATHANOR_DBAPI_EXC

}  // namespace athanor::exc
