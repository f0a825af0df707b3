// Invalidation on a real SQLite engine: pre-ping (SPEC §8.5), a disconnect found by the dialect
// during execution (SPEC §9), Engine::dispose(close), and leak detection with the counters.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <athanor/athanor.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "log_capture.hpp"
#include "pool/pool_test_util.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;
using pool_test::TempDb;

namespace {

// Closes the driver connection under the pool's feet, as a server restart would: SQLite then
// answers "Cannot operate on a closed database.", which its dialect judges a disconnect.
void kill(sa::PoolProxiedConnection& proxy) {
  proxy.dbapi_connection()->close();
}

bool contains(const std::vector<std::string>& lines, std::string_view needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST(PoolPrePing, DeadConnectionIsReplacedAndOlderOnesRecycled) {
  TempDb db;
  LogCapture logs;
  auto engine = sa::create_engine(db.url(), {.echo_pool = "debug", .pool_pre_ping = true});
  {
    auto a = engine.raw_connection();
    auto b = engine.raw_connection();
    kill(a);
    a.close();  // FIFO: a, then b, will be handed out
    b.close();
  }
  EXPECT_EQ(engine.pool().counters().connects, 2u);
  {
    auto conn = engine.connect();  // gets a: the ping fails, a fresh connection replaces it
    EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar().as<std::int64_t>(), 1);
    EXPECT_EQ(engine.pool().counters().connects, 3u);
    // b predates the pool invalidation: replaced too, without a ping.
    auto other = engine.connect();
    EXPECT_EQ(engine.pool().counters().connects, 4u);
  }
  const auto lines = logs.messages("athanor.pool.impl.QueuePool");
  EXPECT_TRUE(contains(lines, "failed, will invalidate pool"));
  EXPECT_TRUE(contains(lines,
                       "Disconnection detected on checkout, invalidating all pooled connections "
                       "prior to current timestamp"));
  EXPECT_TRUE(contains(lines, "invalidated due to pool invalidation; recycling"));
  // The replacements are not pinged again.
  { auto again = engine.connect(); }
  EXPECT_EQ(engine.pool().counters().connects, 4u);
}

TEST(PoolPrePing, FreshConnectionIsNotPinged) {
  TempDb db;
  LogCapture logs;
  auto engine = sa::create_engine(db.url(), {.echo_pool = "debug", .pool_pre_ping = true});
  engine.connect().close();
  engine.connect().close();
  const auto lines = logs.messages("athanor.pool.impl.QueuePool");
  EXPECT_TRUE(contains(lines, "is fresh, skipping pre-ping"));
  EXPECT_TRUE(contains(lines, "Pool pre-ping on connection 0x"));
}

TEST(PoolInvalidation, DisconnectDuringExecutionInvalidatesConnectionAndPool) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  { auto a = engine.raw_connection(), b = engine.raw_connection(); }  // two pooled
  auto conn = engine.connect();
  kill(conn.connection());
  try {
    conn.execute(sa::text("SELECT 1"));
    FAIL() << "no error";
  } catch (const sa::exc::DBAPIError& e) {
    EXPECT_TRUE(e.connection_invalidated());
  }
  EXPECT_TRUE(conn.invalidated());
  EXPECT_EQ(engine.pool().counters().invalidations, 1u);
  // The other pooled connection predates the disconnect: replaced at its checkout.
  const auto before = engine.pool().counters().connects;
  engine.raw_connection().close();
  EXPECT_EQ(engine.pool().counters().connects, before + 1);
  // The invalidated Connection reconnects once its transaction is rolled back.
  conn.rollback();
  EXPECT_EQ(conn.execute(sa::text("SELECT 2")).scalar().as<std::int64_t>(), 2);
}

TEST(PoolInvalidation, ConnectionInvalidateReconnectsOnNextUse) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  auto conn = engine.connect();
  conn.execute(sa::text("SELECT 1"));
  conn.rollback();
  conn.invalidate();
  EXPECT_EQ(engine.pool().checkedout(), 0);
  EXPECT_EQ(conn.execute(sa::text("SELECT 3")).scalar().as<std::int64_t>(), 3);
  EXPECT_EQ(engine.pool().counters().connects, 2u);
}

