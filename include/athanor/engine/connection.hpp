// athanor/engine/connection.hpp — Connection, SQLAlchemy 2.0's `sqlalchemy.engine.Connection`.
//
// A Connection is one checked-out driver connection plus SQLAlchemy 2.0's transaction state
// machine:
//   - "commit as you go": the first execute() begins a transaction implicitly (autobegin;
//     the log says "BEGIN (implicit)"); commit() / rollback() end it; the next execute() begins
//     again.
//   - "begin once": begin() starts a transaction explicitly, returning a RootTransaction guard;
//     begin(fn) commits when fn returns and rolls back when it throws. begin() after an autobegin
//     is an error: commit or roll back first.
//   - begin_nested() is a SAVEPOINT inside the root transaction (beginning it if needed).
//   - commit() / rollback() always act on the root transaction, never on a savepoint.
//   - close() — also the destructor — rolls back whatever is still open and returns the driver
//     connection to the pool. Closing rolls back rather than commits because a transaction
//     nobody committed is, by SQLAlchemy's rule, one nobody wanted.
// A Connection is move-only and used by one thread at a time.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "athanor/engine/execution_options.hpp"
#include "athanor/engine/result.hpp"
#include "athanor/engine/transaction.hpp"
#include "athanor/pool/pool.hpp"
#include "athanor/sql/compiled.hpp"
#include "athanor/value.hpp"

namespace athanor {

class Engine;

namespace detail {
class ConnectionState;
}

class Connection {
 public:
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();  // close(); never throws

  // Runs a statement (text(), or an expression-language construct) with one parameter set, or
  // with several (executemany). Execution options given here apply to this call only.
  CursorResult execute(const sql::Executable& statement, const Params& parameters = {},
                       const ExecutionOptions& execution_options = {});
  CursorResult execute(const sql::Executable& statement, const std::vector<Params>& parameters,
                       const ExecutionOptions& execution_options = {});
  // The same as the Params form for a braced list, `conn.execute(stmt, {{"id", 5}})`, binding
  // straight from the list without building a Params.
  CursorResult execute(const sql::Executable& statement,
                       std::initializer_list<Params::value_type> parameters,
                       const ExecutionOptions& execution_options = {});
  // Runs SQL as the driver takes it: its own paramstyle ("?" for SQLite), no bind rewriting.
  CursorResult exec_driver_sql(std::string_view sql, const std::vector<Value>& parameters = {},
                               const ExecutionOptions& execution_options = {});
  CursorResult exec_driver_sql(std::string_view sql, const Params& parameters,
                               const ExecutionOptions& execution_options = {});
  CursorResult exec_driver_sql(std::string_view sql,
                               const std::vector<std::vector<Value>>& parameters,
                               const ExecutionOptions& execution_options = {});
  CursorResult exec_driver_sql(std::string_view sql, const std::vector<Params>& parameters,
                               const ExecutionOptions& execution_options = {});
  // execute(...).scalar() and execute(...).scalars().
  Value scalar(const sql::Executable& statement, const Params& parameters = {},
               const ExecutionOptions& execution_options = {});
  ScalarResult scalars(const sql::Executable& statement, const Params& parameters = {},
                       const ExecutionOptions& execution_options = {});

  RootTransaction begin();
  // begin() as a context manager: commit when fn returns normally (if the transaction is still
  // active), roll back and re-throw when it throws. fn takes no argument or this Connection.
  template <typename Fn>
  decltype(auto) begin(Fn&& fn);
  NestedTransaction begin_nested();
  template <typename Fn>
  decltype(auto) begin_nested(Fn&& fn);
  // Two-phase (XA) transaction; xid defaults to a generated one. SQLite: exc::NotSupportedError.
  TwoPhaseTransaction begin_twophase(std::optional<std::string> xid = std::nullopt);
  // The xids of the database's prepared two-phase transactions, which outlive the connection
  // that prepared them; commit_prepared() / rollback_prepared() end one from any connection.
  // SQLite: exc::NotSupportedError.
  std::vector<std::string> recover_twophase();
  void commit_prepared(std::string_view xid);
  void rollback_prepared(std::string_view xid);

