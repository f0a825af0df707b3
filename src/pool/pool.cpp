// Pool: checkout (recycle, pre-ping, checkout events and their reconnect loop), checkin (reset),
// invalidation, logging and counters. The pool classes only keep the entries (impl.hpp).
#include "athanor/pool/pool.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>
#include <typeinfo>

#include "athanor/dialect.hpp"
#include "athanor/exc.hpp"

namespace athanor {

namespace {

// SQLAlchemy's "<class name>:<message>" for an invalidation's reason: the class without its
// namespace, as Python's __name__ has none.
std::string describe(const std::exception_ptr& reason) {
  try {
    std::rethrow_exception(reason);
  } catch (const std::exception& e) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled(
        abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status), std::free);
    std::string_view name = status == 0 ? demangled.get() : typeid(e).name();
    if (const auto colons = name.rfind("::"); colons != std::string_view::npos) {
      name.remove_prefix(colons + 2);
    }
    return fmt::format("{}:{}", name, e.what());
  } catch (...) {
    return "unknown exception";
  }
}

std::chrono::steady_clock::rep ticks(std::chrono::steady_clock::time_point t) {
  return t.time_since_epoch().count();
}

}  // namespace

Pool::Pool(PoolOptions options, std::string_view class_name)
    : options_(std::move(options)), logger_(fmt::format("athanor.pool.impl.{}", class_name)) {
  if (!options_.logging_name.empty()) logger_ += "." + options_.logging_name;
  if (options_.leak_detection_threshold.count() > 0) {
    leak_thread_ = std::thread([this] { run_leak_detector(); });
  }
}

Pool::~Pool() {
  if (leak_thread_.joinable()) {
    {
      std::lock_guard lock(leak_mutex_);
      leak_stop_ = true;
    }
    leak_wake_.notify_one();
    leak_thread_.join();
  }
}

PoolProxiedConnection Pool::connect(std::source_location where) {
  ConnectionPoolEntry* entry = acquire(where);
  // SingletonThreadPool's second checkout in one thread: the same connection, no events.
  if (reentrant_ && entry->checkouts_.load(std::memory_order_relaxed) > 1) {
    return PoolProxiedConnection(shared_from_this(), entry);
  }
  bool fresh;
  try {
    const auto serial = lock_shared_entry();
    fresh = prepare(*entry);
  } catch (...) {
    // SQLAlchemy's _checkin_failed: a connection that failed its connect listeners is
    // invalidated; either way the slot goes back.
    if (entry->connection_) invalidate_entry(*entry, std::current_exception(), false);
    entry->checkouts_.fetch_sub(1, std::memory_order_relaxed);
    abandon(entry);
    throw;
  }
  PoolProxiedConnection proxy(shared_from_this(), entry);
  if (options_.pre_ping || listeners_.has(event::checkout)) checkout_events(proxy, fresh);
  checkouts_.fetch_add(1, std::memory_order_relaxed);
  if (options_.leak_detection_threshold.count() > 0) watch(*entry, where);
  if (logs(log::Level::debug)) {
    log(log::Level::debug,
        fmt::format("Connection {} checked out from pool", fmt::ptr(entry->connection_.get())));
  }
  return proxy;
}

bool Pool::prepare(ConnectionPoolEntry& entry) {
  if (!entry.connection_) {
    connect_entry(entry);
    return true;
  }
  const void* conn = entry.connection_.get();
  // Strict comparisons, as SQLAlchemy's (SPEC §19.15).
  if (options_.recycle.count() >= 0 &&
      std::chrono::steady_clock::now() - entry.starttime_ > options_.recycle) {
    log(log::Level::info, fmt::format("Connection {} exceeded timeout; recycling", fmt::ptr(conn)));
  } else if (invalidated_at_.load(std::memory_order_relaxed) > ticks(entry.starttime_)) {
    log(log::Level::info,
        fmt::format("Connection {} invalidated due to pool invalidation; recycling",
                    fmt::ptr(conn)));
  } else if (entry.soft_invalidated_at_ > entry.starttime_) {
    log(log::Level::info,
        fmt::format("Connection {} invalidated due to local soft invalidation; recycling",
                    fmt::ptr(conn)));
  } else {
    return false;
  }
  close_connection(entry);
  connect_entry(entry);
  return true;
}

