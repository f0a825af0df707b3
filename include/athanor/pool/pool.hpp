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
//
// Pools are thread-safe. A Connection is not: use one per thread.
#pragma once

#include <any>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "athanor/dbapi.hpp"

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
  std::vector<std::function<void(dbapi::Connection&)>> finalize_callbacks_;
  // Open checkouts of this entry: SingletonThreadPool hands one out several times in one thread.
  // Incremented by Pool::acquire() implementations.
  std::atomic<int> checkouts_ = 0;
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
  // Closes the driver connection and frees the slot for a fresh one (the pool reconnects it on
  // the next checkout).
  void invalidate(std::exception_ptr reason = nullptr) noexcept;

  bool is_valid() const noexcept { return dbapi_connection() != nullptr; }
  bool is_detached() const noexcept { return detached_ != nullptr; }
  explicit operator bool() const noexcept { return entry_ || detached_; }
  Info& info();
  dbapi::Connection* dbapi_connection() const noexcept;
  ConnectionPoolEntry* entry() const noexcept { return entry_; }
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
  // Run on every new driver connection before it is handed out (the engine's dialect
  // initialization and isolation level live here). An exception fails the checkout.
  std::function<void(dbapi::Connection&, ConnectionPoolEntry&)> on_connect;
  const Dialect* dialect = nullptr;  // for reset; may be null
  ResetOnReturn reset_on_return = ResetOnReturn::rollback;
  std::chrono::duration<double> recycle{-1};
  bool echo = false;
  std::string logging_name;
  // QueuePool / SingletonThreadPool
  int pool_size = 5;
  int max_overflow = 10;
  std::chrono::duration<double> timeout{30};
  bool use_lifo = false;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  explicit Pool(PoolOptions options) : options_(std::move(options)) {}
  virtual ~Pool() = default;
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  PoolProxiedConnection connect();
  // Closes the connections resting in the pool; checked-out ones are unaffected.
  virtual void dispose() = 0;
  // A new, empty pool of the same class and options.
  virtual std::shared_ptr<Pool> recreate() const = 0;
  virtual std::string status() const = 0;
  virtual int size() const { return 0; }
  virtual int checkedin() const { return 0; }
  virtual int checkedout() const { return 0; }
  virtual int overflow() const { return 0; }

  const PoolOptions& options() const noexcept { return options_; }

 protected:
  // An entry for a new checkout (reused, or new and still without a connection), its checkout
  // count already incremented.
  virtual ConnectionPoolEntry* acquire() = 0;
  // An entry coming back (its connection may be gone after an invalidation).
  virtual void release(ConnectionPoolEntry* entry) noexcept = 0;
  // Called when a checkout failed before the entry was handed out.
  virtual void abandon(ConnectionPoolEntry* entry) noexcept { release(entry); }
  // The entry of a detached connection leaves the pool.
  virtual void forget(ConnectionPoolEntry* entry) noexcept = 0;

  static void close_connection(ConnectionPoolEntry& entry) noexcept;
  static bool in_use(const ConnectionPoolEntry& entry) noexcept { return entry.checkouts_ > 0; }
  static void count_checkout(ConnectionPoolEntry& entry) noexcept { ++entry.checkouts_; }
  void log(std::string_view message) const;

  PoolOptions options_;

 private:
  friend class PoolProxiedConnection;
  void connect_entry(ConnectionPoolEntry& entry);
  void checkin(ConnectionPoolEntry* entry, bool transaction_was_reset) noexcept;
  void reset(ConnectionPoolEntry& entry, bool transaction_was_reset) noexcept;
};

}  // namespace athanor
