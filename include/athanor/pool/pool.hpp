// athanor/pool/pool.hpp — connection pools, SQLAlchemy's `sqlalchemy.pool`.
//
// A Pool keeps driver connections open between uses. Engine::connect() checks one out (as a
// PoolProxiedConnection) and Connection::close() returns it; on return the pool "resets" it —
// a rollback by default — so that no transaction or lock survives into the next checkout.
//
//   QueuePool            a bounded set (pool_size, plus max_overflow extra under load, waiting up
//                        to `timeout` for one to come back); the default for file and server DBs
//   SingletonThreadPool  one connection per thread; the default for SQLite memory databases,
//                        where every connection would otherwise be a different empty database
//   StaticPool           one connection shared by every checkout
//   NullPool             no pooling: a new connection per checkout, closed on return
//   AssertionPool        at most one checkout at a time (a test aid)
//
// Pools are thread-safe. A Connection is not: use one per thread.
#pragma once

#include <any>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <thread>

#include "athanor/dbapi.hpp"
#include "athanor/log.hpp"
#include "athanor/pool/events.hpp"

namespace athanor {

class Dialect;
class Pool;

// A dictionary of anything, for user data attached to a pooled connection (Python's `.info`).
using Info = std::map<std::string, std::any, std::less<>>;

enum class ResetOnReturn { rollback, commit, none };

// One pool slot and the driver connection it currently holds (SQLAlchemy's ConnectionPoolEntry).
class ConnectionPoolEntry {
 public:
  // nullptr once invalidated, until the next checkout reconnects.
  dbapi::Connection* dbapi_connection() const noexcept { return connection_.get(); }
  // User data for the life of this driver connection; cleared when it is replaced.
  Info& info() noexcept { return info_; }
  // User data for the life of the slot, across reconnects.
  Info& record_info() noexcept { return record_info_; }
  std::chrono::steady_clock::time_point starttime() const noexcept { return starttime_; }
  bool in_use() const noexcept { return checkouts_.load(std::memory_order_relaxed) > 0; }

  // Run on the driver connection when it comes back to the pool, after the reset (the engine
  // restores a connection-level isolation level this way). Discarded on invalidation.
  std::vector<std::function<void(dbapi::Connection&)>>& finalize_callbacks() noexcept {
    return finalize_callbacks_;
  }

 private:
  friend class Pool;
  friend class PoolProxiedConnection;
  dbapi::ConnectionPtr connection_;
  Info info_;
  Info record_info_;
  std::chrono::steady_clock::time_point starttime_{};
  // Set by a soft invalidation: the connection is replaced at its next checkout.
  std::chrono::steady_clock::time_point soft_invalidated_at_{};
  std::vector<std::function<void(dbapi::Connection&)>> finalize_callbacks_;
  // Open checkouts of this entry: SingletonThreadPool hands one out several times in one thread,
  // StaticPool to everyone.
  std::atomic<int> checkouts_ = 0;
  // Leak detection (only when a threshold is set): where and when it was checked out, and its
  // place in the pool's list of watched checkouts, which is ordered by that time.
  std::source_location checked_out_at_{};
  std::chrono::steady_clock::time_point checkout_time_{};
  ConnectionPoolEntry* watch_prev_ = nullptr;
  ConnectionPoolEntry* watch_next_ = nullptr;
  bool watched_ = false;
};

// A checked-out driver connection (SQLAlchemy's PoolProxiedConnection). close() — or the
// destructor — returns it to the pool; detach() takes it out of the pool for good.
class PoolProxiedConnection {
 public:
  PoolProxiedConnection() = default;
  PoolProxiedConnection(PoolProxiedConnection&& other) noexcept;
  PoolProxiedConnection& operator=(PoolProxiedConnection&& other) noexcept;
  ~PoolProxiedConnection() { close(); }

