#include <fmt/format.h>

#include "athanor/exc.hpp"
#include "athanor/pool/impl.hpp"

namespace athanor {

QueuePool::QueuePool(PoolOptions options)
    : Pool(std::move(options), "QueuePool"), overflow_(-options_.pool_size) {}

QueuePool::~QueuePool() {
  for (ConnectionPoolEntry* entry : idle_) {
    discard_connection(*entry);
    delete entry;
  }
}

bool QueuePool::unlimited_overflow() const noexcept {
  return options_.max_overflow < 0 || options_.pool_size == 0;
}

ConnectionPoolEntry* QueuePool::acquire(const std::source_location&) {
  std::unique_lock lock(mutex_);
  std::optional<std::chrono::steady_clock::time_point> waiting_since;
  for (;;) {
    if (!idle_.empty()) {
      ConnectionPoolEntry* entry;
      if (options_.use_lifo) {
        entry = idle_.back();
        idle_.pop_back();
      } else {
        entry = idle_.front();
        idle_.pop_front();
      }
      count_checkout(*entry);
      if (waiting_since) count_wait(std::chrono::steady_clock::now() - *waiting_since);
      return entry;
    }
    if (unlimited_overflow() || overflow_ < options_.max_overflow) {
      ++overflow_;
      if (waiting_since) count_wait(std::chrono::steady_clock::now() - *waiting_since);
      // The new entry connects outside the lock, in Pool::connect(); a failure there comes
      // back through abandon(), which gives the overflow slot back.
      auto* entry = new ConnectionPoolEntry();
      count_checkout(*entry);
      return entry;
    }
    // Only a thread that has to wait reads the clock.
    const auto now = std::chrono::steady_clock::now();
    if (!waiting_since) waiting_since = now;
    const auto deadline =
        *waiting_since +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.timeout);
    if (now >= deadline) {
      count_wait(now - *waiting_since);
      count_timeout();
      throw exc::TimeoutError(fmt::format(
          "QueuePool limit of size {} overflow {} reached, connection timed out, timeout {:.2f}",
          options_.pool_size, overflow_, options_.timeout.count()));
    }
    ++waiters_;
    returned_.wait_until(lock, deadline);
    --waiters_;
  }
}

void QueuePool::release(ConnectionPoolEntry* entry) noexcept {
  std::unique_lock lock(mutex_);
  const bool full = options_.pool_size > 0 && static_cast<int>(idle_.size()) >= options_.pool_size;
  if (full) {
    // An overflow connection: discarded, not pooled.
    --overflow_;
    lock.unlock();
    close_connection(*entry);
    delete entry;
    lock.lock();
  } else {
    idle_.push_back(entry);
  }
  const bool notify = waiters_ > 0;
  lock.unlock();
  if (notify) returned_.notify_one();
}

void QueuePool::abandon(ConnectionPoolEntry* entry) noexcept {
  if (entry->dbapi_connection()) {
    release(entry);
    return;
  }
  // A slot whose connect failed: free it rather than pool an empty entry.
  std::unique_lock lock(mutex_);
  --overflow_;
  const bool notify = waiters_ > 0;
  lock.unlock();
  delete entry;
  if (notify) returned_.notify_one();
}

void QueuePool::forget(ConnectionPoolEntry* entry) noexcept {
  abandon(entry);
}

void QueuePool::dispose() {
  std::deque<ConnectionPoolEntry*> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
    overflow_ = -options_.pool_size;
  }
  for (ConnectionPoolEntry* entry : closing) {
    close_connection(*entry);
    delete entry;
  }
  log(log::Level::info, "Pool disposed. " + status());
}

std::shared_ptr<Pool> QueuePool::empty_copy() const {
  return std::make_shared<QueuePool>(options_);
}

int QueuePool::checkedin() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(idle_.size());
}

int QueuePool::overflow() const {
  std::lock_guard lock(mutex_);
  return options_.pool_size == 0 ? 0 : overflow_;
}

int QueuePool::checkedout() const {
  std::lock_guard lock(mutex_);
  return options_.pool_size - static_cast<int>(idle_.size()) + overflow_;
}

std::string QueuePool::status() const {
  return fmt::format(
      "Pool size: {}  Connections in pool: {} Current Overflow: {} Current Checked out "
      "connections: {}",
      size(), checkedin(), overflow(), checkedout());
}

}  // namespace athanor
