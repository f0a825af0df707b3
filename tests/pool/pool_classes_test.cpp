// The five pool classes: selection through create_engine, status() strings, accounting,
// recreate(), and SPEC §8.7's reset/close sequences (counted on a fake driver connection).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <athanor/athanor.hpp>
#include <thread>

#include "pool/fake_connection.hpp"
#include "pool/pool_test_util.hpp"

namespace sa = athanor;
using pool_test::FakeConnection;
using pool_test::FakeCounts;
using pool_test::TempDb;

namespace {

template <typename P>
std::shared_ptr<P> fake_pool(FakeCounts& counts, sa::PoolOptions o = {}) {
  sa::PoolOptions base = pool_test::fake_options(counts);
  o.creator = base.creator;
  return std::make_shared<P>(std::move(o));
}

// connect, close, dispose, recreate, connect, close — SPEC §8.7's call sequence.
template <typename P>
std::pair<int, int> reset_close_sequence(FakeCounts& counts) {
  auto pool = fake_pool<P>(counts);
  pool->connect().close();
  const int rollbacks_after_first = counts.rollbacks;
  pool->dispose();
  auto second = pool->recreate();
  second->connect().close();
  EXPECT_EQ(rollbacks_after_first, 1);
  return {counts.rollbacks.load(), counts.closed.load()};
}

}  // namespace

TEST(PoolClasses, CreateEngineSelectsThePoolClass) {
  TempDb db;
  EXPECT_NE(dynamic_cast<sa::QueuePool*>(&sa::create_engine(db.url()).pool()), nullptr);
  EXPECT_NE(dynamic_cast<sa::SingletonThreadPool*>(&sa::create_engine("sqlite://").pool()),
            nullptr);
  EXPECT_NE(dynamic_cast<sa::StaticPool*>(
                &sa::create_engine(db.url(), {.poolclass = sa::PoolClass::static_}).pool()),
            nullptr);
  EXPECT_NE(dynamic_cast<sa::NullPool*>(
                &sa::create_engine(db.url(), {.poolclass = sa::PoolClass::null}).pool()),
            nullptr);
  EXPECT_NE(dynamic_cast<sa::AssertionPool*>(
                &sa::create_engine(db.url(), {.poolclass = sa::PoolClass::assertion}).pool()),
            nullptr);
}

TEST(PoolClasses, StatusStrings) {
  TempDb db;
  EXPECT_EQ(sa::create_engine(db.url(), {.poolclass = sa::PoolClass::null}).pool().status(),
            "NullPool");
  EXPECT_EQ(sa::create_engine(db.url(), {.poolclass = sa::PoolClass::static_}).pool().status(),
            "StaticPool");
  EXPECT_EQ(sa::create_engine(db.url(), {.poolclass = sa::PoolClass::assertion}).pool().status(),
            "AssertionPool");
  auto singleton = sa::create_engine("sqlite://");
  auto conn = singleton.connect();
  EXPECT_EQ(singleton.pool().status(),
            fmt::format("SingletonThreadPool id:{} size: 1", fmt::ptr(&singleton.pool())));
}

TEST(PoolClasses, ResetAndCloseSequencesPerClass) {
  // R, CL, R for the pooling classes; NullPool closes on every checkin: R, CL, R, CL.
  {
    FakeCounts c;
    EXPECT_EQ(reset_close_sequence<sa::QueuePool>(c), std::make_pair(2, 1));
  }
  {
    FakeCounts c;
    EXPECT_EQ(reset_close_sequence<sa::AssertionPool>(c), std::make_pair(2, 1));
  }
  {
    FakeCounts c;
    EXPECT_EQ(reset_close_sequence<sa::StaticPool>(c), std::make_pair(2, 1));
  }
  {
    FakeCounts c;
    EXPECT_EQ(reset_close_sequence<sa::NullPool>(c), std::make_pair(2, 2));
  }
}

TEST(PoolClasses, SingletonThreadPoolResetCloseSequence) {
  FakeCounts c;
  // Its records are per thread, so the sequence runs in one thread, as SQLAlchemy's test does.
  std::thread([&] { EXPECT_EQ(reset_close_sequence<sa::SingletonThreadPool>(c).first, 2); }).join();
  EXPECT_EQ(c.open(), 0);
}

