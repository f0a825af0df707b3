// Connection: its lifetime (open → invalidated → closed, SPEC §4.2), close(), invalidate(),
// detach(), info(), execution_options(), and the raw driver connection (seeds 000 and 003).
#include <any>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

constexpr const char* kClosed = "This Connection is closed";
constexpr const char* kPendingRollback =
    "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before "
    "proceeding";
constexpr const char* kPendingSavepointRollback =
    "Can't reconnect until invalid savepoint transaction is rolled back.  Please rollback() fully "
    "before proceeding";

class Connections : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER");
  }
};

// ---- close()
// -------------------------------------------------------------------------------------

// close() rolls back what nobody committed, and returns the driver connection to the pool.
TEST_P(Connections, CloseRollsBack) {
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
  EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<std::int64_t>(), 1);
  if (independent_connections()) {
    EXPECT_EQ(count_rows("t"), 0);  // a second connection does not see uncommitted rows
  }
  log.clear();
  conn.close();
  EXPECT_TRUE(conn.closed());
  EXPECT_FALSE(conn.invalidated());
  EXPECT_EQ(log.lines(), Lines{"ROLLBACK"});
  EXPECT_EQ(count_rows("t"), 0);
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

TEST_P(Connections, CloseWithoutTransactionLogsNothingAndIsIdempotent) {
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  conn.commit();
  log.clear();
  conn.close();
  conn.close();
  EXPECT_TRUE(conn.closed());
  EXPECT_EQ(log.lines(), Lines{});
}

TEST_P(Connections, ClosedConnectionRefusesWork) {
  auto conn = engine().connect();
  conn.close();
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.execute(sa::text("SELECT 1")); }),
            kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.exec_driver_sql("SELECT 1"); }),
            kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.begin(); }), kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.begin_nested(); }), kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.connection(); }), kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.invalidate(); }), kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.detach(); }), kClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { conn.get_isolation_level(); }), kClosed);
  conn.commit();  // no transaction: nothing to do, no error
  conn.rollback();
  EXPECT_FALSE(conn.in_transaction());
}

// ---- invalidate()
// ---------------------------------------------------------------------------------

// Invalidated inside a transaction: nothing runs until the transaction is rolled back; then the
// Connection reconnects by itself (SPEC §4.6).
TEST_P(Connections, InvalidateWithTransactionNeedsRollbackFirst) {
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  conn.invalidate();
  EXPECT_TRUE(conn.invalidated());
  EXPECT_FALSE(conn.closed());
  EXPECT_TRUE(conn.in_transaction());  // still attached
  EXPECT_FALSE(conn.get_transaction()->is_valid());
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.execute(sa::text("SELECT 1")); }),
            kPendingRollback);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.exec_driver_sql("SELECT 1"); }),
            kPendingRollback);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.connection(); }),
            kPendingRollback);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.begin_nested(); }),
            kPendingRollback);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.commit(); }), kPendingRollback);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.commit(); }), kPendingRollback);
  EXPECT_EQ(sa::exc::PendingRollbackError("x").code(), "8s2b");

  int rollbacks = 0;
  sa::event::listen(engine(), sa::event::rollback, [&](sa::Connection&) { ++rollbacks; });
  log.clear();
  conn.rollback();
  EXPECT_EQ(log.lines(), Lines{});  // no DBAPI connection: no ROLLBACK issued
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);  // reconnected
  EXPECT_FALSE(conn.invalidated());
  EXPECT_TRUE(conn.in_transaction());
  EXPECT_EQ(rollbacks, 0);  // the transaction was already inactive after the failed commit
}

// rollback() right after invalidate() still fires the rollback event, without SQL.
TEST_P(Connections, RollbackOfAnInvalidatedTransactionFiresTheEventOnly) {
  int rollbacks = 0;
  sa::event::listen(engine(), sa::event::rollback, [&](sa::Connection&) { ++rollbacks; });
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  conn.invalidate();
  log.clear();
  conn.rollback();
  EXPECT_EQ(rollbacks, 1);
  EXPECT_EQ(log.lines(), Lines{});
  EXPECT_EQ(conn.execute(sa::text("SELECT 2")).scalar_one<int>(), 2);
}

