// Pools shared between threads: StaticPool's single connection reconnected once however many
// threads ask at the same time, SingletonThreadPool making room at pool_size, and an engine's
// pools replaced by dispose() while other threads connect.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "pool/fake_connection.hpp"
#include "pool/pool_test_util.hpp"

namespace sa = athanor;
using pool_test::FakeCounts;
using pool_test::TempDb;

namespace {

// Counts the pool's "close" events.
void count_closes(sa::Pool& pool, std::atomic<int>& closes) {
  sa::event::listen(pool, sa::event::close,
                    [&closes](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) { ++closes; });
}

// A SingletonThreadPool of fake connections with room for `size` threads.
std::shared_ptr<sa::SingletonThreadPool> singleton_pool(FakeCounts& counts, int size) {
  sa::PoolOptions o = pool_test::fake_options(counts);
  o.pool_size = size;
  return std::make_shared<sa::SingletonThreadPool>(std::move(o));
}

}  // namespace

TEST(StaticPool, ThreadsCheckingOutAfterAnInvalidationReconnectOnce) {
  FakeCounts counts;
  sa::PoolOptions o = pool_test::fake_options(counts);
  // Every checkout shares the connection: a reset on return would run in several threads on it.
  o.reset_on_return = sa::ResetOnReturn::none;
  auto make = o.creator;
  // A slow connect keeps the window open for a second, unserialised reconnect.
  o.creator = [make] {
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
    return make();
  };
  auto pool = std::make_shared<sa::StaticPool>(std::move(o));
  pool->connect().invalidate();
  ASSERT_EQ(counts.opened, 1);
  ASSERT_EQ(counts.closed, 1);

  constexpr int threads = 8;
  std::latch start(threads);
  std::vector<sa::dbapi::Connection*> seen(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      start.arrive_and_wait();
      seen[static_cast<std::size_t>(t)] = pool->connect().dbapi_connection();
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(counts.opened, 2);
  EXPECT_EQ(counts.closed, 1);
  for (auto* conn : seen) EXPECT_EQ(conn, seen.front());
}

TEST(SingletonThreadPool, AtPoolSizeClosesAnIdleConnectionOfAnotherThread) {
  FakeCounts counts;
  auto pool = singleton_pool(counts, 2);
  std::atomic<int> closes = 0;
  count_closes(*pool, closes);
  std::latch returned(2), finish(1);
  auto worker = [&] {
    pool->connect().close();
    returned.count_down();
    finish.wait();  // the thread's connection stays in the pool while it lives
  };
  std::thread a(worker), b(worker);
  returned.wait();
  EXPECT_EQ(pool->checkedin(), 2);

  auto mine = pool->connect();
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(counts.closed, 1);
  EXPECT_EQ(pool->checkedin(), 1);
  EXPECT_EQ(pool->checkedout(), 1);
  finish.count_down();
  a.join();
  b.join();
}

TEST(SingletonThreadPool, AtPoolSizeLeavesConnectionsOtherThreadsHold) {
  FakeCounts counts;
  auto pool = singleton_pool(counts, 1);
  std::atomic<int> closes = 0;
  count_closes(*pool, closes);
  std::latch held(1), finish(1);
  std::thread holder([&] {
    auto conn = pool->connect();
    held.count_down();
    finish.wait();
  });
  held.wait();

  auto mine = pool->connect();  // beyond pool_size: the other thread's connection is in use
  EXPECT_EQ(closes, 0);
  EXPECT_EQ(counts.open(), 2);
  EXPECT_EQ(pool->checkedout(), 2);
  finish.count_down();
  holder.join();
}

TEST(PoolDispose, ConnectionCheckedOutAcrossEngineDisposeIsClosedWhenReturned) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  std::atomic<int> closes = 0;
  count_closes(engine.pool(), closes);
  auto kept = engine.raw_connection();
  { auto idle = engine.raw_connection(); }
  engine.dispose();
  EXPECT_EQ(closes, 1);  // the idle one
  EXPECT_TRUE(kept.is_valid());
  kept.cursor()->execute("SELECT 1");
  kept.close();
  EXPECT_EQ(closes, 2);  // the replaced pool keeps nothing
}

TEST(PoolDispose, EngineConnectWhileAnotherThreadDisposes) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  constexpr int threads = 4;
  std::atomic<bool> stop = false;
  std::vector<std::thread> workers;
  std::atomic<long> cycles = 0;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (!stop) {
        auto conn = engine.connect();
        conn.exec_driver_sql("SELECT 1");
        ++cycles;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    engine.dispose();
    // Each replacement overlaps some connects.
    for (const long seen = cycles; cycles < seen + threads;) std::this_thread::yield();
  }
  stop = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(engine.pool().checkedout(), 0);
}
