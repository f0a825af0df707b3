// athanor/pool/impl.hpp — the pool classes (SQLAlchemy's pool/impl.py).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

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
  std::shared_ptr<Pool> recreate() const override;
  std::string status() const override;
  int size() const override { return options_.pool_size; }
  int checkedin() const override;
  int checkedout() const override;
  int overflow() const override;

 protected:
  ConnectionPoolEntry* acquire() override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void abandon(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  bool unlimited_overflow() const noexcept;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::deque<ConnectionPoolEntry*> idle_;
  int overflow_;  // connections beyond pool_size; starts at -pool_size, as SQLAlchemy counts
};

// One connection per thread: a thread that checks out again while it holds its connection gets
// the same one, and only the last close returns it.
class SingletonThreadPool : public Pool {
 public:
  explicit SingletonThreadPool(PoolOptions options) : Pool(std::move(options)) {}
  ~SingletonThreadPool() override;

  void dispose() override;
  std::shared_ptr<Pool> recreate() const override;
  std::string status() const override;
  int size() const override { return options_.pool_size; }
  int checkedin() const override;
  int checkedout() const override;
  // Closes the calling thread's connection; run when a thread that used the pool ends.
  void dispose_current_thread() noexcept;

 protected:
  ConnectionPoolEntry* acquire() override;
  void release(ConnectionPoolEntry* entry) noexcept override;
  void forget(ConnectionPoolEntry* entry) noexcept override;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<ConnectionPoolEntry>> by_thread_;
};

}  // namespace athanor