TEST_P(Connections, InvalidateWithSavepointNamesTheSavepoint) {
  auto conn = engine().connect();
  auto sp = conn.begin_nested();
  conn.invalidate();
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.execute(sa::text("SELECT 1")); }),
            kPendingSavepointRollback);
  conn.rollback();
  EXPECT_FALSE(sp.is_active());
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);
}

// Without a transaction, the next use simply reconnects (to a new driver connection: its info()
// starts empty).
TEST_P(Connections, InvalidateWithoutTransactionReconnectsOnNextUse) {
  auto conn = engine().connect();
  conn.info()["marker"] = 1;
  conn.invalidate();
  conn.invalidate();  // already invalidated: nothing
  EXPECT_TRUE(conn.invalidated());
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);
  EXPECT_FALSE(conn.invalidated());
  EXPECT_FALSE(conn.info().contains("marker"));
}

TEST_P(Connections, ClosingAnInvalidatedConnection) {
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  conn.invalidate();
  log.clear();
  conn.close();
  EXPECT_TRUE(conn.closed());
  EXPECT_FALSE(conn.invalidated());  // closed wins (SPEC §4.2)
  EXPECT_EQ(log.lines(), Lines{});
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

// ---- detach()
// -------------------------------------------------------------------------------------

TEST_P(Connections, DetachReleasesThePoolSlotAtOnce) {
  auto conn = engine().connect();
  EXPECT_EQ(engine().pool().checkedout(), 1);
  conn.detach();
  EXPECT_EQ(engine().pool().checkedout(), 0);
  EXPECT_EQ(conn.exec_driver_sql("SELECT 5").scalar_one<int>(), 5);  // still usable
  EXPECT_TRUE(conn.connection().is_detached());
  conn.close();  // really closes the driver connection: nothing comes back to the pool
  EXPECT_EQ(engine().pool().checkedin(), 0);

  auto normal = engine().connect();
  normal.close();
  EXPECT_EQ(engine().pool().checkedin(), 1);
}

TEST_P(Connections, DetachAnInvalidatedConnectionIsRefused) {
  auto conn = engine().connect();
  conn.invalidate();
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.detach(); }),
            "Can't detach an invalidated Connection");
}

// Seed 000 "Detaching DBAPI Connection": conn.connection.detach(), then the driver connection is
// used directly and closed by hand.
TEST_P(Connections, Seed000DetachingTheDriverConnection) {
  auto conn = engine().connect();
  sa::PoolProxiedConnection& dbapi_conn = conn.connection();
  dbapi_conn.detach();
  EXPECT_EQ(engine().pool().checkedout(), 0);
  auto cursor = dbapi_conn.cursor();
  cursor->execute("SELECT 1");
  EXPECT_EQ(cursor->fetchone()->at(0), sa::Value(1));
  cursor->close();
  dbapi_conn.close();  // must close manually
  EXPECT_EQ(engine().pool().checkedin(), 0);
}

// ---- info()
// ---------------------------------------------------------------------------------------

TEST_P(Connections, InfoSurvivesAPoolRoundTrip) {
  auto engine1 = make_engine({.pool_size = 1});
  {
    auto conn = engine1.connect();
    conn.info()["query_start_time"] = std::string("t0");
  }
  auto conn = engine1.connect();  // the same driver connection
  ASSERT_TRUE(conn.info().contains("query_start_time"));
  EXPECT_EQ(std::any_cast<std::string>(conn.info().at("query_start_time")), "t0");
}

// ---- execution_options()
// --------------------------------------------------------------------------

