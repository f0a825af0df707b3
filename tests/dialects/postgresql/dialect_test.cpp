// The PostgreSQL dialect: URLs and connect arguments (no server needed), then engine-level
// behaviour against the server of $ATHANOR_TEST_POSTGRESQL_URL — two-phase commit, isolation
// levels and session characteristics, serialization failures, killed backends and the pool.
#include "dialects/postgresql/dialect.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "athanor/dialect.hpp"
#include "athanor/engine/url.hpp"
#include "athanor/exc.hpp"
#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

ConnectArgs args_for(std::string_view url) {
  return dialects::postgresql::make_dialect()->create_connect_args(make_url(url));
}

std::string text_arg(const ConnectArgs& args, std::string_view key) {
  const Value* v = args.find(key);
  return v ? v->as<std::string>() : std::string("(absent)");
}

TEST(PostgreSQLDialect, Identity) {
  auto d = dialects::postgresql::make_dialect();
  EXPECT_EQ(d->name(), "postgresql");
  EXPECT_EQ(d->driver(), "libpq");
  EXPECT_EQ(d->paramstyle(), Paramstyle::numeric_dollar);
  EXPECT_TRUE(d->supports_two_phase());
  EXPECT_EQ(d->isolation_levels(),
            (std::vector<std::string>{"AUTOCOMMIT", "READ COMMITTED", "READ UNCOMMITTED",
                                      "REPEATABLE READ", "SERIALIZABLE"}));
  EXPECT_EQ(d->default_pool_class(make_url("postgresql://h/db")), PoolClass::queue);
}

TEST(PostgreSQLDialect, RegisteredUnderBothUrlNames) {
  for (const char* url : {"postgresql://h/db", "postgresql+libpq://h/db"}) {
    auto d = registry::load(make_url(url));
    EXPECT_EQ(d->name(), "postgresql") << url;
  }
}

TEST(PostgreSQLDialect, UrlFieldsBecomeLibpqKeywords) {
  const ConnectArgs args = args_for("postgresql://scott:tiger@db.example:5433/test");
  EXPECT_EQ(args, (ConnectArgs{{"user", Value("scott")},
                               {"password", Value("tiger")},
                               {"host", Value("db.example")},
                               {"port", Value(std::int64_t{5433})},
                               {"dbname", Value("test")}}));
}

TEST(PostgreSQLDialect, QueryParametersPassThrough) {
  const ConnectArgs args = args_for(
      "postgresql+libpq://scott@/test?host=/var/run/postgresql&sslmode=disable"
      "&application_name=athanor&connect_timeout=3&options=-c%20statement_timeout%3D5000");
  EXPECT_EQ(text_arg(args, "host"), "/var/run/postgresql");
  EXPECT_EQ(text_arg(args, "sslmode"), "disable");
  EXPECT_EQ(text_arg(args, "application_name"), "athanor");
  EXPECT_EQ(text_arg(args, "connect_timeout"), "3");
  EXPECT_EQ(text_arg(args, "options"), "-c statement_timeout=5000");
  EXPECT_FALSE(args.contains("port"));
}

TEST(PostgreSQLDialect, RepeatedHostsAreLibpqsMultiHostList) {
  const ConnectArgs args = args_for("postgresql:///test?host=a&host=b&port=5432&port=5433");
  EXPECT_EQ(text_arg(args, "host"), "a,b");
  EXPECT_EQ(text_arg(args, "port"), "5432,5433");
}

TEST(PostgreSQLDialect, PreparedStatementCacheSizeIsAnInteger) {
  const ConnectArgs args = args_for("postgresql://h/db?prepared_statement_cache_size=0");
  EXPECT_EQ(*args.find("prepared_statement_cache_size"), Value(std::int64_t{0}));
  EXPECT_THROW(args_for("postgresql://h/db?prepared_statement_cache_size=many"),
               exc::ArgumentError);
  EXPECT_THROW(args_for("postgresql://h/db?prepared_statement_cache_size=-1"), exc::ArgumentError);
}

