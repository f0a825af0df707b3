// 16 threads × 20,000 checkouts of a QueuePool (pool_size 5, max_overflow 5) with random short
// holds and some invalidations: no connection is ever held by two threads at once, and at the end
// nothing is checked out and every open driver connection is one resting in the pool. Run under
// ThreadSanitizer by tools/test.sh too (about a second there).
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "pool/fake_connection.hpp"

namespace sa = athanor;
using pool_test::FakeConnection;
using pool_test::FakeCounts;

namespace {

// A fake whose owner flag catches two holders at once.
class OwnedConnection : public FakeConnection {
 public:
  using FakeConnection::FakeConnection;
  std::atomic<bool> held{false};
};

constexpr int per_thread = 20000;

}  // namespace

TEST(PoolThreads, StressSixteenThreadsNoDoubleHandout) {
  FakeCounts counts;
  sa::PoolOptions o;
  o.creator = [&counts] { return std::make_unique<OwnedConnection>(counts); };
  o.pool_size = 5;
  o.max_overflow = 5;
  auto pool = std::make_shared<sa::QueuePool>(o);
  std::atomic<int> double_handouts{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      std::minstd_rand rng(static_cast<unsigned>(t) + 1);
      for (int i = 0; i < per_thread; ++i) {
        try {
          auto proxy = pool->connect();
          auto* conn = static_cast<OwnedConnection*>(proxy.dbapi_connection());
          if (conn->held.exchange(true)) ++double_handouts;
          // A hold of up to a few microseconds of busy work.
          const unsigned spins = rng() % 200;
          for (unsigned s = 0; s < spins; ++s) std::atomic_signal_fence(std::memory_order_seq_cst);
          conn->held.store(false);
          // ~1%: closes it and the slot reconnects at its next checkout. Not in a thread's last
          // 100 rounds, so that every invalidated slot is checked out again (FIFO) before the end
          // and the final count compares connected slots.
          if (i < per_thread - 100 && rng() % 100 == 0) proxy.invalidate();
        } catch (const std::exception&) {
          ++failures;  // a TimeoutError would mean a lost slot (30 s timeout)
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(double_handouts, 0);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(pool->checkedout(), 0);
  EXPECT_EQ(counts.open(), pool->checkedin());
  const auto k = pool->counters();
  EXPECT_EQ(k.checkouts, static_cast<std::uint64_t>(16 * per_thread));
  EXPECT_GT(k.invalidations, 0u);
  EXPECT_EQ(k.connects, static_cast<std::uint64_t>(counts.opened.load()));
}
