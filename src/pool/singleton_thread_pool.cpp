#include <fmt/format.h>

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
  for (auto& [thread, entry] : by_thread_) discard_connection(*entry);
}

ConnectionPoolEntry* SingletonThreadPool::acquire(const std::source_location&) {
  std::lock_guard lock(mutex_);
  auto& slot = by_thread_[std::this_thread::get_id()];
  if (!slot) {
    slot = std::make_unique<ConnectionPoolEntry>();
    thread_exit_hook.pools.push_back(weak_from_this());
  }
  count_checkout(*slot);
  return slot.get();
}

void SingletonThreadPool::release(ConnectionPoolEntry*) noexcept {}

void SingletonThreadPool::forget(ConnectionPoolEntry* entry) noexcept {
  std::lock_guard lock(mutex_);
  std::erase_if(by_thread_, [&](const auto& item) { return item.second.get() == entry; });
}

void SingletonThreadPool::dispose_current_thread() noexcept {
  std::unique_ptr<ConnectionPoolEntry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = by_thread_.find(std::this_thread::get_id());
    if (it == by_thread_.end()) return;
    entry = std::move(it->second);
    by_thread_.erase(it);
  }
  // At thread exit: quietly, as the listeners may belong to objects of that thread.
  discard_connection(*entry);
}

void SingletonThreadPool::dispose() {
  std::lock_guard lock(mutex_);
  // Connections checked out right now stay with their threads; the rest are closed. Another
  // thread's idle entry is safe to close here: it is not in use, and taking it again needs this
  // lock.
  std::erase_if(by_thread_, [this](auto& item) {
    if (item.second->in_use()) return false;
    close_connection(*item.second);
    return true;
  });
}

std::shared_ptr<Pool> SingletonThreadPool::recreate() const {
  log(log::Level::info, "Pool recreating");
  auto pool = std::make_shared<SingletonThreadPool>(options_);
  pool->listeners_.copy_from(listeners_);
  return pool;
}

int SingletonThreadPool::checkedin() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [thread, entry] : by_thread_) {
    n += !entry->in_use() && entry->dbapi_connection() != nullptr;
  }
  return n;
}

int SingletonThreadPool::checkedout() const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& [thread, entry] : by_thread_) n += entry->in_use();
  return n;
}

std::string SingletonThreadPool::status() const {
  std::lock_guard lock(mutex_);
  return fmt::format("SingletonThreadPool id:{} size: {}", fmt::ptr(this), by_thread_.size());
}

}  // namespace athanor