TEST(PostgreSQLDialect, AHostGivenTwiceIsAnArgumentErrorWithThePasswordMasked) {
  try {
    args_for("postgresql://scott:s3cret@h1/db?host=h2");
    FAIL() << "no ArgumentError";
  } catch (const exc::ArgumentError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'host'"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
}

TEST(PostgreSQLDialect, RefusedConnectionNamesHostAndPortButNotThePassword) {
  // Port 1 on the loopback: privileged and unused, so the connection is refused at once.
  auto engine = create_engine("postgresql://scott:s3cret@127.0.0.1:1/test");
  const auto e = thrown<exc::OperationalError>([&] { engine.connect(); });
  ASSERT_TRUE(e);
  const std::string message = e->what();
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("port 1 "), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
}

// ---- against the server -----------------------------------------------------------------------

class PostgreSQLEngine : public BackendTest {
 protected:
  static std::int64_t backend_pid(Connection& conn) {
    return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one<std::int64_t>();
  }
  static std::string show(Connection& conn, const std::string& setting) {
    return conn.exec_driver_sql("SHOW " + setting).scalar_one<std::string>();
  }
  // Ends backend `pid` from another connection and waits until the server has reaped it, so the
  // victim's next use meets a closed socket.
  void terminate_backend(std::int64_t pid) {
    auto admin = make_engine({.poolclass = PoolClass::null});
    auto conn = admin.connect();
    ASSERT_TRUE(
        conn.exec_driver_sql("SELECT pg_terminate_backend($1)", {Value(pid)}).scalar_one<bool>());
    conn.commit();
    for (int i = 0; i < 1000; ++i) {
      const auto alive =
          conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", {Value(pid)})
              .scalar_one<std::int64_t>();
      conn.commit();
      if (alive == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "backend " << pid << " still alive";
  }
};

TEST_P(PostgreSQLEngine, ConnectArgsOverrideTheUrlsQuery) {
  auto engine = create_engine(url() + "?application_name=from_url",
                              {.connect_args = {{"application_name", Value("from_args")}}});
  auto conn = engine.connect();
  EXPECT_EQ(show(conn, "application_name"), "from_args");
  auto plain = create_engine(url() + "?application_name=from_url").connect();
  EXPECT_EQ(show(plain, "application_name"), "from_url");
}

TEST_P(PostgreSQLEngine, DefaultIsolationLevelIsReadFromTheServer) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.default_isolation_level(), "READ COMMITTED");
  EXPECT_EQ(conn.get_isolation_level(), "READ COMMITTED");
  auto engine2 = make_engine({.isolation_level = "repeatable_read"});
  auto conn2 = engine2.connect();
  EXPECT_EQ(conn2.default_isolation_level(), "REPEATABLE READ");
  EXPECT_EQ(show(conn2, "transaction_isolation"), "repeatable read");
}

TEST_P(PostgreSQLEngine, EveryLevelReachesTheServerAndIsRevertedAtCheckin) {
  auto engine1 = make_engine({.pool_size = 1});
  for (const char* level : {"SERIALIZABLE", "READ UNCOMMITTED", "REPEATABLE READ"}) {
    std::int64_t pid = 0;
    {
      auto conn = engine1.connect();
      conn.execution_options({{"isolation_level", level}});
      EXPECT_EQ(conn.get_isolation_level(), level);
      pid = backend_pid(conn);
    }
    auto conn = engine1.connect();
    EXPECT_EQ(backend_pid(conn), pid);  // the same server session
    EXPECT_EQ(conn.get_isolation_level(), "READ COMMITTED") << level;
  }
}

TEST_P(PostgreSQLEngine, AutocommitCommitsEachStatement) {
  create_table("pg_autocommit", "id INTEGER");
  {
    auto conn = engine().connect();
    conn.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    conn.exec_driver_sql("INSERT INTO pg_autocommit VALUES (1)");
    conn.rollback();
  }
  EXPECT_EQ(count_rows("pg_autocommit"), 1);
}

TEST_P(PostgreSQLEngine, ReadonlyAndDeferrableAreSetAndResetAtCheckin) {
  create_table("pg_readonly", "id INTEGER");
  auto engine1 = make_engine({.pool_size = 1});
  {
    auto conn = engine1.connect();
    conn.execution_options({{"isolation_level", "SERIALIZABLE"},
                            {"postgresql_readonly", true},
                            {"postgresql_deferrable", true}});
    EXPECT_EQ(show(conn, "transaction_read_only"), "on");
    EXPECT_EQ(show(conn, "transaction_deferrable"), "on");
    conn.rollback();
    EXPECT_THROW(conn.exec_driver_sql("INSERT INTO pg_readonly VALUES (1)"), exc::DBAPIError);
    conn.rollback();
  }
  auto conn = engine1.connect();
  EXPECT_EQ(show(conn, "transaction_read_only"), "off");
  EXPECT_EQ(show(conn, "transaction_deferrable"), "off");
  conn.exec_driver_sql("INSERT INTO pg_readonly VALUES (1)");
  conn.commit();
}

TEST_P(PostgreSQLEngine, ReadonlyOnTheEngineAppliesToEveryConnection) {
  auto readonly = engine().execution_options({{"postgresql_readonly", true}});
  auto conn = readonly.connect();
  EXPECT_EQ(show(conn, "transaction_read_only"), "on");
}

TEST_P(PostgreSQLEngine, ReadonlyMustBeABool) {
  auto conn = engine().connect();
  EXPECT_THROW(conn.execution_options({{"postgresql_readonly", "yes"}}), exc::ArgumentError);
}

TEST_P(PostgreSQLEngine, ReadonlyInsideATransactionIsRefused) {
  auto conn = engine().connect();
  conn.exec_driver_sql("SELECT 1");
  EXPECT_THROW(conn.execution_options({{"postgresql_readonly", true}}), exc::InvalidRequestError);
}

TEST_P(PostgreSQLEngine, PreparedTransactionSurvivesAReconnect) {
  create_table("pg_twophase", "id INTEGER");
  const std::string xid = "athanor_test_xid_1";
  {
    auto conn = engine().connect();
    auto tx = conn.begin_twophase(xid);
    conn.exec_driver_sql("INSERT INTO pg_twophase VALUES (7)");
    tx.prepare();
    conn.invalidate();  // the session that prepared it is gone
  }
  EXPECT_EQ(count_rows("pg_twophase"), 0);
  {
    auto conn = make_engine().connect();
    const auto xids = conn.recover_twophase();
    EXPECT_NE(std::find(xids.begin(), xids.end(), xid), xids.end());
    conn.commit_prepared(xid);
    EXPECT_EQ(conn.recover_twophase(), std::vector<std::string>{});
  }
  EXPECT_EQ(count_rows("pg_twophase"), 1);
}

TEST_P(PostgreSQLEngine, TwoPhaseCommitAndRollback) {
  create_table("pg_twophase2", "id INTEGER");
  auto conn = engine().connect();
  {
    auto tx = conn.begin_twophase("athanor_test_xid_2");
    conn.exec_driver_sql("INSERT INTO pg_twophase2 VALUES (1)");
    tx.prepare();
    tx.commit();
  }
  {
    auto tx = conn.begin_twophase("athanor_test_xid_3");
    conn.exec_driver_sql("INSERT INTO pg_twophase2 VALUES (2)");
    tx.prepare();
    tx.rollback();
  }
  {
    auto tx = conn.begin_twophase("athanor_test_xid_4");  // never prepared: a plain commit
    conn.exec_driver_sql("INSERT INTO pg_twophase2 VALUES (3)");
    tx.commit();
  }
  EXPECT_EQ(conn.recover_twophase(), std::vector<std::string>{});
  EXPECT_EQ(count_rows("pg_twophase2"), 2);
  // 42704 undefined_object: a ProgrammingError, as psycopg2 classes it.
  EXPECT_THROW(conn.rollback_prepared("athanor_no_such_xid"), exc::ProgrammingError);
}

TEST_P(PostgreSQLEngine, SerializationFailureIsAnOperationalError) {
  create_table("pg_serial", "id INTEGER");
  auto serializable = make_engine({.isolation_level = "SERIALIZABLE"});
  auto a = serializable.connect();
  auto b = serializable.connect();
  // Write skew: each reads what the other writes.
  a.exec_driver_sql("SELECT count(*) FROM pg_serial WHERE id = 2").scalar();
  b.exec_driver_sql("SELECT count(*) FROM pg_serial WHERE id = 1").scalar();
  a.exec_driver_sql("INSERT INTO pg_serial VALUES (1)");
  b.exec_driver_sql("INSERT INTO pg_serial VALUES (2)");
  a.commit();
  const auto e = thrown<exc::OperationalError>([&] { b.commit(); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("serialize"), std::string::npos) << e->what();
  EXPECT_FALSE(e->connection_invalidated());
}

TEST_P(PostgreSQLEngine, KilledBackendMidTransactionIsADisconnect) {
  create_table("pg_killed", "id INTEGER");
  auto conn = engine().connect();
  conn.exec_driver_sql("INSERT INTO pg_killed VALUES (1)");
  terminate_backend(backend_pid(conn));
  const auto e = thrown<exc::OperationalError>(
      [&] { conn.exec_driver_sql("INSERT INTO pg_killed VALUES (2)"); });
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->connection_invalidated());
  EXPECT_TRUE(conn.invalidated());
  // The transaction died with the session; it must be rolled back before the next use.
  EXPECT_THROW(conn.exec_driver_sql("SELECT 1"), exc::PendingRollbackError);
  conn.rollback();
  EXPECT_EQ(conn.exec_driver_sql("SELECT 41 + 1").scalar_one<std::int64_t>(), 42);
  conn.commit();
  EXPECT_EQ(count_rows("pg_killed"), 0);
}

TEST_P(PostgreSQLEngine, ADisconnectInvalidatesThePoolsOlderConnections) {
  auto engine1 = make_engine({.pool_size = 2});
  auto victim = engine1.connect();
  std::int64_t pooled_pid = 0;
  {
    auto other = engine1.connect();
    pooled_pid = backend_pid(other);
    other.commit();
  }  // back in the pool, alive
  terminate_backend(backend_pid(victim));
  EXPECT_THROW(victim.exec_driver_sql("SELECT 1"), exc::OperationalError);
  victim.close();
  // The pooled connection predates the disconnect, so it is replaced, not reused.
  auto fresh = engine1.connect();
  EXPECT_NE(backend_pid(fresh), pooled_pid);
}

TEST_P(PostgreSQLEngine, PrePingReplacesAKilledConnection) {
  auto engine1 = make_engine({.pool_size = 1, .pool_pre_ping = true});
  std::int64_t pid = 0;
  {
    auto conn = engine1.connect();
    pid = backend_pid(conn);
  }
  terminate_backend(pid);
  auto conn = engine1.connect();  // the ping finds the session dead and reconnects
  const std::int64_t new_pid = backend_pid(conn);
  EXPECT_NE(new_pid, pid);
  EXPECT_EQ(conn.get_isolation_level(), "READ COMMITTED");
}

TEST_P(PostgreSQLEngine, PrePingLeavesNoTransactionOpen) {
  auto engine1 = make_engine({.pool_size = 1, .pool_pre_ping = true});
  { auto conn = engine1.connect(); }
  auto conn = engine1.connect();
  EXPECT_FALSE(conn.connection().dbapi_connection()->in_transaction());
}

// stream_results reads through a server-side cursor: the server holds the rows not yet fetched.
TEST_P(PostgreSQLEngine, StreamResultsUsesAServerSideCursor) {
  auto conn = engine().connect();
  auto open_cursors = [&] {
    return conn.exec_driver_sql("SELECT count(*) FROM pg_cursors").scalar_one<std::int64_t>();
  };
  const std::int64_t before = open_cursors();
  auto result = conn.exec_driver_sql("SELECT n FROM generate_series(1, 100000) AS n",
                                     std::vector<Value>{}, {{"stream_results", true}});
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 1);
  EXPECT_EQ(open_cursors(), before + 1);
  std::int64_t count = 1;
  while (result.fetchone()) ++count;
  EXPECT_EQ(count, 100000);
  EXPECT_EQ(open_cursors(), before);
}

INSTANTIATE_TEST_SUITE_P(Server, PostgreSQLEngine, ::testing::ValuesIn(postgresql_backends()),
                         backend_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgreSQLEngine);

}  // namespace
}  // namespace athanor::testing
