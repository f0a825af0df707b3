// StaticPool, NullPool and AssertionPool: pools of at most one entry per checkout or in all.
#include <fmt/format.h>

#include "athanor/pool/impl.hpp"

namespace athanor {

// ---- StaticPool -------------------------------------------------------------------------------

StaticPool::~StaticPool() {
  discard_connection(*entry_);
}

ConnectionPoolEntry* StaticPool::acquire(const std::source_location&) {
  std::lock_guard lock(mutex_);
  count_checkout(*entry_);
  return entry_.get();
}

void StaticPool::release(ConnectionPoolEntry*) noexcept {}

void StaticPool::forget(ConnectionPoolEntry*) noexcept {
  // The detached connection left with its holder; later checkouts get a new one.
  std::lock_guard lock(mutex_);
  entry_ = std::make_unique<ConnectionPoolEntry>();
}

void StaticPool::dispose() {
  std::lock_guard lock(mutex_);
  if (!entry_->in_use()) close_connection(*entry_);
}

std::shared_ptr<Pool> StaticPool::empty_copy() const {
  return std::make_shared<StaticPool>(options_);
}

int StaticPool::checkedin() const {
  std::lock_guard lock(mutex_);
  return !entry_->in_use() && entry_->dbapi_connection() ? 1 : 0;
}

int StaticPool::checkedout() const {
  std::lock_guard lock(mutex_);
  return entry_->in_use() ? 1 : 0;
}

// ---- NullPool ---------------------------------------------------------------------------------

ConnectionPoolEntry* NullPool::acquire(const std::source_location&) {
  auto* entry = new ConnectionPoolEntry();
  count_checkout(*entry);
  out_.fetch_add(1, std::memory_order_relaxed);
  return entry;
}

void NullPool::release(ConnectionPoolEntry* entry) noexcept {
  close_connection(*entry);
  delete entry;
  out_.fetch_sub(1, std::memory_order_relaxed);
}

void NullPool::forget(ConnectionPoolEntry* entry) noexcept {
  release(entry);
}

std::shared_ptr<Pool> NullPool::empty_copy() const {
  return std::make_shared<NullPool>(options_);
}

// ---- AssertionPool ----------------------------------------------------------------------------

AssertionPool::~AssertionPool() {
  discard_connection(*entry_);
}

ConnectionPoolEntry* AssertionPool::acquire(const std::source_location& where) {
  std::lock_guard lock(mutex_);
  if (checked_out_) {
    std::string message = "connection is already checked out";
    if (store_traceback_) {
      message += fmt::format(" at:\n{}:{} in {}", checked_out_at_.file_name(),
                             checked_out_at_.line(), checked_out_at_.function_name());
    }
    throw AssertionError(message);
  }
  checked_out_ = true;
  checked_out_at_ = where;
  count_checkout(*entry_);
  return entry_.get();
}

void AssertionPool::release(ConnectionPoolEntry*) noexcept {
  std::lock_guard lock(mutex_);
  checked_out_ = false;
}

void AssertionPool::forget(ConnectionPoolEntry*) noexcept {
  std::lock_guard lock(mutex_);
  entry_ = std::make_unique<ConnectionPoolEntry>();
  checked_out_ = false;
}

void AssertionPool::dispose() {
  std::lock_guard lock(mutex_);
  // A checked-out connection stays with its holder, as in every pool here.
  if (!checked_out_) close_connection(*entry_);
}

std::shared_ptr<Pool> AssertionPool::empty_copy() const {
  return std::make_shared<AssertionPool>(options_, store_traceback_);
}

int AssertionPool::checkedin() const {
  std::lock_guard lock(mutex_);
  return !checked_out_ && entry_->dbapi_connection() ? 1 : 0;
}

int AssertionPool::checkedout() const {
  std::lock_guard lock(mutex_);
  return checked_out_ ? 1 : 0;
}

}  // namespace athanor