  dbapi::CursorPtr cursor();
  void commit();
  void rollback();
  // Back to the pool (reset first, unless `transaction_was_reset`: the caller already rolled
  // back). A detached connection is closed instead. Idempotent.
  void close(bool transaction_was_reset = false) noexcept;
  // Removes the connection from the pool: the pool slot is freed now, and close() will really
  // close the driver connection.
  void detach();
  // Hard: closes the driver connection and returns the slot to the pool, which reconnects it on
  // the next checkout. Soft: keeps the connection open for this checkout and replaces it at the
  // next one.
  void invalidate(std::exception_ptr reason = nullptr, bool soft = false) noexcept;

  bool is_valid() const noexcept { return dbapi_connection() != nullptr; }
  bool is_detached() const noexcept { return detached_ != nullptr; }
  explicit operator bool() const noexcept { return entry_ || detached_; }
  Info& info();
  dbapi::Connection* dbapi_connection() const noexcept;
  ConnectionPoolEntry* entry() const noexcept { return entry_; }
  // The pool it came from; nullptr once closed or detached.
  Pool* pool() const noexcept { return entry_ ? pool_.get() : nullptr; }
  void* native_handle();

 private:
  friend class Pool;
  PoolProxiedConnection(std::shared_ptr<Pool> pool, ConnectionPoolEntry* entry)
      : pool_(std::move(pool)), entry_(entry) {}
  dbapi::Connection& live();

  std::shared_ptr<Pool> pool_;
  ConnectionPoolEntry* entry_ = nullptr;
  struct Detached {
    dbapi::ConnectionPtr connection;
    Info info;
  };
  std::unique_ptr<Detached> detached_;
};

struct PoolOptions {
  // Makes a new driver connection.
  std::function<dbapi::ConnectionPtr()> creator;
  // Run on every new driver connection before the connect listeners (the engine's dialect
  // initialization and isolation level live here). An exception fails the checkout.
  std::function<void(dbapi::Connection&, ConnectionPoolEntry&)> on_connect;
  Dialect* dialect = nullptr;  // for reset and pre-ping; may be null
  ResetOnReturn reset_on_return = ResetOnReturn::rollback;
  std::chrono::duration<double> recycle{-1};
  bool pre_ping = false;
  // echo_pool: the level from which the pool's lines are emitted (INFO, or DEBUG for "debug");
  // unset = silent.
  std::optional<log::Level> echo;
  std::string logging_name;
  // Not in SQLAlchemy (HikariCP's leakDetectionThreshold): a connection checked out longer than
  // this is reported once, as a WARNING naming where it was checked out. Zero = off.
  std::chrono::duration<double> leak_detection_threshold{0};
  // QueuePool / SingletonThreadPool
  int pool_size = 5;
  int max_overflow = 10;
  std::chrono::duration<double> timeout{30};
  bool use_lifo = false;
};

// Pool::counters(): totals since the pool was made, read without stopping it.
struct PoolCounters {
  std::uint64_t checkouts = 0;            // successful checkouts
  std::uint64_t timeouts = 0;             // exc::TimeoutError raised
  std::uint64_t connects = 0;             // driver connections opened
  std::uint64_t invalidations = 0;        // hard and soft
  std::chrono::nanoseconds wait_time{0};  // time checkouts spent waiting for a connection
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  // `class_name` names the logger: "athanor.pool.impl.<class_name>[.<logging_name>]".
  Pool(PoolOptions options, std::string_view class_name);
  virtual ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  PoolProxiedConnection connect(std::source_location where = std::source_location::current());
  // Closes the connections resting in the pool; checked-out ones are unaffected.
  virtual void dispose() = 0;
  // dispose(), and from now on every connection coming back is closed rather than kept:
  // Engine::dispose() replaced this pool, so nothing will take them from it again.
  void retire();
  // A new, empty pool of the same class, options and listeners.
  std::shared_ptr<Pool> recreate() const;
  virtual std::string status() const = 0;
  virtual int size() const { return 0; }
  virtual int checkedin() const { return 0; }
  virtual int checkedout() const { return 0; }
  virtual int overflow() const { return 0; }

  // Pool-wide invalidation (SQLAlchemy's Pool._invalidate): every pooled connection made before
  // now is replaced at its next checkout, and `connection` (if still valid) is invalidated now.
  void invalidate(PoolProxiedConnection& connection, std::exception_ptr reason = nullptr) noexcept;