// SPEC §8.5: pre-ping (not on a fresh connection), then the checkout listeners; a
// DisconnectionError from either replaces the connection and tries once more.
void Pool::checkout_events(PoolProxiedConnection& proxy, bool fresh) {
  ConnectionPoolEntry& entry = *proxy.entry_;
  for (int attempt = 0;; ++attempt) {
    try {
      if (options_.pre_ping && options_.dialect) {
        const void* conn = entry.connection_.get();
        if (fresh) {
          log(log::Level::debug,
              fmt::format("Connection {} is fresh, skipping pre-ping", fmt::ptr(conn)));
        } else {
          log(log::Level::debug, fmt::format("Pool pre-ping on connection {}", fmt::ptr(conn)));
          if (!options_.dialect->do_ping(*entry.connection_)) {
            log(log::Level::debug,
                fmt::format("Pool pre-ping on connection {} failed, will invalidate pool",
                            fmt::ptr(conn)));
            throw exc::InvalidatePoolError("pre-ping found the connection closed");
          }
        }
      }
      listeners_.fire(event::checkout, entry.connection_.get(), entry, proxy);
      return;
    } catch (const exc::DisconnectionError& e) {
      const std::exception_ptr reason = std::current_exception();
      if (dynamic_cast<const exc::InvalidatePoolError*>(&e)) {
        log(log::Level::info,
            fmt::format("Disconnection detected on checkout, invalidating all pooled connections "
                        "prior to current timestamp (reason: {})",
                        e.what()));
        invalidate_pool_before(&entry);
      } else {
        log(log::Level::info,
            fmt::format("Disconnection detected on checkout, invalidating individual connection "
                        "{} (reason: {})",
                        fmt::ptr(entry.connection_.get()), e.what()));
      }
      invalidate_entry(entry, reason, false);
      try {
        // A shared entry may have been reconnected by another checkout meanwhile.
        const auto serial = lock_shared_entry();
        if (!entry.connection_) connect_entry(entry);
      } catch (...) {
        proxy.close();
        throw;
      }
      fresh = true;
      if (attempt == 1) {
        log(log::Level::info, "Reconnection attempts exhausted on checkout");
        proxy.invalidate(reason);
        throw exc::InvalidRequestError("This connection is closed");
      }
    } catch (...) {
      proxy.invalidate(std::current_exception());
      throw;
    }
  }
}

void Pool::connect_entry(ConnectionPoolEntry& entry) {
  entry.info_.clear();
  entry.finalize_callbacks_.clear();
  entry.starttime_ = std::chrono::steady_clock::now();
  try {
    entry.connection_ = options_.creator();
  } catch (const std::exception& e) {
    log(log::Level::debug, fmt::format("Error on connect(): {}", e.what()));
    throw;
  }
  connects_.fetch_add(1, std::memory_order_relaxed);
  dbapi::Connection* conn = entry.connection_.get();
  if (logs(log::Level::debug)) {
    log(log::Level::debug, fmt::format("Created new connection {}", fmt::ptr(conn)));
  }
  if (options_.on_connect) options_.on_connect(*conn, entry);
  // first_connect fires once per pool, for its first connection, unless a listener throws.
  if (!first_connected_.load(std::memory_order_acquire)) {
    std::lock_guard lock(first_connect_mutex_);
    if (!first_connected_.load(std::memory_order_relaxed)) {
      listeners_.fire(event::first_connect, conn, entry);
      first_connected_.store(true, std::memory_order_release);
    }
  }
  listeners_.fire(event::connect, conn, entry);
}

void Pool::close_connection(ConnectionPoolEntry& entry) noexcept {
  if (dbapi::Connection* conn = entry.connection_.get()) {
    try {
      listeners_.fire(event::close, conn, entry);
    } catch (const std::exception& e) {
      log(log::Level::error,
          fmt::format("Exception closing connection {}: {}", fmt::ptr(conn), e.what()));
    }
    if (logs(log::Level::debug)) {
      log(log::Level::debug, fmt::format("Closing connection {}", fmt::ptr(conn)));
    }
    conn->close();
  }
  entry.connection_.reset();
  entry.finalize_callbacks_.clear();
}

void Pool::discard_connection(ConnectionPoolEntry& entry) noexcept {
  if (entry.connection_) entry.connection_->close();
  entry.connection_.reset();
}