  void commit();
  void rollback();
  // Rolls back an open transaction and returns the driver connection to the pool. Idempotent.
  void close() noexcept;
  bool closed() const noexcept;
  // Removes the driver connection from the pool; close() will then really close it.
  void detach();
  // Discards the driver connection (closes it); the next use reconnects — but a transaction
  // that was open must be rolled back first (exc::PendingRollbackError until then).
  void invalidate(std::exception_ptr reason = nullptr);
  bool invalidated() const noexcept;

  bool in_transaction() const noexcept;
  bool in_nested_transaction() const noexcept;
  // The current root / innermost nested transaction, or nullptr. Non-owning.
  Transaction* get_transaction() noexcept;
  Transaction* get_nested_transaction() noexcept;

  // Updates this connection's options in place and returns it (SQLAlchemy 2.0). An
  // isolation_level here applies now and is reverted when the connection goes back to the pool.
  Connection& execution_options(const ExecutionOptions& options);
  const ExecutionOptions& get_execution_options() const noexcept;
  // The level the driver connection is at now (asked of the database; never "AUTOCOMMIT").
  std::string get_isolation_level();
  // The level new connections start at (read once, at the engine's first connect).
  std::string default_isolation_level() const;

  // The pool-proxied driver connection; reconnects an invalidated Connection.
  PoolProxiedConnection& connection();
  // User data that lives with the driver connection across pool checkouts.
  Info& info();
  Engine engine() const;

  // For Engine::connect().
  explicit Connection(std::shared_ptr<detail::ConnectionState> state);

 private:
  friend class Engine;
  std::shared_ptr<detail::ConnectionState> state_;
};

// ---- callable forms -------------------------------------------------------------------------

namespace detail {
template <typename Fn, typename Arg>
decltype(auto) invoke_with_optional_arg(Fn& fn, Arg& arg) {
  if constexpr (std::is_invocable_v<Fn&, Arg&>) {
    return fn(arg);
  } else {
    return fn();
  }
}

// SQLAlchemy's TransactionalContext: enter marks `trans` as the connection's context
// transaction; exit commits or rolls back.
class TransactionContext {
 public:
  TransactionContext(ConnectionState& conn, Transaction& trans);
  ~TransactionContext();
  void on_success();         // commit if still active (rollback, then rethrow, on failure)
  void on_error() noexcept;  // rollback if active, else close if still attached

 private:
  ConnectionState& conn_;
  Transaction& trans_;
  const void* outer_;
};
}  // namespace detail

template <typename Fn>
decltype(auto) Connection::begin(Fn&& fn) {
  RootTransaction trans = begin();
  detail::TransactionContext ctx(*state_, trans);
  try {
    if constexpr (std::is_void_v<decltype(detail::invoke_with_optional_arg(fn, *this))>) {
      detail::invoke_with_optional_arg(fn, *this);
      ctx.on_success();
    } else {
      decltype(auto) out = detail::invoke_with_optional_arg(fn, *this);
      ctx.on_success();
      return out;
    }
  } catch (...) {
    ctx.on_error();
    throw;
  }
}

template <typename Fn>
decltype(auto) Connection::begin_nested(Fn&& fn) {
  NestedTransaction trans = begin_nested();
  detail::TransactionContext ctx(*state_, trans);
  try {
    if constexpr (std::is_void_v<decltype(detail::invoke_with_optional_arg(fn, *this))>) {
      detail::invoke_with_optional_arg(fn, *this);
      ctx.on_success();
    } else {
      decltype(auto) out = detail::invoke_with_optional_arg(fn, *this);
      ctx.on_success();
      return out;
    }
  } catch (...) {
    ctx.on_error();
    throw;
  }
}

}  // namespace athanor
