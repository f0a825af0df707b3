// Connection: its lifetime (open → invalidated → closed), options and error handling. Execution
// is in execute.cpp, transactions in transaction.cpp.
#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <random>

#include "athanor/exc.hpp"
#include "engine/state.hpp"

namespace athanor {

namespace detail {

namespace {

// Freed blocks of T, kept (a few) for reuse by the same thread. The blocks themselves are
// trivially destructible thread_locals, so they stay usable while the thread's other thread_local
// objects are destroyed; `Release`, armed with the first kept block, frees them at thread exit.
template <typename T>
struct SpareBlocks {
  struct Blocks {
    std::array<T*, 4> items;
    std::size_t count;
    bool armed;   // Release is registered for this thread
    bool closed;  // the thread is exiting: free, don't keep
  };
  struct Release {
    ~Release() {
      blocks.closed = true;
      while (blocks.count > 0) std::allocator<T>().deallocate(blocks.items[--blocks.count], 1);
    }
    void arm() noexcept { blocks.armed = true; }
  };
  static thread_local Blocks blocks;
  static thread_local Release release;
};
template <typename T>
thread_local typename SpareBlocks<T>::Blocks SpareBlocks<T>::blocks{};
template <typename T>
thread_local typename SpareBlocks<T>::Release SpareBlocks<T>::release;

template <typename T>
struct RecyclingAllocator {
  using value_type = T;
  RecyclingAllocator() noexcept = default;
  template <typename U>
  RecyclingAllocator(const RecyclingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    auto& spare = SpareBlocks<T>::blocks;
    if (n == 1 && spare.count > 0) return spare.items[--spare.count];
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    auto& spare = SpareBlocks<T>::blocks;
    if (n == 1 && !spare.closed && spare.count < spare.items.size()) {
      if (!spare.armed) SpareBlocks<T>::release.arm();
      spare.items[spare.count++] = p;
    } else {
      std::allocator<T>().deallocate(p, n);
    }
  }
  template <typename U>
  bool operator==(const RecyclingAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace

std::shared_ptr<ConnectionState> ConnectionState::make(const Engine& engine,
                                                       PoolProxiedConnection&& proxy) {
  return std::allocate_shared<ConnectionState>(RecyclingAllocator<ConnectionState>(), engine,
                                               std::move(proxy));
}

ConnectionState::ConnectionState(const Engine& engine_, PoolProxiedConnection&& proxy_)
    : engine(engine_),
      core(*engine.core()),
      proxy(std::move(proxy_)),
      options(engine.layer().options()),
      autocommit_logging(core.isolation_level &&
                         normalize_isolation_level(*core.isolation_level) == "AUTOCOMMIT") {}

void ConnectionState::log_info(std::string_view message) const {
  if (logging_token) {
    core.log(log::Level::info, fmt::format("[{}] {}", *logging_token, message));
  } else {
    core.log(log::Level::info, message);
  }
}

void ConnectionState::log_debug(std::string_view message) const {
  if (logging_token) {
    core.log(log::Level::debug, fmt::format("[{}] {}", *logging_token, message));
  } else {
    core.log(log::Level::debug, message);
  }
}

void ConnectionState::throw_closed() const {
  throw exc::ResourceClosedError("This Connection is closed");
}

dbapi::Connection& ConnectionState::reconnect() {
  if (!can_reconnect) throw_closed();
  if (root) throw_pending_rollback();
  try {
    proxy = core.current_pool().connect();
  } catch (const dbapi::Error& e) {
    handle_dbapi_error(e, {}, {}, nullptr);
  }
  return *proxy.dbapi_connection();
}

void ConnectionState::throw_transaction_unusable() const {
  if ((root && !root->active) || (nested && !nested->active)) throw_pending_rollback();
  throw exc::InvalidRequestError(
      "Can't operate on closed transaction inside context manager.  Please complete the "
      "context manager before emitting further commands.");
}

void ConnectionState::close() noexcept {
  bool transaction_was_reset = false;
  if (root) {
    transaction_was_reset = root->active && proxy;
    try {
      rollback_root();
    } catch (const std::exception& e) {
      transaction_was_reset = false;  // let the pool's reset try again
      core.log(log::Level::error, fmt::format("Exception during rollback on close: {}", e.what()));
      detach_root();
    }
  }
  proxy.close(transaction_was_reset);
  can_reconnect = false;
  spare_row_buffers.clear();
}

void ConnectionState::invalidate(std::exception_ptr reason) noexcept {
  if (!proxy) return;
  if (echo()) log_info("Invalidate connection");
  proxy.invalidate(std::move(reason));
  proxy.close();
}

void ConnectionState::apply_options(const ExecutionOptions& given) {
  ExecutionOptions opts = given;
  if (has_events() && owner)
    engine.layer().fire(event::set_connection_execution_options, *owner, opts);
  const auto level = opts.isolation_level();
  const Dialect& dialect = *core.dialect;
  const auto characteristic = std::find_if(opts.begin(), opts.end(), [&](const auto& item) {
    return dialect.is_connection_characteristic(item.first);
  });
  if (level || characteristic != opts.end()) {
    if (root && root->active) {
      throw exc::InvalidRequestError(fmt::format(
          "This connection has already initialized a SQLAlchemy Transaction() object via "
          "begin() or autobegin; {} may not be altered unless rollback() or commit() is called "
          "first.",
          level ? "isolation_level" : characteristic->first));
    }
    const std::optional<std::string> normalized =
        level ? std::optional(checked_isolation_level(dialect, *level)) : std::nullopt;
    dbapi::Connection& conn = dbapi_connection();
    try {
      if (normalized) core.dialect->set_isolation_level(conn, *normalized);
      if (characteristic != opts.end())
        core.dialect->set_connection_characteristics(conn, opts.items());
    } catch (const dbapi::Error& e) {
      handle_dbapi_error(e, {}, {}, nullptr);
    }
    // Back to the engine's settings when the driver connection returns to the pool.
    auto& callbacks = proxy.entry()->finalize_callbacks();
    if (callbacks.empty()) {
      callbacks.push_back([core = engine.core()](dbapi::Connection& c) {
        core->dialect->set_isolation_level(
            c, core->isolation_level ? normalize_isolation_level(*core->isolation_level)
                                     : core->dialect->default_isolation_level());
        core->dialect->reset_connection_characteristics(c);
      });
    }
  }
  auto merged = std::make_shared<ExecutionOptions>(*options);
  merged->merge(opts);
  options = std::move(merged);
  logging_token = options->logging_token();
  const auto merged_level = options->isolation_level();
  autocommit_logging = merged_level
                           ? normalize_isolation_level(*merged_level) == "AUTOCOMMIT"
                           : core.isolation_level &&
                                 normalize_isolation_level(*core.isolation_level) == "AUTOCOMMIT";
}

std::string checked_isolation_level(const Dialect& dialect, std::string_view level) {
  std::string normalized = normalize_isolation_level(level);
  const auto valid = dialect.isolation_levels();
  if (std::find(valid.begin(), valid.end(), normalized) == valid.end()) {
    // SQLAlchemy quotes the level as normalized: 'read_committed' → 'READ COMMITTED'.
    throw exc::ArgumentError(fmt::format(
        "Invalid value '{}' for isolation_level. Valid isolation levels for '{}' are {}",
        normalized, dialect.name(), fmt::join(valid, ", ")));
  }
  return normalized;
}

void ConnectionState::handle_dbapi_error(const dbapi::Error& e, std::string_view statement,
                                         const std::string& params_repr, dbapi::Cursor* cursor) {
  const bool disconnect =
      !closed() && core.dialect->is_disconnect(e, proxy.dbapi_connection(), cursor);
  if (disconnect) {
    // SPEC §9: a disconnect also invalidates every connection the pool made before this one.
    if (Pool* pool = proxy.pool()) pool->invalidate(proxy, std::current_exception());
    invalidate(std::current_exception());
  } else {
    autorollback();
  }
  throw_wrapped(e, statement, params_repr, core.hide_parameters, disconnect);
}

void ConnectionState::autorollback() noexcept {
  if (root || !proxy) return;
  // No transaction to end later: roll back now so the failed statement leaves nothing behind.
  try {
    fire(event::rollback);
    if (echo()) log_info("ROLLBACK");
    core.dialect->do_rollback(*proxy.dbapi_connection());
  } catch (const std::exception&) {
  }
}

namespace {
template <typename E>
[[noreturn]] void raise_as(std::string message, std::string sql, const std::string& params_repr,
                           std::exception_ptr orig, bool hide_parameters, bool invalidated) {
  E error(std::move(message), std::move(sql), params_repr, std::move(orig), hide_parameters);
  error.set_connection_invalidated(invalidated);
  throw error;
}
}  // namespace

void throw_wrapped(const dbapi::Error& e, std::string_view statement,
                   const std::string& params_repr, bool hide_parameters,
                   bool connection_invalidated) {
  using Raise =
      void (*)(std::string, std::string, const std::string&, std::exception_ptr, bool, bool);
  Raise raise = raise_as<exc::DBAPIError>;
  using K = dbapi::ErrorKind;
  switch (e.kind()) {
    case K::interface_error:
      raise = raise_as<exc::InterfaceError>;
      break;
    case K::database_error:
      raise = raise_as<exc::DatabaseError>;
      break;
    case K::data_error:
      raise = raise_as<exc::DataError>;
      break;
    case K::operational_error:
      raise = raise_as<exc::OperationalError>;
      break;
    case K::integrity_error:
      raise = raise_as<exc::IntegrityError>;
      break;
    case K::internal_error:
      raise = raise_as<exc::InternalError>;
      break;
    case K::programming_error:
      raise = raise_as<exc::ProgrammingError>;
      break;
    case K::not_supported_error:
      raise = raise_as<exc::NotSupportedError>;
      break;
    case K::error:
      break;
  }
  raise(fmt::format("({}) {}", e.qualified_name(), e.what()), std::string(statement), params_repr,
        std::make_exception_ptr(e), hide_parameters, connection_invalidated);
  std::abort();  // raise() always throws
}

}  // namespace detail

// ---- Connection -------------------------------------------------------------------------------

Connection::Connection(std::shared_ptr<detail::ConnectionState> state) : state_(std::move(state)) {
  state_->owner = this;
}

Connection::Connection(Connection&& other) noexcept : state_(std::move(other.state_)) {
  if (state_) state_->owner = this;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
    if (state_) state_->owner = this;
  }
  return *this;
}

Connection::~Connection() {
  close();
}

void Connection::close() noexcept {
  if (!state_) return;
  state_->close();
  state_->owner = nullptr;
}

bool Connection::closed() const noexcept {
  return !state_ || state_->closed();
}
bool Connection::invalidated() const noexcept {
  return state_ && state_->invalidated();
}

RootTransaction Connection::begin() {
  state_->check_open();
  if (state_->root) {
    throw exc::InvalidRequestError(
        "This connection has already initialized a SQLAlchemy Transaction() object via begin() "
        "or autobegin; can't call begin() here unless rollback() or commit() is called first.");
  }
  state_->begin_root(detail::TransactionState::Kind::root);
  return RootTransaction(state_, state_->root);
}

NestedTransaction Connection::begin_nested() {
  state_->check_open();
  state_->autobegin();
  auto sp = state_->begin_savepoint();
  return NestedTransaction(state_, std::move(sp));
}

TwoPhaseTransaction Connection::begin_twophase(std::optional<std::string> xid) {
  state_->check_open();
  if (state_->root) {
    throw exc::InvalidRequestError(
        "Cannot start a two phase transaction when a transaction is already in progress.");
  }
  if (!xid) {
    std::random_device rd;
    std::mt19937_64 gen(rd());
    xid = fmt::format("_sa_{:016x}{:016x}", gen(), gen());
  }
  state_->begin_root(detail::TransactionState::Kind::twophase, std::move(*xid));
  return TwoPhaseTransaction(state_, state_->root);
}

std::vector<std::string> Connection::recover_twophase() {
  state_->check_open();
  try {
    return state_->core.dialect->do_recover_twophase(state_->dbapi_connection());
  } catch (const dbapi::Error& e) {
    state_->handle_dbapi_error(e, {}, {}, nullptr);
  }
}

void Connection::commit_prepared(std::string_view xid) {
  state_->check_open();
  try {
    state_->core.dialect->do_commit_twophase(state_->dbapi_connection(), xid, true);
  } catch (const dbapi::Error& e) {
    state_->handle_dbapi_error(e, {}, {}, nullptr);
  }
}

void Connection::rollback_prepared(std::string_view xid) {
  state_->check_open();
  try {
    state_->core.dialect->do_rollback_twophase(state_->dbapi_connection(), xid, true);
  } catch (const dbapi::Error& e) {
    state_->handle_dbapi_error(e, {}, {}, nullptr);
  }
}

void Connection::commit() {
  if (state_ && state_->root) state_->root_view->commit();
}

void Connection::rollback() {
  if (state_ && state_->root) state_->root_view->rollback();
}

void Connection::detach() {
  state_->check_open();
  if (state_->invalidated())
    throw exc::InvalidRequestError("Can't detach an invalidated Connection");
  state_->proxy.detach();
}

void Connection::invalidate(std::exception_ptr reason) {
  if (invalidated()) return;
  state_->check_open();
  state_->invalidate(std::move(reason));
}

bool Connection::in_transaction() const noexcept {
  return state_ && state_->root && state_->root->active;
}
bool Connection::in_nested_transaction() const noexcept {
  return state_ && state_->nested && state_->nested->active;
}
Transaction* Connection::get_transaction() noexcept {
  return state_ && state_->root_view ? &*state_->root_view : nullptr;
}
Transaction* Connection::get_nested_transaction() noexcept {
  return state_ && state_->nested_view ? &*state_->nested_view : nullptr;
}

Connection& Connection::execution_options(const ExecutionOptions& options) {
  state_->check_open();
  state_->apply_options(options);
  return *this;
}

const ExecutionOptions& Connection::get_execution_options() const noexcept {
  return *state_->options;
}

std::string Connection::get_isolation_level() {
  dbapi::Connection& conn = state_->dbapi_connection();
  try {
    return state_->core.dialect->get_isolation_level(conn);
  } catch (const dbapi::Error& e) {
    state_->handle_dbapi_error(e, {}, {}, nullptr);
  }
}

std::string Connection::default_isolation_level() const {
  return state_->core.dialect->default_isolation_level();
}

PoolProxiedConnection& Connection::connection() {
  state_->check_open();
  state_->dbapi_connection();
  return state_->proxy;
}

Info& Connection::info() {
  return connection().info();
}

Engine Connection::engine() const {
  return state_->engine;
}

}  // namespace athanor
