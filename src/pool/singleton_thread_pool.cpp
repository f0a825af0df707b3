#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "athanor/pool/impl.hpp"

namespace athanor {

namespace {

// Each thread remembers the pools it took a connection from, and hands the connection back for
// closing when the thread ends: a thread's connection is never touched by another thread while
// the thread may still use it.
struct ThreadExitHook {
  std::vector<std::weak_ptr<Pool>> pools;
  ~ThreadExitHook() {
    for (auto& weak : pools) {
      if (auto pool = std::static_pointer_cast<SingletonThreadPool>(weak.lock())) {
        pool->dispose_current_thread();
      }
    }
  }
};
thread_local ThreadExitHook thread_exit_hook;

}  // namespace

SingletonThreadPool::SingletonThreadPool(PoolOptions options)
    : Pool(std::move(options), "SingletonThreadPool") {
  reentrant_ = true;
}

SingletonThreadPool::~SingletonThreadPool() {
  for (auto& [thread, slot] : by_thread_) discard_connection(*slot.entry);
}

ConnectionPoolEntry* SingletonThreadPool::acquire(const std::source_location&) {
  std::vector<std::unique_ptr<ConnectionPoolEntry>> closing;
  ConnectionPoolEntry* entry;
  {
    std::lock_guard lock(mutex_);
    auto [mine, created] = by_thread_.try_emplace(std::this_thread::get_id());
    if (created) {
      closing = take_idle(static_cast<std::size_t>(std::max(options_.pool_size, 0)));
      mine->second.entry = std::make_unique<ConnectionPoolEntry>();
      auto& pools = thread_exit_hook.pools;
      std::erase_if(pools, [](const std::weak_ptr<Pool>& pool) { return pool.expired(); });
      const auto self = weak_from_this();
      if (std::none_of(pools.begin(), pools.end(), [&](const std::weak_ptr<Pool>& pool) {
            return !pool.owner_before(self) && !self.owner_before(pool);
          })) {
        pools.push_back(self);
      }
    }
    mine->second.idle = false;
    entry = mine->second.entry.get();
    count_checkout(*entry);
  }
  // Outside the lock: the close listeners may look at the pool.
  for (auto& other : closing) close_connection(*other);
  return entry;
}

std::vector<std::unique_ptr<ConnectionPoolEntry>> SingletonThreadPool::take_idle(
    std::size_t limit) {
  std::vector<std::unique_ptr<ConnectionPoolEntry>> taken;
  for (auto it = by_thread_.begin(); it != by_thread_.end() && by_thread_.size() > limit;) {
    if (it->second.idle) {
      taken.push_back(std::move(it->second.entry));
      it = by_thread_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

void SingletonThreadPool::release(ConnectionPoolEntry* entry) noexcept {
  std::lock_guard lock(mutex_);
  // Normally the calling thread's own entry; a Connection moved to another thread is found too.
  auto it = by_thread_.find(std::this_thread::get_id());
  if (it == by_thread_.end() || it->second.entry.get() != entry) {
    it = std::find_if(by_thread_.begin(), by_thread_.end(),
                      [&](const auto& item) { return item.second.entry.get() == entry; });
  }
  if (it != by_thread_.end()) it->second.idle = true;
}

void SingletonThreadPool::forget(ConnectionPoolEntry* entry) noexcept {
  std::lock_guard lock(mutex_);
  std::erase_if(by_thread_, [&](const auto& item) { return item.second.entry.get() == entry; });
}

void SingletonThreadPool::dispose_current_thread() noexcept {
  std::unique_ptr<ConnectionPoolEntry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = by_thread_.find(std::this_thread::get_id());
    if (it == by_thread_.end()) return;
    entry = std::move(it->second.entry);
    by_thread_.erase(it);
  }
  // At thread exit: quietly, as the listeners may belong to objects of that thread.
  discard_connection(*entry);
}

void SingletonThreadPool::dispose() {
  std::vector<std::unique_ptr<ConnectionPoolEntry>> closing;
  {
    std::lock_guard lock(mutex_);
    // Connections checked out right now stay with their threads; the idle ones are closed (to
    // take one again, its thread needs this lock and finds it gone).
    closing = take_idle(0);
  }
  for (auto& entry : closing) close_connection(*entry);
}

std::shared_ptr<Pool> SingletonThreadPool::empty_copy() const {
  return std::make_shared<SingletonThreadPool>(options_);
}

int SingletonThreadPool::checkedin() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [thread, slot] : by_thread_) {
    n += slot.idle && slot.entry->dbapi_connection() != nullptr;
  }
  return n;
}

int SingletonThreadPool::checkedout() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [thread, slot] : by_thread_) n += !slot.idle;
  return n;
}

std::string SingletonThreadPool::status() const {
  std::lock_guard lock(mutex_);
  return fmt::format("SingletonThreadPool id:{} size: {}", fmt::ptr(this), by_thread_.size());
}

}  // namespace athanor
