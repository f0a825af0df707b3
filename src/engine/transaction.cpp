// Transactions: the root (BEGIN ... COMMIT/ROLLBACK), savepoints and two-phase, with SQLAlchemy
// 2.0's rules for what ending one does to the others.
#include <fmt/format.h>

#include "athanor/exc.hpp"
#include "engine/state.hpp"

namespace athanor {

namespace detail {

namespace {

void deactivate_savepoints(std::shared_ptr<TransactionState>& top) noexcept {
  for (auto sp = std::move(top); sp; sp = sp->previous) sp->active = false, sp->attached = false;
}

}  // namespace

void ConnectionState::throw_pending_rollback() const {
  throw exc::PendingRollbackError(fmt::format(
      "Can't reconnect until invalid {}transaction is rolled back.  Please rollback() fully "
      "before proceeding",
      nested ? "savepoint " : ""));
}

void ConnectionState::begin_root(TransactionState::Kind kind, std::string xid) {
  if (context && !context->active) {
    throw exc::InvalidRequestError(
        "Can't operate on closed transaction inside context manager.  Please complete the "
        "context manager before emitting further commands.");
  }
  dbapi::Connection& conn = dbapi_connection();
  if (echo()) {
    if (kind == TransactionState::Kind::twophase) {
      log_info("BEGIN TWOPHASE (implicit)");
    } else {
      log_info(autocommit_logging
                   ? "BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)"
                   : "BEGIN (implicit)");
    }
  }
  in_begin = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{in_begin};
  if (kind == TransactionState::Kind::twophase) {
    fire(event::begin_twophase, std::as_const(xid));
  } else {
    fire(event::begin);
  }
  try {
    if (kind == TransactionState::Kind::twophase) {
      core.dialect->do_begin_twophase(conn, xid);
    } else {
      core.dialect->do_begin(conn);
    }
  } catch (const dbapi::Error& e) {
    handle_dbapi_error(e, {}, {}, nullptr);
  }
  auto state = std::make_shared<TransactionState>();
  state->kind = kind;
  state->xid = std::move(xid);
  root = std::move(state);
  root_view.emplace(Transaction::view(this, root));
}

std::shared_ptr<TransactionState> ConnectionState::begin_savepoint() {
  if (context && !context->active) {
    throw exc::InvalidRequestError(
        "Can't operate on closed transaction inside context manager.  Please complete the "
        "context manager before emitting further commands.");
  }
  // SQLAlchemy fires `savepoint` before naming it, so listeners see no name for generated ones.
  fire(event::savepoint, static_cast<const std::string*>(nullptr));
  auto sp = std::make_shared<TransactionState>();
  sp->kind = TransactionState::Kind::nested;
  sp->name = fmt::format("sa_savepoint_{}", ++savepoint_counter);
  // The SAVEPOINT statement is an execution like any other: refused (PendingRollbackError) while
  // the root is attached but inactive, e.g. after a failed commit.
  check_transaction_usable();
  execute_internal(core.dialect->savepoint_sql(sp->name));
  sp->previous = nested;
  nested = sp;
  nested_view.emplace(Transaction::view(this, nested));
  return sp;
}

void ConnectionState::commit_root() {
  auto keep = root;  // the state outlives detach_root()
  TransactionState& t = *keep;
  fire(event::commit);
  if (echo()) {
    log_info(autocommit_logging
                 ? "COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode"
                 : "COMMIT");
  }
  struct Deactivate {
    ConnectionState& self;
    TransactionState& t;
    // Whether or not the commit worked, its savepoints are gone and it is no longer active;
    // only a commit that worked detaches it (a failed one waits for rollback()).
    ~Deactivate() {
      deactivate_savepoints(self.nested);
      self.nested_view.reset();
      t.active = false;
    }
  } deactivate{*this, t};
  dbapi::Connection& conn = dbapi_connection();
  try {
    if (t.kind == TransactionState::Kind::twophase) {
      fire(event::commit_twophase, std::as_const(t.xid), t.prepared);
      core.dialect->do_commit_twophase(conn, t.xid, t.prepared);
    } else {
      core.dialect->do_commit(conn);
    }
  } catch (const dbapi::Error& e) {
    handle_dbapi_error(e, {}, {}, nullptr);
  }
  t.attached = false;
  detach_root();
}

void ConnectionState::rollback_root() {
  TransactionState& t = *root;
  struct Finish {
    ConnectionState& self;
    ~Finish() {
      deactivate_savepoints(self.nested);
      self.nested_view.reset();
      self.detach_root();
    }
  } finish{*this};
  if (!t.active) return;
  fire(event::rollback);
  if (proxy) {
    if (echo()) {
      log_info(autocommit_logging ? "ROLLBACK using DBAPI connection.rollback(); set "
                                    "skip_autocommit_rollback to prevent fully"
                                  : "ROLLBACK");
    }
    try {
      if (t.kind == TransactionState::Kind::twophase) {
        fire(event::rollback_twophase, std::as_const(t.xid), t.prepared);
        core.dialect->do_rollback_twophase(*proxy.dbapi_connection(), t.xid, t.prepared);
      } else {
        core.dialect->do_rollback(*proxy.dbapi_connection());
      }
    } catch (const dbapi::Error& e) {
      handle_dbapi_error(e, {}, {}, nullptr);
    }
  }
}

void ConnectionState::detach_root() noexcept {
  if (!root) return;
  root->active = false;
  root->attached = false;
  root.reset();
  root_view.reset();
}

void ConnectionState::release_savepoint(TransactionState& sp) {
  struct Deactivate {
    TransactionState& sp;
    ~Deactivate() { sp.active = false; }
  } deactivate{sp};
  fire(event::release_savepoint, std::as_const(sp.name), static_cast<const void*>(nullptr));
  execute_internal(core.dialect->release_savepoint_sql(sp.name));
  // Released: this savepoint and any still above it leave the stack.
  while (nested) {
    auto top = nested;
    top->active = false, top->attached = false;
    nested = top->previous;
    if (top.get() == &sp) break;
  }
  if (nested) {
    nested_view.emplace(Transaction::view(this, nested));
  } else {
    nested_view.reset();
  }
}

void ConnectionState::rollback_savepoint(TransactionState& sp) {
  struct Pop {
    ConnectionState& self;
    TransactionState& sp;
    ~Pop() {
      sp.active = false;
      if (!sp.attached) return;
      while (self.nested) {
        auto top = self.nested;
        top->active = false, top->attached = false;
        self.nested = top->previous;
        if (top.get() == &sp) break;
      }
      if (self.nested) {
        self.nested_view.emplace(Transaction::view(&self, self.nested));
      } else {
        self.nested_view.reset();
      }
    }
  } pop{*this, sp};
  if (sp.active && root && root->active) {
    fire(event::rollback_savepoint, std::as_const(sp.name), static_cast<const void*>(nullptr));
    if (proxy) execute_internal(core.dialect->rollback_to_savepoint_sql(sp.name));
  }
}

void ConnectionState::prepare_twophase(TransactionState& t) {
  if (!t.active) throw exc::InvalidRequestError("This transaction is inactive");
  fire(event::prepare_twophase, std::as_const(t.xid));
  try {
    core.dialect->do_prepare_twophase(dbapi_connection(), t.xid);
  } catch (const dbapi::Error& e) {
    handle_dbapi_error(e, {}, {}, nullptr);
  }
  t.prepared = true;
}

// ---- TransactionContext: begin(fn) ------------------------------------------------------------

TransactionContext::TransactionContext(ConnectionState& conn, Transaction& trans)
    : conn_(conn), trans_(trans), outer_(conn.context) {
  conn_.context = trans.state();
}

TransactionContext::~TransactionContext() {
  conn_.context = static_cast<const TransactionState*>(outer_);
}

void TransactionContext::on_success() {
  if (trans_.is_active()) {
    try {
      trans_.commit();
    } catch (...) {
      if (trans_.state()->attached) trans_.rollback();
      throw;
    }
  } else if (trans_.state()->attached) {
    trans_.close();
  }
}

void TransactionContext::on_error() noexcept {
  try {
    if (trans_.is_active()) {
      trans_.rollback();
    } else if (trans_.state()->attached) {
      trans_.close();
    }
  } catch (...) {
    // The block's own exception is the one to report.
  }
}

}  // namespace detail

// ---- Transaction handles ------------------------------------------------------------------------

using detail::TransactionState;

Transaction::Transaction(std::shared_ptr<detail::ConnectionState> conn,
                         std::shared_ptr<TransactionState> state)
    : conn_(conn.get()), keep_alive_(std::move(conn)), state_(std::move(state)) {}

Transaction Transaction::view(detail::ConnectionState* conn,
                              std::shared_ptr<TransactionState> state) {
  Transaction t;
  t.conn_ = conn;
  t.state_ = std::move(state);
  return t;
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      keep_alive_(std::move(other.keep_alive_)),
      state_(std::move(other.state_)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    close_guard();
    conn_ = std::exchange(other.conn_, nullptr);
    keep_alive_ = std::move(other.keep_alive_);
    state_ = std::move(other.state_);
  }
  return *this;
}

Transaction::~Transaction() {
  close_guard();
}

void Transaction::close_guard() noexcept {
  if (!keep_alive_) return;
  try {
    close();
  } catch (const std::exception& e) {
    // A destructor must not throw; the rollback failure is logged and the connection's pool
    // reset will roll back again.
    keep_alive_->core.log(log::Level::error,
                          fmt::format("Exception during transaction rollback: {}", e.what()));
  }
}

bool Transaction::is_active() const noexcept {
  return state_ && state_->active;
}

bool Transaction::is_valid() const noexcept {
  return is_active() && !conn_->invalidated();
}

void Transaction::commit() {
  if (!state_) throw exc::InvalidRequestError("This transaction is inactive");
  TransactionState& t = *state_;
  if (t.kind == TransactionState::Kind::nested) {
    if (t.active) {
      conn_->release_savepoint(t);
    } else if (t.attached) {
      conn_->throw_pending_rollback();
    } else {
      throw exc::InvalidRequestError("This nested transaction is inactive");
    }
    return;
  }
  if (t.active) {
    conn_->commit_root();
  } else if (t.attached) {
    conn_->throw_pending_rollback();
  } else {
    throw exc::InvalidRequestError("This transaction is inactive");
  }
}

void Transaction::rollback() {
  if (!state_) return;
  TransactionState& t = *state_;
  if (t.kind == TransactionState::Kind::nested) {
    conn_->rollback_savepoint(t);
  } else if (t.attached) {
    conn_->rollback_root();
  }
}

void Transaction::close() {
  rollback();
}

const std::string& NestedTransaction::savepoint_name() const noexcept {
  return state_->name;
}

void TwoPhaseTransaction::prepare() {
  if (!state_) throw exc::InvalidRequestError("This transaction is inactive");
  conn_->prepare_twophase(*state_);
}

const std::string& TwoPhaseTransaction::xid() const noexcept {
  return state_->xid;
}

}  // namespace athanor
