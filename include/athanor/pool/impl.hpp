// athanor/pool/impl.hpp — the pool classes (SQLAlchemy's pool/impl.py).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "athanor/pool/pool.hpp"

namespace athanor {

// pool_size connections kept, up to max_overflow more opened under load (closed again when they
// come back to a full pool; -1 = no limit); a checkout beyond that waits up to `timeout`, then
// raises exc::TimeoutError. pool_size 0 means no limit at all.
class QueuePool : public Pool {
 public:
  explicit QueuePool(PoolOptions options);
  ~QueuePool() override;

  void dispose() override;
  std::string status() const override;
  int size() const override { return options_.pool_size; }
  int checkedin() const override;
  int checkedout() const override;
  int overflow() const override;

 protected:
  std::shared_ptr<Pool> empty_copy() const override;
  ConnectionPoolEntry* acquire(const std::source_location& where) override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void abandon(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  bool unlimited_overflow() const noexcept;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::deque<ConnectionPoolEntry*> idle_;
  int overflow_;     // connections beyond pool_size; starts at -pool_size, as SQLAlchemy counts
  int waiters_ = 0;  // threads blocked in acquire(): release() notifies only when there are some
};

// One connection per thread: a thread that checks out again while it holds its connection gets
// the same one, and only the last close returns it. A thread's first checkout when pool_size
// threads already have one closes idle connections of other threads until there is room, as
// SQLAlchemy does — but never one checked out (SQLAlchemy's closes any): a busy pool grows
// beyond pool_size instead.
class SingletonThreadPool : public Pool {
 public:
  explicit SingletonThreadPool(PoolOptions options);
  ~SingletonThreadPool() override;

  void dispose() override;
  std::string status() const override;
  int size() const override { return options_.pool_size; }
  int checkedin() const override;
  int checkedout() const override;
  // Closes the calling thread's connection; run when a thread that used the pool ends.
  void dispose_current_thread() noexcept;

 protected:
  std::shared_ptr<Pool> empty_copy() const override;
  ConnectionPoolEntry* acquire(const std::source_location& where) override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  struct Slot {
    std::unique_ptr<ConnectionPoolEntry> entry;
    // Back in the pool: reset and returned by release(), so another thread may close it.
    bool idle = false;
  };
  // Under mutex_: removes idle entries (those of other threads: the caller's is not idle) until
  // at most `limit` remain, for closing outside the lock.
  std::vector<std::unique_ptr<ConnectionPoolEntry>> take_idle(std::size_t limit);

  mutable std::mutex mutex_;
  std::unordered_map<std::thread::id, Slot> by_thread_;
};

// One connection, made on first use and shared by every checkout, without limit; replaced when
// invalidated. For tests and for memory databases shared across threads.
class StaticPool : public Pool {
 public:
  explicit StaticPool(PoolOptions options) : Pool(std::move(options), "StaticPool") {
    shared_entry_ = true;
  }
  ~StaticPool() override;

  void dispose() override;
  std::string status() const override { return "StaticPool"; }
  int checkedin() const override;
  int checkedout() const override;

 protected:
  std::shared_ptr<Pool> empty_copy() const override;
  ConnectionPoolEntry* acquire(const std::source_location& where) override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  // Serializes the connection's (re)connect among the checkouts sharing it.
  mutable std::mutex mutex_;
  std::unique_ptr<ConnectionPoolEntry> entry_ = std::make_unique<ConnectionPoolEntry>();
};

// No pooling: every checkout opens a driver connection and every checkin closes it.
class NullPool : public Pool {
 public:
  explicit NullPool(PoolOptions options) : Pool(std::move(options), "NullPool") {}

  void dispose() override {}
  std::string status() const override { return "NullPool"; }
  int checkedout() const override { return out_.load(std::memory_order_relaxed); }

 protected:
  std::shared_ptr<Pool> empty_copy() const override;
  ConnectionPoolEntry* acquire(const std::source_location& where) override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  std::atomic<int> out_{0};
};

// Python's AssertionError, which AssertionPool raises: a program error, not a database one.
class AssertionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// At most one connection checked out at a time; a second checkout throws AssertionError
// "connection is already checked out", naming where the first was made (store_traceback).
class AssertionPool : public Pool {
 public:
  explicit AssertionPool(PoolOptions options, bool store_traceback = true)
      : Pool(std::move(options), "AssertionPool"), store_traceback_(store_traceback) {}
  ~AssertionPool() override;

  void dispose() override;
  std::string status() const override { return "AssertionPool"; }
  int checkedin() const override;
  int checkedout() const override;

 protected:
  std::shared_ptr<Pool> empty_copy() const override;
  ConnectionPoolEntry* acquire(const std::source_location& where) override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  bool store_traceback_;
  mutable std::mutex mutex_;
  std::unique_ptr<ConnectionPoolEntry> entry_ = std::make_unique<ConnectionPoolEntry>();
  bool checked_out_ = false;
  std::source_location checked_out_at_{};
};

}  // namespace athanor
