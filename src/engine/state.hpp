// Engine, connection and transaction state behind the public handles (src/engine only).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/dialect.hpp"
#include "athanor/engine/connection.hpp"
#include "athanor/engine/engine.hpp"
#include "athanor/event.hpp"
#include "athanor/log.hpp"
#include "athanor/pool/pool.hpp"
#include "sql/compiled_cache.hpp"

namespace athanor::detail {

// What every Engine derived from one create_engine() call shares.
class EngineCore {
 public:
  URL url;
  std::unique_ptr<Dialect> dialect;
  std::string logger;        // "athanor.engine.Engine" [+ ".<logging_name>"]
  std::atomic<int> echo{0};  // 0 off, 1 info, 2 debug
  bool hide_parameters = false;
  // create_engine(isolation_level=...): applied to every new driver connection.
  std::optional<std::string> isolation_level;
  int query_cache_size = 500;
  int insertmanyvalues_page_size = 1000;               // unless the execution options say otherwise
  std::unique_ptr<sql::CompiledCache> compiled_cache;  // null when query_cache_size is 0

  // The dialect is initialised once, on the first driver connection that succeeds in doing it.
  std::mutex first_connect_mutex;
  std::atomic<bool> initialized{false};

  void log(log::Level level, std::string_view message) const { log::emit(logger, level, message); }

  // The pool in use, read on every connect without touching a reference count: the engine owns
  // it and every pool dispose() replaced (a few hundred bytes each, their connections closed or
  // handed back), since a connect() may still be running on one of them.
  Pool& current_pool() const noexcept { return *pool_.load(std::memory_order_acquire); }
  void set_pool(std::shared_ptr<Pool> next) {
    std::lock_guard lock(pools_mutex_);
    pool_.store(next.get(), std::memory_order_release);
    pools_.push_back(std::move(next));
  }

 private:
  std::atomic<Pool*> pool_{nullptr};
  std::mutex pools_mutex_;
  std::vector<std::shared_ptr<Pool>> pools_;
};

// Listeners of one kind, replaced as a whole when one is added or removed, so firing needs no lock.
struct ListenerSet {
  struct Entry {
    event::ListenerId id;
    std::shared_ptr<void> fn;  // std::function<Tag::signature>
  };
  std::array<std::vector<Entry>, static_cast<std::size_t>(event::Kind::count_)> by_kind;
};

// The options and listeners of one Engine handle; execution_options() stacks a new layer on its
// parent, whose listeners (also those added later) apply to it too.
class EngineLayer {
 public:
  std::shared_ptr<EngineLayer> parent;

  std::shared_ptr<const ExecutionOptions> options() const { return options_.load(); }
  void set_options(std::shared_ptr<const ExecutionOptions> o) { options_.store(std::move(o)); }

  bool has_listeners() const noexcept {
    for (const EngineLayer* l = this; l; l = l->parent.get()) {
      if (l->listener_count_.load(std::memory_order_relaxed) > 0) return true;
    }
    return false;
  }
  // Fires listeners of `Tag`, outermost engine first.
  template <typename Tag, typename... Args>
  void fire(Tag, Args&&... args) const {
    if (parent) parent->fire(Tag{}, args...);
    if (listener_count_.load(std::memory_order_relaxed) == 0) return;
    const auto set = listeners_.load();
    for (const auto& entry : set->by_kind[static_cast<std::size_t>(Tag::kind)]) {
      (*static_cast<std::function<typename Tag::signature>*>(entry.fn.get()))(args...);
    }
  }
  template <typename Tag>
  bool listens(Tag) const noexcept {
    for (const EngineLayer* l = this; l; l = l->parent.get()) {
      if (l->listener_count_.load(std::memory_order_relaxed) == 0) continue;
      if (!l->listeners_.load()->by_kind[static_cast<std::size_t>(Tag::kind)].empty()) return true;
    }
    return false;
  }

  event::ListenerId add(event::Kind kind, std::shared_ptr<void> fn);
  void remove(event::ListenerId id);

 private:
  std::atomic<std::shared_ptr<const ExecutionOptions>> options_{
      std::make_shared<const ExecutionOptions>()};
  std::mutex listeners_mutex_;
  std::atomic<std::shared_ptr<const ListenerSet>> listeners_{std::make_shared<const ListenerSet>()};
  std::atomic<int> listener_count_{0};
};

// Row buffers lent to the results of one connection, so that their Values keep their allocations
// from one execution to the next. Buffers change hands by swapping, which neither allocates nor
// destroys anything: the slots past the last spare hold empty buffers.
class SpareRowBuffers {
 public:
  // Gives `buffer` (empty) a spare buffer when there is one.
  void lend(std::vector<Value>& buffer) noexcept {
    if (count_ > 0) buffer.swap(spares_[--count_]);
  }
  // Takes `buffer` back when there is room for it, leaving it empty.
  void give_back(std::vector<Value>& buffer) noexcept {
    if (count_ < spares_.size()) buffer.swap(spares_[count_++]);
  }
  void clear() noexcept {
    for (std::vector<Value>& b : spares_) std::vector<Value>().swap(b);
    count_ = 0;
  }

