// The pool the engine needs: QueuePool accounting, overflow, timeout, reset on return, and
// SingletonThreadPool's one-connection-per-thread rule. Real SQLite connections throughout.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "pool/pool_test_util.hpp"

namespace sa = athanor;
using pool_test::TempDb;

namespace {

struct Status {
  int size, checkedin, overflow, checkedout;
  friend bool operator==(const Status&, const Status&) = default;
};

Status status(const sa::Pool& p) {
  return {p.size(), p.checkedin(), p.overflow(), p.checkedout()};
}

}  // namespace

TEST(QueuePool, CountsFollowSqlalchemysSequence) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 3, .max_overflow = -1});
  std::vector<sa::PoolProxiedConnection> held;
  for (int k = 1; k <= 5; ++k) {
    held.push_back(engine.raw_connection());
    // (size, in, overflow, out) = (3, 0, k - 3, k)
    EXPECT_EQ(status(engine.pool()), (Status{3, 0, k - 3, k})) << k;
  }
  held.clear();
  // Overflow connections are discarded on return; pool_size of them stay.
  EXPECT_EQ(status(engine.pool()), (Status{3, 3, 0, 0}));
  EXPECT_EQ(engine.pool().status(),
            "Pool size: 3  Connections in pool: 3 Current Overflow: 0 Current Checked out "
            "connections: 0");
}

TEST(QueuePool, ExhaustedPoolTimesOutWithSqlalchemysMessage) {
  TempDb dir;
  auto engine = sa::create_engine(
      dir.url(),
      {.pool_size = 1, .max_overflow = 1, .pool_timeout = std::chrono::duration<double>(0.05)});
  auto a = engine.connect();
  auto b = engine.connect();
  try {
    auto c = engine.connect();
    FAIL() << "a third checkout must time out";
  } catch (const sa::exc::TimeoutError& e) {
    EXPECT_STREQ(
        e.what(),
        "QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 0.05");
  }
  b.close();
  auto c = engine.connect();  // a returned connection is handed out again
  EXPECT_FALSE(c.closed());
}

TEST(QueuePool, WaiterGetsTheConnectionReturnedByAnotherThread) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 1, .max_overflow = 0});
  auto held = engine.connect();
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto conn = engine.connect();  // blocks until `held` is closed
    got = true;
  });
  held.close();
  waiter.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(engine.pool().checkedout(), 0);
}

TEST(QueuePool, FailedConnectDoesNotLeakASlot) {
  auto engine = sa::create_engine("sqlite:////nonexistent-dir/athanor/x.db",
                                  {.pool_size = 1, .max_overflow = 0});
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(engine.connect(), sa::exc::OperationalError);
    EXPECT_EQ(engine.pool().checkedout(), 0);
    EXPECT_EQ(engine.pool().overflow(), -1);
  }
}

TEST(QueuePool, ReturnRollsBackWhatWasLeftUncommitted) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 1});
  {
    auto conn = engine.connect();
    conn.execute(sa::text("CREATE TABLE t (x INTEGER)"));
    conn.commit();
  }
  {
    auto raw = engine.raw_connection();
    raw.cursor()->execute("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(raw.dbapi_connection()->in_transaction());
  }  // back to the pool: reset-on-return rolls the insert back
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<int>(), 0);
}

TEST(QueuePool, CommitOnReturnKeepsTheWork) {
  TempDb dir;
  auto engine = sa::create_engine(
      dir.url(), {.pool_size = 1, .pool_reset_on_return = sa::ResetOnReturn::commit});
  {
    auto raw = engine.raw_connection();
    raw.cursor()->execute("CREATE TABLE t (x INTEGER)");
    raw.cursor()->execute("INSERT INTO t VALUES (1)");
  }
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<int>(), 1);
}

TEST(QueuePool, LifoHandsOutTheMostRecentlyReturned) {
  TempDb dir;
  for (bool lifo : {false, true}) {
    auto engine = sa::create_engine(dir.url(), {.pool_size = 2, .pool_use_lifo = lifo});
    auto a = engine.raw_connection();
    auto b = engine.raw_connection();
    void* first = a.native_handle();
    void* second = b.native_handle();
    a.close();
    b.close();
    auto next = engine.raw_connection();
    EXPECT_EQ(next.native_handle(), lifo ? second : first) << "lifo=" << lifo;
  }
}

TEST(QueuePool, InfoSurvivesTheRoundTrip) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 1});
  engine.raw_connection().info()["marker"] = 7;
  EXPECT_EQ(std::any_cast<int>(engine.raw_connection().info()["marker"]), 7);
}

TEST(QueuePool, DisposeClosesIdleConnectionsAndStartsAFreshPool) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 2});
  engine.raw_connection().close();
  EXPECT_EQ(engine.pool().checkedin(), 1);
  auto kept = engine.raw_connection();  // checked out across dispose: returns to the old pool
  engine.dispose();
  EXPECT_EQ(engine.pool().checkedin(), 0);
  EXPECT_EQ(engine.pool().checkedout(), 0);
  kept.close();
  EXPECT_EQ(engine.pool().checkedin(), 0);
}

TEST(SingletonThreadPool, OneConnectionPerThreadSharedWithinTheThread) {
  auto engine = sa::create_engine("sqlite://");
  auto a = engine.connect();
  auto b = engine.connect();
  EXPECT_EQ(a.connection().native_handle(), b.connection().native_handle());
  void* other = nullptr;
  std::thread([&] { other = engine.connect().connection().native_handle(); }).join();
  EXPECT_NE(other, a.connection().native_handle());
}

TEST(SingletonThreadPool, MemoryDatabaseLivesAcrossConnectionsOfOneThread) {
  auto engine = sa::create_engine("sqlite://");
  {
    auto conn = engine.connect();
    conn.execute(sa::text("CREATE TABLE t (x INTEGER)"));
    conn.execute(sa::text("INSERT INTO t VALUES (1)"));
    conn.commit();
  }
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT x FROM t")).scalar_one<int>(), 1);
}

TEST(SingletonThreadPool, RejectsQueuePoolArguments) {
  try {
    sa::create_engine("sqlite://", {.max_overflow = 5});
    FAIL() << "max_overflow is not a SingletonThreadPool argument";
  } catch (const sa::exc::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("Invalid argument(s) 'max_overflow'"), std::string::npos)
        << e.what();
  }
}

// Threads share one engine; the pool hands each connection to one thread at a time and every
// connection comes back. Run under ThreadSanitizer by tools/test.sh.
TEST(PoolThreads, ConcurrentCheckoutsStayWithinLimitsAndAllReturn) {
  TempDb dir;
  auto engine = sa::create_engine(dir.url(), {.pool_size = 2, .max_overflow = 2});
  {
    auto conn = engine.connect();
    conn.execute(sa::text("CREATE TABLE t (x INTEGER)"));
    conn.commit();
  }
  constexpr int threads = 6;
  constexpr int rounds = 150;
  std::atomic<int> in_use{0};
  std::atomic<int> peak{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        auto conn = engine.connect();
        const int now = ++in_use;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        EXPECT_EQ(conn.execute(sa::text("SELECT :v"), {{"v", t * 1000 + i}}).scalar_one<int>(),
                  t * 1000 + i);
        --in_use;
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_LE(peak.load(), 4);  // pool_size + max_overflow
  EXPECT_EQ(engine.pool().checkedout(), 0);
  EXPECT_LE(engine.pool().checkedin(), 2);
}
