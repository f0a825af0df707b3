// Pool events (SPEC §10.3) on a real SQLite engine: argument lists, orders, DisconnectionError
// from checkout, listeners that survive dispose(), and echo_pool's lines (SPEC §8.8).
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <string>
#include <vector>

#include "log_capture.hpp"
#include "pool/pool_test_util.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;
using pool_test::TempDb;

namespace {

// Records the pool events of `engine` by name.
struct Recorder {
  std::vector<std::string> seen;
  void attach(sa::Engine& engine) {
    namespace ev = sa::event;
    using C = sa::dbapi::Connection*;
    using E = sa::ConnectionPoolEntry&;
    ev::listen(engine, ev::first_connect, [this](C, E) { seen.push_back("first_connect"); });
    ev::listen(engine, ev::connect, [this](C, E) { seen.push_back("connect"); });
    ev::listen(engine, ev::checkout,
               [this](C, E, sa::PoolProxiedConnection&) { seen.push_back("checkout"); });
    ev::listen(engine, ev::checkin,
               [this](C c, E) { seen.push_back(c ? "checkin" : "checkin(None)"); });
    ev::listen(engine, ev::reset, [this](C, sa::ConnectionPoolEntry* e, const sa::PoolResetState&) {
      seen.push_back(e ? "reset" : "reset(detached)");
    });
    ev::listen(engine, ev::invalidate,
               [this](C, E, std::exception_ptr) { seen.push_back("invalidate"); });
    ev::listen(engine, ev::soft_invalidate,
               [this](C, E, std::exception_ptr) { seen.push_back("soft_invalidate"); });
    ev::listen(engine, ev::close, [this](C, E) { seen.push_back("close"); });
    ev::listen(engine, ev::detach, [this](C, E) { seen.push_back("detach"); });
    ev::listen(engine, ev::close_detached, [this](C) { seen.push_back("close_detached"); });
    ev::listen(engine, ev::engine_connect,
               [this](sa::Connection&) { seen.push_back("engine_connect"); });
  }
};

using Seq = std::vector<std::string>;

}  // namespace

TEST(PoolEvents, OrderOnABrandNewConnectAndClose) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  Recorder r;
  r.attach(engine);
  auto conn = engine.connect();
  EXPECT_EQ(r.seen, (Seq{"first_connect", "connect", "checkout", "engine_connect"}));
  r.seen.clear();
  conn.close();
  EXPECT_EQ(r.seen, (Seq{"reset", "checkin"}));
  r.seen.clear();
  engine.connect().close();  // pooled now: no connect events
  EXPECT_EQ(r.seen, (Seq{"checkout", "engine_connect", "reset", "checkin"}));
}

TEST(PoolEvents, ResetReportsTheRollbackAlreadyDone) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  std::vector<bool> was_reset;
  sa::event::listen(
      engine, sa::event::reset,
      [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry*, const sa::PoolResetState& s) {
        was_reset.push_back(s.transaction_was_reset);
      });
  {
    auto conn = engine.connect();
    conn.execute(sa::text("SELECT 1"));  // autobegins; close() rolls it back first
  }
  engine.connect().close();
  EXPECT_EQ(was_reset, (std::vector<bool>{true, false}));
}

TEST(PoolEvents, FirstConnectOncePerPoolAgainAfterDispose) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  Recorder r;
  r.attach(engine);
  {
    auto a = engine.connect();
    auto b = engine.connect();
  }
  EXPECT_EQ(std::count(r.seen.begin(), r.seen.end(), "first_connect"), 1);
  EXPECT_EQ(std::count(r.seen.begin(), r.seen.end(), "connect"), 2);
  r.seen.clear();
  engine.dispose();  // listeners registered on the engine go on with the new pool
  EXPECT_EQ(r.seen, (Seq{"close", "close"}));
  r.seen.clear();
  engine.connect().close();
  EXPECT_EQ(r.seen,
            (Seq{"first_connect", "connect", "checkout", "engine_connect", "reset", "checkin"}));
}

TEST(PoolEvents, HardInvalidateFiresInvalidateCloseAndCheckinWithoutReset) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  auto raw = engine.raw_connection();
  Recorder r;
  r.attach(engine);
  std::string reason;
  sa::event::listen(engine, sa::event::invalidate,
                    [&](sa::dbapi::Connection* c, sa::ConnectionPoolEntry&, std::exception_ptr e) {
                      EXPECT_NE(c, nullptr);
                      EXPECT_FALSE(c->closed());  // before the close
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& x) {
                        reason = x.what();
                      }
                    });
  raw.invalidate(std::make_exception_ptr(std::runtime_error("gone")));
  EXPECT_EQ(r.seen, (Seq{"invalidate", "close", "checkin(None)"}));
  EXPECT_EQ(reason, "gone");
  EXPECT_FALSE(raw);  // checked in at once
  EXPECT_EQ(engine.pool().checkedout(), 0);
  r.seen.clear();
  engine.raw_connection().close();  // reconnects the slot
  EXPECT_EQ(r.seen, (Seq{"connect", "checkout", "reset", "checkin"}));
}

TEST(PoolEvents, SoftInvalidateRecyclesAtTheNextCheckout) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  Recorder r;
  r.attach(engine);
  LogCapture logs;
  {
    auto raw = engine.raw_connection();
    raw.invalidate(nullptr, /*soft=*/true);
    EXPECT_TRUE(raw.is_valid());  // still usable for this checkout
    raw.cursor()->execute("SELECT 1");
  }
  r.seen.clear();
  engine.raw_connection().close();
  EXPECT_EQ(r.seen, (Seq{"close", "connect", "checkout", "reset", "checkin"}));
  EXPECT_EQ(engine.pool().counters().invalidations, 1u);
}