void Pool::reset(dbapi::Connection& conn, ConnectionPoolEntry* entry,
                 bool transaction_was_reset) noexcept {
  // Lines are formatted only when they will be emitted: this runs on every checkin.
  const bool debug = logs(log::Level::debug);
  try {
    listeners_.fire(event::reset, &conn, entry, PoolResetState{transaction_was_reset});
    conn.close_cursors();
    switch (options_.reset_on_return) {
      case ResetOnReturn::rollback:
        if (transaction_was_reset) {
          if (debug) {
            log(log::Level::debug,
                fmt::format("Connection {} reset, transaction already reset", fmt::ptr(&conn)));
          }
          break;
        }
        if (debug) {
          log(log::Level::debug, fmt::format("Connection {} rollback-on-return", fmt::ptr(&conn)));
        }
        // Nothing to undo when the driver reports no transaction open: skip the round trip.
        if (conn.in_transaction()) {
          if (options_.dialect) {
            options_.dialect->do_rollback(conn);
          } else {
            conn.rollback();
          }
        }
        break;
      case ResetOnReturn::commit:
        if (debug) {
          log(log::Level::debug, fmt::format("Connection {} commit-on-return", fmt::ptr(&conn)));
        }
        if (options_.dialect) {
          options_.dialect->do_commit(conn);
        } else {
          conn.commit();
        }
        break;
      case ResetOnReturn::none:
        break;
    }
    if (entry) {
      for (auto& callback : entry->finalize_callbacks_) callback(conn);
      entry->finalize_callbacks_.clear();
    }
  } catch (const std::exception& e) {
    log(log::Level::error, fmt::format("Exception during reset or similar: {}", e.what()));
    if (entry) {
      invalidate_entry(*entry, std::current_exception(), false);
    } else {
      conn.close();
    }
  }
}

void Pool::checkin(ConnectionPoolEntry* entry, bool transaction_was_reset) noexcept {
  if (entry->checkouts_.fetch_sub(1, std::memory_order_acq_rel) > 1 && reentrant_) return;
  if (entry->watched_ || options_.leak_detection_threshold.count() > 0) unwatch(*entry);
  dbapi::Connection* conn = entry->connection_.get();
  if (conn) {
    if (logs(log::Level::debug)) {
      log(log::Level::debug, fmt::format("Connection {} being returned to pool", fmt::ptr(conn)));
    }
    reset(*conn, entry, transaction_was_reset);
  }
  if (listeners_.has(event::checkin)) {
    try {
      listeners_.fire(event::checkin, entry->connection_.get(), *entry);
    } catch (const std::exception& e) {
      log(log::Level::error, fmt::format("Exception in checkin listener: {}", e.what()));
    }
  }
  release(entry);
  // Read after release(): a retire() running meanwhile either finds the entry back in the pool
  // (and closes it), or is seen here.
  if (retired_.load()) {
    try {
      dispose();
    } catch (const std::exception& e) {
      log(log::Level::error,
          fmt::format("Exception closing a retired pool's connection: {}", e.what()));
    }
  }
}

std::shared_ptr<Pool> Pool::recreate() const {
  log(log::Level::info, "Pool recreating");
  auto pool = empty_copy();
  pool->listeners_.copy_from(listeners_);
  return pool;
}

void Pool::retire() {
  retired_.store(true);
  dispose();
}

void Pool::invalidate_entry(ConnectionPoolEntry& entry, std::exception_ptr reason,
                            bool soft) noexcept {
  invalidations_.fetch_add(1, std::memory_order_relaxed);
  dbapi::Connection* conn = entry.connection_.get();
  const std::string why = reason ? fmt::format(" (reason: {})", describe(reason)) : "";
  // A throwing listener must not stop the invalidation: the connection is unusable either way.
  try {
    if (soft) {
      listeners_.fire(event::soft_invalidate, conn, entry, reason);
    } else {
      listeners_.fire(event::invalidate, conn, entry, reason);
    }
  } catch (const std::exception& e) {
    log(log::Level::error, fmt::format("Exception in invalidate listener: {}", e.what()));
  }
  if (soft) {
    log(log::Level::info, fmt::format("Soft Invalidate connection {}{}", fmt::ptr(conn), why));
    entry.soft_invalidated_at_ = std::chrono::steady_clock::now();
  } else {
    log(log::Level::info, fmt::format("Invalidate connection {}{}", fmt::ptr(conn), why));
    const auto serial = lock_shared_entry();
    // Another holder of a shared entry may have replaced the connection meanwhile.
    if (entry.connection_.get() == conn) close_connection(entry);
  }
}

