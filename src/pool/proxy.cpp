// PoolProxiedConnection (the checked-out connection) and the pool listener registry.
#include <fmt/format.h>

#include "athanor/exc.hpp"
#include "athanor/pool/pool.hpp"

namespace athanor {

PoolProxiedConnection::PoolProxiedConnection(PoolProxiedConnection&& other) noexcept
    : pool_(std::move(other.pool_)),
      entry_(std::exchange(other.entry_, nullptr)),
      detached_(std::move(other.detached_)) {}

PoolProxiedConnection& PoolProxiedConnection::operator=(PoolProxiedConnection&& other) noexcept {
  if (this != &other) {
    close();
    pool_ = std::move(other.pool_);
    entry_ = std::exchange(other.entry_, nullptr);
    detached_ = std::move(other.detached_);
  }
  return *this;
}

dbapi::Connection* PoolProxiedConnection::dbapi_connection() const noexcept {
  if (detached_) return detached_->connection.get();
  return entry_ ? entry_->connection_.get() : nullptr;
}

dbapi::Connection& PoolProxiedConnection::live() {
  dbapi::Connection* c = dbapi_connection();
  if (!c) throw exc::InvalidRequestError("This connection is closed");
  return *c;
}

dbapi::CursorPtr PoolProxiedConnection::cursor() {
  return live().cursor();
}
void PoolProxiedConnection::commit() {
  live().commit();
}
void PoolProxiedConnection::rollback() {
  live().rollback();
}
void* PoolProxiedConnection::native_handle() {
  return live().native_handle();
}

Info& PoolProxiedConnection::info() {
  if (detached_) return detached_->info;
  if (!entry_) throw exc::InvalidRequestError("This connection is closed");
  return entry_->info_;
}

void PoolProxiedConnection::close(bool transaction_was_reset) noexcept {
  if (detached_) {
    // SPEC §8.3: a detached connection is reset like a pooled one, then really closed.
    if (dbapi::Connection* conn = detached_->connection.get(); conn && !conn->closed()) {
      pool_->reset(*conn, nullptr, transaction_was_reset);
      try {
        pool_->listeners_.fire(event::close_detached, conn);
      } catch (const std::exception& e) {
        pool_->log(log::Level::error,
                   fmt::format("Exception in close_detached listener: {}", e.what()));
      }
      conn->close();
    }
    detached_.reset();
    pool_.reset();
    return;
  }
  if (!entry_) return;
  pool_->checkin(std::exchange(entry_, nullptr), transaction_was_reset);
  pool_.reset();
}

void PoolProxiedConnection::detach() {
  if (!entry_) return;
  if (entry_->checkouts_.load(std::memory_order_relaxed) > 1) {
    throw exc::InvalidRequestError(
        "Can't detach a connection that is checked out more than once in this thread");
  }
  pool_->unwatch(*entry_);
  auto detached = std::make_unique<Detached>();
  detached->connection = std::move(entry_->connection_);
  detached->info = std::move(entry_->info_);
  entry_->info_.clear();
  entry_->finalize_callbacks_.clear();
  if (detached->connection) {
    try {
      pool_->listeners_.fire(event::detach, detached->connection.get(), *entry_);
    } catch (...) {
      entry_->connection_ = std::move(detached->connection);
      throw;
    }
  }
  entry_->checkouts_.store(0, std::memory_order_relaxed);
  pool_->forget(std::exchange(entry_, nullptr));
  detached_ = std::move(detached);
}

void PoolProxiedConnection::invalidate(std::exception_ptr reason, bool soft) noexcept {
  if (detached_) {
    if (!soft && detached_->connection) detached_->connection->close();
    return;
  }
  if (!entry_) return;
  if (!entry_->connection_) {
    pool_->log(log::Level::warning, "Can't invalidate an already-closed connection.");
    return;
  }
  pool_->invalidate_entry(*entry_, std::move(reason), soft);
  // A hard invalidation returns the slot at once (checkin with no connection, no reset).
  if (!soft) close();
}

// ---- listeners --------------------------------------------------------------------------------

namespace event {

namespace detail {
ListenerId next_listener_id() noexcept {
  static std::atomic<ListenerId> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace detail

void PoolListeners::copy_from(const PoolListeners& other) {
  std::lock_guard lock(mutex_);
  set_.store(other.set_.load());
  mask_.store(other.mask_.load());
}

ListenerId PoolListeners::add(PoolKind kind, std::shared_ptr<void> fn, ListenerId id) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Set>(*set_.load());
  if (id == 0) id = detail::next_listener_id();
  (*next)[static_cast<std::size_t>(kind)].push_back({id, std::move(fn)});
  set_.store(std::move(next));
  mask_.fetch_or(1u << static_cast<int>(kind));
  return id;
}

bool PoolListeners::remove(ListenerId id) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Set>(*set_.load());
  bool found = false;
  unsigned mask = 0;
  for (std::size_t k = 0; k < next->size(); ++k) {
    auto& list = (*next)[k];
    found |= std::erase_if(list, [&](const Entry& e) { return e.id == id; }) > 0;
    if (!list.empty()) mask |= 1u << k;
  }
  set_.store(std::move(next));
  mask_.store(mask);
  return found;
}

}  // namespace event
}  // namespace athanor
