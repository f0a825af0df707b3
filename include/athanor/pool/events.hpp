// athanor/pool/events.hpp — the pool's event tags (SQLAlchemy's PoolEvents) and its listener
// registry. sa::event::listen(pool or engine, sa::event::checkout, fn) registers them; see
// athanor/event.hpp.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace athanor {

class ConnectionPoolEntry;
class PoolProxiedConnection;
namespace dbapi {
class Connection;
}

// What the reset event knows about the reset to come (SQLAlchemy's PoolResetState).
struct PoolResetState {
  bool transaction_was_reset = false;  // the Connection already rolled back
  bool terminate_only = false;         // the connection is about to be closed anyway
  bool asyncio_safe = true;
};

namespace event {

using ListenerId = std::uint64_t;

enum class PoolKind : int {
  connect,
  first_connect,
  checkout,
  checkin,
  reset,
  invalidate,
  soft_invalidate,
  close,
  detach,
  close_detached,
  count_
};

#define ATHANOR_POOL_EVENT(tag, ...)                     \
  struct tag##_t {                                       \
    using signature = void(__VA_ARGS__);                 \
    static constexpr PoolKind pool_kind = PoolKind::tag; \
  };                                                     \
  inline constexpr tag##_t tag{};

// SQLAlchemy's arguments in SQLAlchemy's order. The driver connection is nullptr where Python
// passes None: checkin after an invalidation; the entry is nullptr for reset of a detached
// connection.
ATHANOR_POOL_EVENT(connect, dbapi::Connection*, ConnectionPoolEntry&)
ATHANOR_POOL_EVENT(first_connect, dbapi::Connection*, ConnectionPoolEntry&)
// May throw exc::DisconnectionError to have the pool replace the connection (SPEC §8.5).
ATHANOR_POOL_EVENT(checkout, dbapi::Connection*, ConnectionPoolEntry&, PoolProxiedConnection&)
ATHANOR_POOL_EVENT(checkin, dbapi::Connection*, ConnectionPoolEntry&)
ATHANOR_POOL_EVENT(reset, dbapi::Connection*, ConnectionPoolEntry*, const PoolResetState&)
ATHANOR_POOL_EVENT(invalidate, dbapi::Connection*, ConnectionPoolEntry&, std::exception_ptr)
ATHANOR_POOL_EVENT(soft_invalidate, dbapi::Connection*, ConnectionPoolEntry&, std::exception_ptr)
ATHANOR_POOL_EVENT(close, dbapi::Connection*, ConnectionPoolEntry&)
ATHANOR_POOL_EVENT(detach, dbapi::Connection*, ConnectionPoolEntry&)
ATHANOR_POOL_EVENT(close_detached, dbapi::Connection*)

#undef ATHANOR_POOL_EVENT

namespace detail {
// One id sequence for engine and pool listeners, so that remove(engine, id) finds either.
ListenerId next_listener_id() noexcept;
}  // namespace detail

// A pool's listeners, copy-on-write so that firing takes no lock; a bit per kind says whether any
// is registered, so a pool without listeners pays one relaxed load per event.
class PoolListeners {
 public:
  PoolListeners() = default;
  PoolListeners(const PoolListeners&) = delete;
  PoolListeners& operator=(const PoolListeners&) = delete;
  // recreate(): the same listeners, with the same ids.
  void copy_from(const PoolListeners& other);

  template <typename Tag>
  bool has(Tag) const noexcept {
    return (mask_.load(std::memory_order_relaxed) >> static_cast<int>(Tag::pool_kind)) & 1u;
  }
  template <typename Tag, typename... Args>
  void fire(Tag tag, Args&&... args) const {
    if (!has(tag)) return;
    const auto set = set_.load();
    for (const auto& entry : (*set)[static_cast<std::size_t>(Tag::pool_kind)]) {
      (*static_cast<std::function<typename Tag::signature>*>(entry.fn.get()))(args...);
    }
  }
  // `fn` holds a std::function of the event's signature.
  ListenerId add(PoolKind kind, std::shared_ptr<void> fn, ListenerId id = 0);
  bool remove(ListenerId id);

 private:
  struct Entry {
    ListenerId id;
    std::shared_ptr<void> fn;
  };
  using Set = std::array<std::vector<Entry>, static_cast<std::size_t>(PoolKind::count_)>;
  std::mutex mutex_;
  std::atomic<std::shared_ptr<const Set>> set_{std::make_shared<const Set>()};
  std::atomic<unsigned> mask_{0};
};

}  // namespace event
}  // namespace athanor