void Pool::invalidate_pool_before(ConnectionPoolEntry* entry) noexcept {
  const auto now = ticks(std::chrono::steady_clock::now());
  auto current = invalidated_at_.load(std::memory_order_relaxed);
  if (!entry || current < ticks(entry->starttime_)) {
    while (current < now &&
           !invalidated_at_.compare_exchange_weak(current, now, std::memory_order_relaxed)) {
    }
  }
}

void Pool::invalidate(PoolProxiedConnection& connection, std::exception_ptr reason) noexcept {
  if (connection.pool_.get() != this) return;
  invalidate_pool_before(connection.entry_);
  if (connection.is_valid()) connection.invalidate(std::move(reason));
}

PoolCounters Pool::counters() const noexcept {
  return {checkouts_.load(std::memory_order_relaxed), timeouts_.load(std::memory_order_relaxed),
          connects_.load(std::memory_order_relaxed), invalidations_.load(std::memory_order_relaxed),
          std::chrono::nanoseconds(wait_ns_.load(std::memory_order_relaxed))};
}

void Pool::count_wait(std::chrono::steady_clock::duration d) noexcept {
  wait_ns_.fetch_add(
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()),
      std::memory_order_relaxed);
}

bool Pool::logs(log::Level level) const noexcept {
  // Errors and warnings are emitted whatever echo_pool says, as Python's default WARNING
  // threshold lets them through.
  return level >= log::Level::warning || (options_.echo && level >= *options_.echo);
}

void Pool::log(log::Level level, std::string_view message) const {
  if (logs(level)) log::emit(logger_, level, message);
}

// ---- leak detection --------------------------------------------------------------------------

void Pool::watch(ConnectionPoolEntry& entry, const std::source_location& where) {
  std::lock_guard lock(leak_mutex_);
  // StaticPool hands one entry to several holders; the first checkout is the one watched.
  if (entry.watched_) return;
  entry.checked_out_at_ = where;
  entry.checkout_time_ = std::chrono::steady_clock::now();
  // Checkout times only grow, so appending keeps the list ordered by deadline.
  entry.watch_prev_ = watch_tail_;
  entry.watch_next_ = nullptr;
  (watch_tail_ ? watch_tail_->watch_next_ : watch_head_) = &entry;
  watch_tail_ = &entry;
  entry.watched_ = true;
  if (watch_head_ == &entry) leak_wake_.notify_one();
}

void Pool::unwatch(ConnectionPoolEntry& entry) noexcept {
  std::lock_guard lock(leak_mutex_);
  if (!entry.watched_) return;
  (entry.watch_prev_ ? entry.watch_prev_->watch_next_ : watch_head_) = entry.watch_next_;
  (entry.watch_next_ ? entry.watch_next_->watch_prev_ : watch_tail_) = entry.watch_prev_;
  entry.watch_prev_ = entry.watch_next_ = nullptr;
  entry.watched_ = false;
}

void Pool::run_leak_detector() {
  const auto threshold = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      options_.leak_detection_threshold);
  std::unique_lock lock(leak_mutex_);
  while (!leak_stop_) {
    if (!watch_head_) {
      leak_wake_.wait(lock);
      continue;
    }
    const auto deadline = watch_head_->checkout_time_ + threshold;
    if (std::chrono::steady_clock::now() < deadline) {
      leak_wake_.wait_until(lock, deadline);
      continue;
    }
    // Reported once: the entry leaves the list, and its checkin finds it unwatched.
    ConnectionPoolEntry& entry = *watch_head_;
    const std::source_location where = entry.checked_out_at_;
    const auto held = std::chrono::steady_clock::now() - entry.checkout_time_;
    watch_head_ = entry.watch_next_;
    (watch_head_ ? watch_head_->watch_prev_ : watch_tail_) = nullptr;
    entry.watch_next_ = nullptr;
    entry.watched_ = false;
    lock.unlock();
    log(log::Level::warning,
        fmt::format("Connection leak detected: a connection checked out at {}:{} in {} has not "
                    "been returned after {:.3f} s (pool_leak_detection_threshold {:.3f} s)",
                    where.file_name(), where.line(), where.function_name(),
                    std::chrono::duration<double>(held).count(),
                    options_.leak_detection_threshold.count()));
    lock.lock();
  }
}

}  // namespace athanor