TEST_P(Connections, ExecutionOptionsUpdateTheConnectionInPlace) {
  auto conn = engine().connect();
  sa::Connection& same = conn.execution_options({{"shard_id", "s1"}});
  EXPECT_EQ(&same, &conn);
  // Seed 000 "Connection-Level Options": any key, e.g. postgresql_readonly, is kept.
  conn.execution_options({{"postgresql_readonly", true}});
  const sa::ExecutionOptions& opts = conn.get_execution_options();
  ASSERT_NE(opts.find("shard_id"), nullptr);
  EXPECT_EQ(*opts.find("shard_id"), sa::Value("s1"));
  EXPECT_EQ(*opts.find("postgresql_readonly"), sa::Value(true));
  EXPECT_TRUE(engine().get_execution_options().empty());  // the engine is untouched
  EXPECT_TRUE(engine().connect().get_execution_options().empty());
}

TEST_P(Connections, KnownExecutionOptionsAreTypeChecked) {
  auto conn = engine().connect();
  EXPECT_THROW(conn.execution_options({{"isolation_level", 5}}), sa::exc::ArgumentError);
  EXPECT_THROW(conn.execution_options({{"stream_results", "yes"}}), sa::exc::ArgumentError);
  EXPECT_THROW(conn.execution_options({{"max_row_buffer", 0}}), sa::exc::ArgumentError);
}

// ---- the driver connection
// ------------------------------------------------------------------------

// Seed 003 "Working with the DBAPI cursor directly": engine.raw_connection(), closed back to the
// pool.
TEST_P(Connections, Seed003RawConnection) {
  {
    sa::PoolProxiedConnection dbapi_conn = engine().raw_connection();
    EXPECT_EQ(engine().pool().checkedout(), 1);
    auto cursor_obj = dbapi_conn.cursor();
    cursor_obj->execute("INSERT INTO t (x) VALUES (7)");
    cursor_obj->execute("SELECT x FROM t");
    const auto results = cursor_obj->fetchall();
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0][0], sa::Value(7));
    cursor_obj->close();
    dbapi_conn.commit();
    dbapi_conn.close();  // back to the pool, not closed
    EXPECT_EQ(engine().pool().checkedout(), 0);
    EXPECT_EQ(engine().pool().checkedin(), 1);
  }
  EXPECT_EQ(count_rows("t"), 1);
  EXPECT_EQ(log.lines(), Lines{});  // the engine saw none of it
}

// Seed 000 "Getting DBAPI Connection": conn.connection is the pool proxy of the Connection's own
// driver connection.
TEST_P(Connections, Seed000ConnectionAttributeIsTheProxiedDriverConnection) {
  auto conn = engine().connect();
  sa::PoolProxiedConnection& proxy = conn.connection();
  ASSERT_NE(proxy.dbapi_connection(), nullptr);
  EXPECT_NE(proxy.native_handle(), nullptr);
  auto cursor = proxy.dbapi_connection()->cursor();
  cursor->execute("SELECT 1");
  EXPECT_EQ(cursor->fetchone()->at(0), sa::Value(1));
  cursor->close();
  EXPECT_EQ(&conn.connection(), &proxy);
  EXPECT_EQ(&conn.info(), &proxy.info());
}

// Seed 000 "Using connect()": conn = engine.connect(); try: ... finally: conn.close().
TEST_P(Connections, Seed000ConnectAndClose) {
  auto conn = engine().connect();
  try {
    auto result = conn.execute(sa::text("SELECT 1"));
    EXPECT_EQ(result.scalar(), sa::Value(1));
  } catch (...) {
    conn.close();
    throw;
  }
  conn.close();
  EXPECT_TRUE(conn.closed());
  {
    auto conn2 = engine().connect();  // "with engine.connect() as conn"
    EXPECT_EQ(conn2.execute(sa::text("SELECT 1")).scalar<int>(), 1);
  }
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

TEST_P(Connections, MovedFromConnectionIsClosed) {
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
  sa::Connection moved = std::move(conn);
  EXPECT_TRUE(conn.closed());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
  EXPECT_TRUE(moved.in_transaction());
  moved.commit();
  moved.close();
  EXPECT_EQ(count_rows("t"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, Connections, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