TEST(NullPool, NewConnectionPerCheckoutClosedOnReturn) {
  FakeCounts c;
  auto pool = fake_pool<sa::NullPool>(c);
  {
    auto a = pool->connect();
    auto b = pool->connect();
    EXPECT_NE(a.dbapi_connection(), b.dbapi_connection());
    EXPECT_EQ(pool->checkedout(), 2);
    EXPECT_EQ(c.open(), 2);
  }
  EXPECT_EQ(c.open(), 0);
  EXPECT_EQ(pool->checkedout(), 0);
}

TEST(StaticPool, OneConnectionSharedByEveryCheckout) {
  FakeCounts c;
  auto pool = fake_pool<sa::StaticPool>(c);
  auto a = pool->connect();
  auto b = pool->connect();
  EXPECT_EQ(a.dbapi_connection(), b.dbapi_connection());
  a.close();
  b.close();
  EXPECT_EQ(c.opened, 1);
  EXPECT_EQ(c.closed, 0);  // checkin does not close
  EXPECT_EQ(pool->checkedin(), 1);
}

TEST(StaticPool, InvalidatedConnectionIsReplaced) {
  FakeCounts c;
  auto pool = fake_pool<sa::StaticPool>(c);
  auto a = pool->connect();
  auto* first = a.dbapi_connection();
  a.invalidate();
  EXPECT_EQ(c.closed, 1);
  auto b = pool->connect();
  EXPECT_EQ(c.opened, 2);
  EXPECT_TRUE(b.is_valid());
  (void)first;
}

TEST(StaticPool, MemoryDatabaseSharedAcrossThreads) {
  auto engine = sa::create_engine("sqlite://", {.poolclass = sa::PoolClass::static_});
  {
    auto conn = engine.connect();
    conn.execute(sa::text("CREATE TABLE t (x INTEGER)"));
    conn.execute(sa::text("INSERT INTO t VALUES (7)"));
    conn.commit();
  }
  std::thread([&] {
    auto conn = engine.connect();
    EXPECT_EQ(conn.execute(sa::text("SELECT x FROM t")).scalar_one().as<std::int64_t>(), 7);
  }).join();
}

TEST(AssertionPool, SecondCheckoutNamesWhereTheFirstWasMade) {
  FakeCounts c;
  auto pool = fake_pool<sa::AssertionPool>(c);
  auto a = pool->connect();
  const int line = __LINE__ - 1;
  try {
    pool->connect();
    FAIL() << "no AssertionError";
  } catch (const sa::AssertionError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(what.starts_with("connection is already checked out at:\n")) << what;
    EXPECT_NE(what.find(fmt::format("pool_classes_test.cpp:{}", line)), std::string::npos) << what;
  }
  a.close();
  EXPECT_NO_THROW(pool->connect());
}

TEST(AssertionPool, WithoutTracebackOnlyTheMessage) {
  FakeCounts c;
  sa::PoolOptions o = pool_test::fake_options(c);
  auto pool = std::make_shared<sa::AssertionPool>(o, /*store_traceback=*/false);
  auto a = pool->connect();
  EXPECT_THROW(
      {
        try {
          pool->connect();
        } catch (const sa::AssertionError& e) {
          EXPECT_STREQ(e.what(), "connection is already checked out");
          throw;
        }
      },
      sa::AssertionError);
}

TEST(PoolClasses, RecreateKeepsClassOptionsAndListeners) {
  FakeCounts c;
  sa::PoolOptions o;
  o.pool_size = 2;
  o.max_overflow = 1;
  o.timeout = std::chrono::duration<double>(0);
  o.use_lifo = true;
  o.recycle = std::chrono::duration<double>(12);
  o.pre_ping = true;
  o.logging_name = "mine";
  o.reset_on_return = sa::ResetOnReturn::commit;
  auto pool = fake_pool<sa::QueuePool>(c, o);
  int connects = 0;
  sa::event::listen(*pool, sa::event::connect,
                    [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) { ++connects; });
  auto again = pool->recreate();
  ASSERT_NE(dynamic_cast<sa::QueuePool*>(again.get()), nullptr);
  const auto& r = again->options();
  EXPECT_EQ(r.pool_size, 2);
  EXPECT_EQ(r.max_overflow, 1);
  EXPECT_EQ(r.timeout.count(), 0);
  EXPECT_TRUE(r.use_lifo);
  EXPECT_EQ(r.recycle.count(), 12);
  EXPECT_TRUE(r.pre_ping);
  EXPECT_EQ(r.reset_on_return, sa::ResetOnReturn::commit);
  EXPECT_EQ(again->logger(), "athanor.pool.impl.QueuePool.mine");
  again->connect().close();
  EXPECT_EQ(connects, 1);
  EXPECT_EQ(c.commits, 1);
}