 private:
  std::array<std::vector<Value>, 4> spares_;
  std::size_t count_ = 0;
};

struct TransactionState {
  enum class Kind { root, nested, twophase };
  Kind kind = Kind::root;
  bool active = true;
  bool attached = true;  // still the connection's root / on its savepoint stack
  std::string name;      // savepoint name
  std::string xid;       // two-phase id
  bool prepared = false;
  std::shared_ptr<TransactionState> previous;  // the savepoint below this one
};

class ConnectionState : public std::enable_shared_from_this<ConnectionState> {
 public:
  ConnectionState(const Engine& engine, PoolProxiedConnection&& proxy);
  // A new state whose memory (with its shared_ptr control block) comes from blocks that earlier
  // states of this thread freed: there is one per Engine::connect(), so this spares a malloc and
  // a free on every connect/close.
  static std::shared_ptr<ConnectionState> make(const Engine& engine, PoolProxiedConnection&& proxy);

  Engine engine;
  EngineCore& core;
  Connection* owner = nullptr;  // the public handle, for event listeners
  PoolProxiedConnection proxy;  // empty once invalidated or closed
  bool can_reconnect = true;    // false once closed
  std::shared_ptr<TransactionState> root;
  std::shared_ptr<TransactionState> nested;  // innermost savepoint
  // Handles for get_transaction() / get_nested_transaction(); they do not roll back.
  std::optional<Transaction> root_view, nested_view;
  const TransactionState* context = nullptr;  // innermost begin(fn) block's transaction
  std::shared_ptr<const ExecutionOptions> options;
  std::optional<std::string> logging_token;  // cached from options
  bool autocommit_logging = false;           // cached: AUTOCOMMIT in effect for log wording
  int savepoint_counter = 0;
  bool in_begin = false;
  SpareRowBuffers spare_row_buffers;

  bool closed() const noexcept { return !proxy && !can_reconnect; }
  bool invalidated() const noexcept { return !proxy && can_reconnect; }
  bool echo() const noexcept { return core.echo.load(std::memory_order_relaxed) > 0; }
  void log_info(std::string_view message) const;
  void log_debug(std::string_view message) const;  // echo="debug" lines: Col / Row
  bool has_events() const noexcept { return engine.layer().has_listeners(); }
  template <typename Tag, typename... Args>
  void fire(Tag tag, Args&&... args) {
    if (has_events() && owner) engine.layer().fire(tag, *owner, std::forward<Args>(args)...);
  }

  // The live driver connection, reconnecting an invalidated Connection (refused while a
  // transaction lost to invalidation is still attached).
  dbapi::Connection& dbapi_connection() {
    if (dbapi::Connection* c = proxy.dbapi_connection()) return *c;
    return reconnect();
  }
  // dbapi_connection() without a live driver connection.
  dbapi::Connection& reconnect();
  // Inline, as every execution checks it; the throw is out of line.
  void check_open() const {
    if (closed()) throw_closed();
  }
  [[noreturn]] void throw_closed() const;  // exc::ResourceClosedError "This Connection is closed"
  // The execute()-time checks: an inactive attached transaction, a finished begin(fn) block.
  void check_transaction_usable() const {
    if ((root && !root->active) || (nested && !nested->active) || (context && !context->active)) {
      throw_transaction_unusable();
    }
  }
  [[noreturn]] void throw_transaction_unusable() const;
  [[noreturn]] void throw_pending_rollback() const;

  // Transactions (src/engine/transaction.cpp).
  void begin_root(TransactionState::Kind kind, std::string xid = {});
  void autobegin() {
    if (!root) begin_root(TransactionState::Kind::root);
  }
  std::shared_ptr<TransactionState> begin_savepoint();
  void commit_root();
  void rollback_root();
  void release_savepoint(TransactionState& sp);
  void rollback_savepoint(TransactionState& sp);
  void prepare_twophase(TransactionState& t);
  void detach_root() noexcept;
  void close() noexcept;
  void invalidate(std::exception_ptr reason) noexcept;

  // Runs an internal statement (SAVEPOINT ...) through the cursor pipeline.
  void execute_internal(const std::string& sql);

  // Wraps a driver error into its exc:: class, invalidating the connection on a disconnect.
  [[noreturn]] void handle_dbapi_error(const dbapi::Error& e, std::string_view statement,
                                       const std::string& params_repr, dbapi::Cursor* cursor);
  void apply_options(const ExecutionOptions& options);
  // SQLAlchemy's "autorollback" (SPEC §4.7): after an error while no transaction is begun, a
  // rollback (event, log line, DBAPI call). Errors of its own are swallowed.
  void autorollback() noexcept;
};

// `level` normalized ("read_committed" → "READ COMMITTED"); exc::ArgumentError, with SQLAlchemy's
// message, when the dialect does not list it.
std::string checked_isolation_level(const Dialect& dialect, std::string_view level);

// The "(<driver>.<Class>) message" exc:: class for a driver error.
[[noreturn]] void throw_wrapped(const dbapi::Error& e, std::string_view statement,
                                const std::string& params_repr, bool hide_parameters,
                                bool connection_invalidated);

// SQLAlchemy's repr of DBAPI parameters for logs and error messages: a tuple for one positional
// set, a list of them for executemany, truncated past 10 sets as SQLAlchemy does.
std::string repr_params(const dbapi::ParamRows& params, bool many);
// The INFO pair the echo shows for one cursor execution: the SQL, then "[<badge>] <parameters>"
// (or the hide_parameters notice).
void log_execution(ConnectionState& self, std::string_view sql, std::string_view badge,
                   const dbapi::ParamRows& params, bool many);

}  // namespace athanor::detail