TEST(PoolEvents, CheckoutDisconnectionErrorGetsAFreshConnection) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  engine.connect().close();
  int checkouts = 0;
  sa::event::listen(
      engine, sa::event::checkout,
      [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&, sa::PoolProxiedConnection&) {
        if (++checkouts == 1) throw sa::exc::DisconnectionError("stale");
      });
  const auto connects_before = engine.pool().counters().connects;
  auto conn = engine.connect();
  EXPECT_EQ(checkouts, 2);
  EXPECT_EQ(engine.pool().counters().connects, connects_before + 1);
  EXPECT_EQ(conn.execute(sa::text("SELECT 5")).scalar().as<std::int64_t>(), 5);
}

TEST(PoolEvents, CheckoutDisconnectionErrorTwiceIsThisConnectionIsClosed) {
  TempDb db;
  auto engine = sa::create_engine(db.url(), {.echo_pool = true});
  LogCapture logs;
  sa::event::listen(
      engine, sa::event::checkout,
      [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&, sa::PoolProxiedConnection&) {
        throw sa::exc::DisconnectionError("always");
      });
  try {
    engine.raw_connection();
    FAIL() << "no InvalidRequestError";
  } catch (const sa::exc::InvalidRequestError& e) {
    EXPECT_STREQ(e.what(), "This connection is closed");
  }
  // SPEC §19.1: 2 attempts, 3 driver connections in all; the slot is back.
  EXPECT_EQ(engine.pool().counters().connects, 3u);
  EXPECT_EQ(engine.pool().checkedout(), 0);
  bool exhausted = false;
  for (const auto& m : logs.messages("athanor.pool.impl.QueuePool")) {
    exhausted |= m == "Reconnection attempts exhausted on checkout";
  }
  EXPECT_TRUE(exhausted);
}

TEST(PoolEvents, FailingConnectListenerReleasesTheSlotAndTheNextConnectRetries) {
  TempDb db;
  auto engine = sa::create_engine(db.url(), {.pool_size = 1, .max_overflow = 0});
  bool fail = true;
  sa::event::listen(engine, sa::event::connect,
                    [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) {
                      if (fail) throw std::runtime_error("connect listener failed");
                    });
  EXPECT_THROW(engine.connect(), std::runtime_error);
  EXPECT_EQ(engine.pool().checkedout(), 0);
  fail = false;
  EXPECT_NO_THROW(engine.connect().close());
}

TEST(PoolEvents, DetachAndCloseDetached) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  Recorder r;
  r.attach(engine);
  auto raw = engine.raw_connection();
  r.seen.clear();
  raw.detach();
  EXPECT_EQ(r.seen, (Seq{"detach"}));
  EXPECT_EQ(engine.pool().checkedout(), 0);
  r.seen.clear();
  raw.close();
  EXPECT_EQ(r.seen, (Seq{"reset(detached)", "close_detached"}));
}

TEST(PoolEvents, ListenOnAPoolAndRemove) {
  TempDb db;
  auto engine = sa::create_engine(db.url());
  sa::Pool& pool = engine.pool();
  int n = 0;
  const auto id = sa::event::listen(pool, sa::event::checkin,
                                    [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) { ++n; });
  engine.connect().close();
  sa::event::remove(pool, id);
  engine.connect().close();
  EXPECT_EQ(n, 1);
  // And through the engine.
  const auto id2 = sa::event::listen(
      engine, sa::event::checkin, [&](sa::dbapi::Connection*, sa::ConnectionPoolEntry&) { ++n; });
  engine.connect().close();
  sa::event::remove(engine, id2);
  engine.connect().close();
  EXPECT_EQ(n, 2);
}

TEST(PoolLogging, EchoPoolDebugLines) {
  TempDb db;
  LogCapture logs;
  auto engine = sa::create_engine(db.url(), {.echo_pool = "debug", .logging_name = "app"});
  engine.connect().close();
  engine.dispose();
  const auto lines = logs.messages("athanor.pool.impl.QueuePool.app");
  ASSERT_EQ(lines.size(), 7u) << ::testing::PrintToString(lines);
  EXPECT_TRUE(lines[0].starts_with("Created new connection 0x"));
  EXPECT_TRUE(lines[1].ends_with(" checked out from pool"));
  EXPECT_TRUE(lines[2].ends_with(" being returned to pool"));
  EXPECT_TRUE(lines[3].ends_with(" rollback-on-return"));  // no transaction was begun
  EXPECT_TRUE(lines[4].starts_with("Closing connection 0x"));
  EXPECT_EQ(lines[5],
            "Pool disposed. Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current "
            "Checked out connections: 0");
  EXPECT_EQ(lines[6], "Pool recreating");
}

TEST(PoolLogging, EchoPoolInfoOmitsDebugLines) {
  TempDb db;
  LogCapture logs;
  auto engine = sa::create_engine(db.url(), {.echo_pool = true});
  engine.raw_connection().close();
  engine.dispose();
  EXPECT_EQ(logs.messages("athanor.pool.impl.QueuePool"),
            (std::vector<std::string>{"Pool disposed. Pool size: 5  Connections in pool: 0 "
                                      "Current Overflow: -5 Current Checked out connections: 0",
                                      "Pool recreating"}));
}