TEST(QueuePool, ZeroTimeoutRaisesAtOnceAndCountsIt) {
  FakeCounts c;
  sa::PoolOptions o;
  o.pool_size = 1;
  o.max_overflow = 0;
  o.timeout = std::chrono::duration<double>(0);
  auto pool = fake_pool<sa::QueuePool>(c, o);
  auto held = pool->connect();
  try {
    pool->connect();
    FAIL() << "no TimeoutError";
  } catch (const sa::exc::TimeoutError& e) {
    EXPECT_STREQ(
        e.what(),
        "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00");
    EXPECT_EQ(e.code(), "3o7r");
  }
  EXPECT_EQ(pool->counters().timeouts, 1u);
  EXPECT_EQ(pool->counters().checkouts, 1u);
}

TEST(QueuePool, PoolSizeZeroKeepsEveryReturnedConnection) {
  FakeCounts c;
  sa::PoolOptions o;
  o.pool_size = 0;
  auto pool = fake_pool<sa::QueuePool>(c, o);
  {
    std::vector<sa::PoolProxiedConnection> held;
    for (int i = 0; i < 20; ++i) held.push_back(pool->connect());
    EXPECT_EQ(pool->overflow(), 0);
  }
  EXPECT_EQ(pool->checkedin(), 20);
  EXPECT_EQ(c.closed, 0);
}

TEST(QueuePool, RecycleIsStrictlyOlderThanTheLimit) {
  FakeCounts c;
  sa::PoolOptions o;
  o.recycle = std::chrono::duration<double>(0);
  auto pool = fake_pool<sa::QueuePool>(c, o);
  pool->connect().close();
  // Any measurable age is > 0: the next checkout replaces the connection.
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() == start) {
  }
  pool->connect().close();
  EXPECT_EQ(c.opened, 2);
  EXPECT_EQ(c.closed, 1);

  FakeCounts c2;
  o.recycle = std::chrono::duration<double>(3600);
  auto kept = fake_pool<sa::QueuePool>(c2, o);
  kept->connect().close();
  kept->connect().close();
  EXPECT_EQ(c2.opened, 1);
}

TEST(QueuePool, ResetOnReturnNoneLeavesTheTransaction) {
  FakeCounts c;
  sa::PoolOptions o;
  o.reset_on_return = sa::ResetOnReturn::none;
  auto pool = fake_pool<sa::QueuePool>(c, o);
  pool->connect().close();
  EXPECT_EQ(c.rollbacks, 0);
  EXPECT_EQ(c.commits, 0);
}

TEST(QueuePool, TransactionAlreadyResetSkipsTheRollback) {
  FakeCounts c;
  auto pool = fake_pool<sa::QueuePool>(c);
  pool->connect().close(/*transaction_was_reset=*/true);
  EXPECT_EQ(c.rollbacks, 0);
}

TEST(QueuePool, CountersTrackConnectsCheckoutsAndWaits) {
  FakeCounts c;
  sa::PoolOptions o;
  o.pool_size = 1;
  o.max_overflow = 0;
  auto pool = fake_pool<sa::QueuePool>(c, o);
  auto held = pool->connect();
  std::atomic<bool> waiting{false};
  std::thread waiter([&] {
    waiting = true;
    pool->connect().close();
  });
  // The waiter may not have blocked yet when we return the connection; either way it gets it.
  while (!waiting) std::this_thread::yield();
  held.close();
  waiter.join();
  const sa::PoolCounters k = pool->counters();
  EXPECT_EQ(k.checkouts, 2u);
  EXPECT_EQ(k.connects, 1u);
  EXPECT_EQ(k.timeouts, 0u);
  EXPECT_EQ(k.invalidations, 0u);
  EXPECT_GE(k.wait_time.count(), 0);
}
