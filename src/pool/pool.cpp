#include "athanor/pool/pool.hpp"

#include <fmt/format.h>

#include "athanor/dialect.hpp"
#include "athanor/exc.hpp"
#include "athanor/log.hpp"

namespace athanor {

// ---- Pool ---------------------------------------------------------------------------------------

PoolProxiedConnection Pool::connect() {
  ConnectionPoolEntry* entry = acquire();
  if (entry->checkouts_ > 1) return PoolProxiedConnection(shared_from_this(), entry);
  try {
    const auto now = std::chrono::steady_clock::now();
    if (entry->connection_ && options_.recycle.count() >= 0 &&
        now - entry->starttime_ > options_.recycle) {
      log(fmt::format("Connection {} exceeded timeout; recycling",
                      fmt::ptr(entry->connection_.get())));
      close_connection(*entry);
    }
    if (!entry->connection_) connect_entry(*entry);
  } catch (...) {
    entry->checkouts_ = 0;
    abandon(entry);
    throw;
  }
  return PoolProxiedConnection(shared_from_this(), entry);
}

void Pool::connect_entry(ConnectionPoolEntry& entry) {
  entry.info_.clear();
  entry.finalize_callbacks_.clear();
  entry.starttime_ = std::chrono::steady_clock::now();
  entry.connection_ = options_.creator();
  try {
    if (options_.on_connect) options_.on_connect(*entry.connection_, entry);
  } catch (...) {
    close_connection(entry);
    throw;
  }
}

void Pool::close_connection(ConnectionPoolEntry& entry) noexcept {
  if (entry.connection_) entry.connection_->close();
  entry.connection_.reset();
  entry.finalize_callbacks_.clear();
}

void Pool::reset(ConnectionPoolEntry& entry, bool transaction_was_reset) noexcept {
  dbapi::Connection& conn = *entry.connection_;
  try {
    conn.close_cursors();
    switch (options_.reset_on_return) {
      case ResetOnReturn::rollback:
        // Nothing to undo when the caller already rolled back or the driver reports no
        // transaction open: skip the round trip, as SQLAlchemy skips it after a reset.
        if (!transaction_was_reset && conn.in_transaction()) {
          if (options_.dialect) {
            const_cast<Dialect*>(options_.dialect)->do_rollback(conn);
          } else {
            conn.rollback();
          }
        }
        break;
      case ResetOnReturn::commit:
        if (options_.dialect) {
          const_cast<Dialect*>(options_.dialect)->do_commit(conn);
        } else {
          conn.commit();
        }
        break;
      case ResetOnReturn::none:
        break;
    }
    for (auto& callback : entry.finalize_callbacks_) callback(conn);
    entry.finalize_callbacks_.clear();
  } catch (const std::exception& e) {
    log::emit("athanor.pool.impl", log::Level::error,
              fmt::format("Exception during reset or similar: {}", e.what()));
    close_connection(entry);
  }
}

void Pool::checkin(ConnectionPoolEntry* entry, bool transaction_was_reset) noexcept {
  if (--entry->checkouts_ > 0) return;
  if (entry->connection_) reset(*entry, transaction_was_reset);
  release(entry);
}

void Pool::log(std::string_view message) const {
  if (!options_.echo) return;
  std::string name = "athanor.pool.impl";
  log::emit(name, log::Level::info, message);
}

// ---- PoolProxiedConnection ----------------------------------------------------------------------

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
    detached_->connection->close();
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
  if (entry_->checkouts_ > 1) {
    throw exc::InvalidRequestError(
        "Can't detach a connection that is checked out more than once in this thread");
  }
  auto detached = std::make_unique<Detached>();
  detached->connection = std::move(entry_->connection_);
  detached->info = std::move(entry_->info_);
  entry_->info_.clear();
  entry_->checkouts_ = 0;
  entry_->finalize_callbacks_.clear();
  pool_->forget(std::exchange(entry_, nullptr));
  detached_ = std::move(detached);
}

void PoolProxiedConnection::invalidate(std::exception_ptr reason) noexcept {
  (void)reason;
  if (detached_) {
    detached_->connection->close();
    return;
  }
  if (!entry_) return;
  if (entry_->connection_) {
    pool_->log(fmt::format("Invalidate connection {}", fmt::ptr(entry_->connection_.get())));
    Pool::close_connection(*entry_);
  }
}

}  // namespace athanor