TEST(PoolInvalidation, DisposeWithoutCloseLeavesOldConnectionsOpen) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  int closes = 0;
  sa::event::listen(engine, sa::event::close,
                    [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) { ++closes; });
  sa::dbapi::Connection* pooled;
  {
    auto raw = engine.raw_connection();
    pooled = raw.dbapi_connection();
  }
  sa::Pool* old = &engine.pool();
  engine.dispose(/*close=*/false);
  EXPECT_NE(&engine.pool(), old);
  EXPECT_EQ(closes, 0);
  EXPECT_FALSE(pooled->closed());
  EXPECT_EQ(old->checkedin(), 1);
  engine.dispose();  // the current pool is closed as usual; the old one stays untouched
  EXPECT_FALSE(pooled->closed());
}

TEST(PoolInvalidation, DisposeClosesIdleConnectionsOnly) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  auto held = engine.raw_connection();
  { auto idle = engine.raw_connection(); }
  engine.dispose();
  EXPECT_TRUE(held.is_valid());
  held.cursor()->execute("SELECT 1");
}

TEST(PoolInvalidation, InvalidatingAClosedConnectionWarns) {
  TempDb db;
  auto engine = sa::create_engine(db.url(), {.pool_size = 1});
  LogCapture logs;
  auto raw = engine.raw_connection();
  raw.invalidate(nullptr, /*soft=*/true);
  raw.invalidate();
  EXPECT_FALSE(raw);
  raw.invalidate();  // already returned: nothing
  EXPECT_EQ(engine.pool().counters().invalidations, 2u);
}

TEST(PoolLeakDetection, ReportsEachLeakOnceWithWhereItWasCheckedOut) {
  TempDb db;
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> warnings;
  sa::log::set_sink([&](const sa::log::Record& r) {
    if (r.level != sa::log::Level::warning) return;
    std::lock_guard lock(m);
    EXPECT_EQ(r.logger, "athanor.pool.impl.QueuePool");
    warnings.emplace_back(r.message);
    cv.notify_all();
  });
  {
    auto engine = sa::create_engine(
        db.url(), {.pool_leak_detection_threshold = std::chrono::milliseconds(20)});
    auto leaked = engine.connect();
    const int line = __LINE__ - 1;
    auto returned = engine.raw_connection();
    returned.close();  // returned in time: never reported
    auto later = engine.raw_connection();
    {
      std::unique_lock lock(m);
      // Watched checkouts are reported in checkout order: once the later one is, the first one
      // has had its only chance.
      ASSERT_TRUE(
          cv.wait_for(lock, std::chrono::seconds(10), [&] { return warnings.size() >= 2; }));
      ASSERT_EQ(warnings.size(), 2u);
      EXPECT_NE(warnings[0].find(fmt::format("pool_invalidation_test.cpp:{}", line)),
                std::string::npos)
          << warnings[0];
      EXPECT_TRUE(warnings[0].starts_with("Connection leak detected")) << warnings[0];
    }
  }  // the pool's detector thread ends with the pool
  sa::log::set_sink({});
}

TEST(PoolLeakDetection, OffByDefault) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  EXPECT_EQ(engine.pool().options().leak_detection_threshold.count(), 0);
}

// SQLAlchemy's lines: the reason as "<exception class>:<message>", "Soft " before a soft one.
TEST(PoolInvalidation, LogLinesNameTheReasonsClass) {
  TempDb db;
  LogCapture logs;
  auto engine = sa::create_engine(db.url(), {.echo_pool = true});
  {
    auto conn = engine.raw_connection();
    conn.invalidate(std::make_exception_ptr(sa::exc::DisconnectionError("server went away")),
                    /*soft=*/true);
    conn.invalidate(std::make_exception_ptr(std::runtime_error("broken")));
  }
  std::vector<std::string> lines;
  for (const auto& line : logs.messages("athanor.pool.impl.QueuePool")) {
    if (line.find("nvalidate connection") != std::string::npos) {
      lines.push_back(line.substr(line.find(" (")));
      EXPECT_TRUE(line.starts_with("Soft Invalidate connection 0x") ||
                  line.starts_with("Invalidate connection 0x"))
          << line;
    }
  }
  EXPECT_EQ(lines, (std::vector<std::string>{" (reason: DisconnectionError:server went away)",
                                             " (reason: runtime_error:broken)"}));
}
