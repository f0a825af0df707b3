// A driver connection that only counts what the pool does to it, for tests where no database is
// involved (how many were opened, closed, rolled back). `in_transaction` is settable so that the
// pool's reset has something to undo.
#pragma once

#include <athanor/athanor.hpp>
#include <atomic>
#include <memory>
#include <stdexcept>

namespace pool_test {

namespace sa = athanor;

struct FakeCounts {
  std::atomic<int> opened{0}, closed{0}, rollbacks{0}, commits{0};
  int open() const { return opened - closed; }
};

class FakeConnection : public sa::dbapi::Connection {
 public:
  explicit FakeConnection(FakeCounts& counts) : counts_(counts) { ++counts_.opened; }
  ~FakeConnection() override { close(); }

  sa::dbapi::CursorPtr cursor() override { throw std::logic_error("FakeConnection has no cursor"); }
  void commit() override {
    ++counts_.commits;
    in_transaction_ = false;
  }
  void rollback() override {
    ++counts_.rollbacks;
    in_transaction_ = false;
  }
  void close() noexcept override {
    if (closed_) return;
    closed_ = true;
    ++counts_.closed;
  }
  bool closed() const noexcept override { return closed_; }
  bool in_transaction() const noexcept override { return in_transaction_; }
  void set_autocommit(bool) override {}
  bool autocommit() const noexcept override { return false; }
  void close_cursors() noexcept override {}
  void* native_handle() noexcept override { return nullptr; }

  bool in_transaction_ = true;  // the pool's rollback on return is always exercised

 private:
  FakeCounts& counts_;
  bool closed_ = false;
};

// Pool options whose creator makes FakeConnections counted in `counts`.
inline sa::PoolOptions fake_options(FakeCounts& counts) {
  sa::PoolOptions o;
  o.creator = [&counts] { return std::make_unique<FakeConnection>(counts); };
  return o;
}

}  // namespace pool_test
