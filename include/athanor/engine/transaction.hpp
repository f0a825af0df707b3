// athanor/engine/transaction.hpp — Transaction, RootTransaction, NestedTransaction,
// TwoPhaseTransaction.
//
// A Transaction object is a guard over one transaction of a Connection ("begin once"):
//
//   auto trans = conn.begin();       // RootTransaction
//   conn.execute(...);
//   trans.commit();                  // or rollback(); the destructor rolls back if still active
//
// The guard's destructor rolls back only a transaction that is still active: after commit() or
// rollback() — through the guard or through Connection::commit()/rollback() — it does nothing.
// A savepoint guard whose root transaction has already ended does nothing either (ending the
// root cancels its savepoints without SQL, as SQLAlchemy does).
//
// The callable forms are SQLAlchemy's context managers: conn.begin([&] { ... }) commits when the
// callable returns and rolls back (re-throwing) when it throws.
#pragma once

#include <memory>
#include <string>

namespace athanor {

namespace detail {
class ConnectionState;
struct TransactionState;
}  // namespace detail

class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  virtual ~Transaction();

  // Commits (a savepoint: RELEASE SAVEPOINT). An inactive transaction still attached to its
  // connection raises exc::PendingRollbackError; one already ended, exc::InvalidRequestError.
  void commit();
  // Rolls back (a savepoint: ROLLBACK TO SAVEPOINT); a no-op once ended.
  void rollback();
  // Ends the transaction: rolls back if still active, without complaint otherwise.
  void close();
  bool is_active() const noexcept;
  // Active, and the connection not invalidated.
  bool is_valid() const noexcept;

  // For the connection machinery: a guard (rolls back when destroyed while active) keeps the
  // connection state alive; a view (get_transaction()) does neither.
  Transaction(std::shared_ptr<detail::ConnectionState> conn,
              std::shared_ptr<detail::TransactionState> state);
  static Transaction view(detail::ConnectionState* conn,
                          std::shared_ptr<detail::TransactionState> state);
  const detail::TransactionState* state() const noexcept { return state_.get(); }

 protected:
  Transaction() = default;
  void close_guard() noexcept;  // a guard's end: close() if still active
  detail::ConnectionState* conn_ = nullptr;
  std::shared_ptr<detail::ConnectionState> keep_alive_;  // empty for views
  std::shared_ptr<detail::TransactionState> state_;
};

class RootTransaction : public Transaction {
 public:
  using Transaction::Transaction;
};

class NestedTransaction : public Transaction {
 public:
  using Transaction::Transaction;
  const std::string& savepoint_name() const noexcept;
};

class TwoPhaseTransaction : public RootTransaction {
 public:
  using RootTransaction::RootTransaction;
  // PREPARE: the first phase; commit() afterwards is COMMIT PREPARED.
  void prepare();
  const std::string& xid() const noexcept;
};

}  // namespace athanor