  PoolCounters counters() const noexcept;
  const PoolOptions& options() const noexcept { return options_; }
  event::PoolListeners& listeners() noexcept { return listeners_; }
  const std::string& logger() const noexcept { return logger_; }

 protected:
  // recreate()'s part that depends on the class: a new pool built with this one's arguments.
  virtual std::shared_ptr<Pool> empty_copy() const = 0;
  // The pool classes below implement these four under their own lock.
  // An entry for a new checkout (reused, or new and still without a connection), its checkout
  // count already incremented.
  virtual ConnectionPoolEntry* acquire(const std::source_location& where) = 0;
  // An entry coming back (its connection may be gone after an invalidation).
  virtual void release(ConnectionPoolEntry* entry) noexcept = 0;
  // Called when a checkout failed before the entry was handed out.
  virtual void abandon(ConnectionPoolEntry* entry) noexcept { release(entry); }
  // The entry of a detached connection leaves the pool.
  virtual void forget(ConnectionPoolEntry* entry) noexcept = 0;

  // Fires `close`, logs and closes the driver connection.
  void close_connection(ConnectionPoolEntry& entry) noexcept;
  // Closes it without events or lines: for a pool being destroyed, whose listeners may capture
  // objects already gone.
  static void discard_connection(ConnectionPoolEntry& entry) noexcept;
  static void count_checkout(ConnectionPoolEntry& entry) noexcept {
    entry.checkouts_.fetch_add(1, std::memory_order_relaxed);
  }
  bool logs(log::Level level) const noexcept;
  void log(log::Level level, std::string_view message) const;
  void count_timeout() noexcept { timeouts_.fetch_add(1, std::memory_order_relaxed); }
  void count_wait(std::chrono::steady_clock::duration d) noexcept;
  // SingletonThreadPool: a checkout by the thread that already holds the entry shares it.
  bool reentrant_ = false;
  // StaticPool: every checkout shares one entry, so its (re)connect and its hard invalidation
  // are serialised: threads checking out at once after an invalidation reconnect it once.
  bool shared_entry_ = false;

  PoolOptions options_;
  event::PoolListeners listeners_;

 private:
  friend class PoolProxiedConnection;
  bool prepare(ConnectionPoolEntry& entry);
  void checkout_events(PoolProxiedConnection& proxy, bool fresh);
  void connect_entry(ConnectionPoolEntry& entry);
  void checkin(ConnectionPoolEntry* entry, bool transaction_was_reset) noexcept;
  void reset(dbapi::Connection& conn, ConnectionPoolEntry* entry,
             bool transaction_was_reset) noexcept;
  void invalidate_entry(ConnectionPoolEntry& entry, std::exception_ptr reason, bool soft) noexcept;
  void invalidate_pool_before(ConnectionPoolEntry* entry) noexcept;
  // Held while a shared entry's connection is replaced; not engaged for the other pools.
  std::unique_lock<std::mutex> lock_shared_entry() {
    return shared_entry_ ? std::unique_lock(shared_entry_mutex_) : std::unique_lock<std::mutex>();
  }
  // Leak detection.
  void watch(ConnectionPoolEntry& entry, const std::source_location& where);
  void unwatch(ConnectionPoolEntry& entry) noexcept;
  void run_leak_detector();

  std::string logger_;
  // Entries connected no later than this are replaced at checkout (steady_clock ticks; the
  // minimum means never).
  std::atomic<std::chrono::steady_clock::rep> invalidated_at_{
      std::chrono::steady_clock::time_point::min().time_since_epoch().count()};
  std::mutex first_connect_mutex_;
  std::mutex shared_entry_mutex_;
  std::atomic<bool> first_connected_{false};
  std::atomic<bool> retired_{false};
  std::atomic<std::uint64_t> checkouts_{0}, timeouts_{0}, connects_{0}, invalidations_{0},
      wait_ns_{0};

  std::mutex leak_mutex_;
  std::condition_variable leak_wake_;
  ConnectionPoolEntry* watch_head_ = nullptr;
  ConnectionPoolEntry* watch_tail_ = nullptr;
  bool leak_stop_ = false;
  std::thread leak_thread_;
};

}  // namespace athanor
