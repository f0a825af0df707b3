// Isolation levels and DBAPI AUTOCOMMIT (SPEC §6): per connection, per engine, per create_engine;
// reverted at check-in; validated with SQLAlchemy's messages; and seed 003's "Setting Transaction
// Isolation Levels including DBAPI Autocommit" examples.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

constexpr const char* kAutocommitBegin =
    "BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)";
constexpr const char* kAutocommitCommit =
    "COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode";
constexpr const char* kAutocommitRollback =
    "ROLLBACK using DBAPI connection.rollback(); set skip_autocommit_rollback to prevent fully";

class Isolation : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER");
  }
  // The transaction lines of the log (statements left out).
  Lines transaction_lines() {
    Lines out;
    for (const std::string& line : log.lines()) {
      if (line.rfind("BEGIN", 0) == 0 || line.rfind("COMMIT", 0) == 0 ||
          line.rfind("ROLLBACK", 0) == 0) {
        out.push_back(line);
      }
    }
    return out;
  }
};

// ---- per connection
// -------------------------------------------------------------------------------

TEST_P(Isolation, DefaultIsolationLevel) {
  auto conn = engine().connect();
  if (is_sqlite()) {
    EXPECT_EQ(conn.default_isolation_level(), "SERIALIZABLE");
  }
  EXPECT_EQ(conn.get_isolation_level(), conn.default_isolation_level());
}

// Seed 000 "Isolation Levels" / seed 003 "Setting Isolation Level ... for a Connection": applied
// now, and reverted when the driver connection goes back to the pool.
TEST_P(Isolation, PerConnectionLevelIsRevertedAtCheckin) {
  auto engine1 = make_engine({.pool_size = 1});
  std::string level;
  std::string default_level;
  {
    auto conn = engine1.connect();
    default_level = conn.default_isolation_level();
    level = other_isolation_level(conn);
    conn.execution_options({{"isolation_level", level}});
    EXPECT_EQ(conn.get_isolation_level(), level);
    conn.begin([&] { conn.execute(sa::text("SELECT 1")); });
    EXPECT_EQ(conn.get_isolation_level(), level);  // lasts for the Connection
  }
  auto conn = engine1.connect();  // the same driver connection, reset at check-in
  EXPECT_EQ(conn.get_isolation_level(), default_level);
}

TEST_P(Isolation, LevelNamesAreNormalized) {
  auto conn = engine().connect();
  std::string level = other_isolation_level(conn);
  std::string spelled = level;
  for (char& c : spelled) c = c == ' ' ? '_' : static_cast<char>(std::tolower(c));
  conn.execution_options({{"isolation_level", spelled}});  // "read_uncommitted"
  EXPECT_EQ(conn.get_isolation_level(), level);
}

TEST_P(Isolation, ChangingTheLevelInsideATransactionIsRefused) {
  auto conn = engine().connect();
  const std::string level = other_isolation_level(conn);
  conn.execute(sa::text("SELECT 1"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] {
              conn.execution_options({{"isolation_level", level}});
            }),
            "This connection has already initialized a SQLAlchemy Transaction() object via "
            "begin() or autobegin; isolation_level may not be altered unless rollback() or "
            "commit() is called first.");
  conn.execution_options({{"logging_token", "tok"}});  // not transactional: allowed
  conn.commit();
  conn.execution_options({{"isolation_level", level}});  // allowed again
  EXPECT_EQ(conn.get_isolation_level(), level);
}

TEST_P(Isolation, InvalidLevelIsAnArgumentError) {
  auto conn = engine().connect();
  if (!is_sqlite()) {
    EXPECT_THROW(conn.execution_options({{"isolation_level", "FOO"}}), sa::exc::ArgumentError);
    return;
  }
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([&] {
              conn.execution_options({{"isolation_level", "FOO"}});
            }),
            "Invalid value 'FOO' for isolation_level. Valid isolation levels for 'sqlite' are "
            "READ UNCOMMITTED, SERIALIZABLE, AUTOCOMMIT");
  // SQLAlchemy quotes the level as normalized ("_" → " ", upper case).
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([&] {
              conn.execution_options({{"isolation_level", "read_committed"}});
            }),
            "Invalid value 'READ COMMITTED' for isolation_level. Valid isolation levels for "
            "'sqlite' are READ UNCOMMITTED, SERIALIZABLE, AUTOCOMMIT");
  EXPECT_FALSE(conn.get_execution_options().contains("isolation_level"));
}

// Seed 003: "will be rejected if set at this level" (statement options).
TEST_P(Isolation, StatementLevelIsolationLevelIsRefused) {
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([] {
              sa::text("SELECT 1").execution_options({{"isolation_level", "SERIALIZABLE"}});
            }),
            "'isolation_level' execution option may only be specified on "
            "Connection.execution_options(), or per-engine using the isolation_level argument to "
            "create_engine().");
  // Seed 000 "Statement-Level Options": compiled_cache per statement is refused likewise.
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([] {
              sa::text("SELECT 1").execution_options({{"compiled_cache", sa::null}});
            }),
            "'compiled_cache' execution option may only be specified on "
            "Connection.execution_options(), not per statement.");
}

// get_isolation_level() asks the driver, which never reports AUTOCOMMIT.
TEST_P(Isolation, GetIsolationLevelNeverSaysAutocommit) {
  auto conn = engine().connect();
  conn.execution_options({{"isolation_level", "AUTOCOMMIT"}});
  EXPECT_EQ(conn.get_isolation_level(), conn.default_isolation_level());
}

// Invalidation discards the revert-at-check-in callback, and the reconnected Connection gets the
// engine's level, not its own option again (SPEC §6).
TEST_P(Isolation, InvalidationDropsTheConnectionLevel) {
  auto conn = engine().connect();
  const std::string level = other_isolation_level(conn);
  conn.execution_options({{"isolation_level", level}});
  conn.invalidate();
  EXPECT_EQ(conn.get_isolation_level(), conn.default_isolation_level());
  EXPECT_EQ(*conn.get_execution_options().find("isolation_level"), sa::Value(level));
}

// ---- per engine ---------------------------------------------------------------------------------

// Seed 003 "Setting Isolation Level or DBAPI Autocommit for an Engine": create_engine's
// isolation_level applies to every new driver connection and becomes the default (SPEC §19.14).
TEST_P(Isolation, CreateEngineIsolationLevel) {
  std::string level;
  {
    auto probe = engine().connect();
    level = other_isolation_level(probe);
  }
  auto eng = make_engine({.isolation_level = level, .pool_size = 1});
  {
    auto conn = eng.connect();
    EXPECT_EQ(conn.get_isolation_level(), level);
    EXPECT_EQ(conn.default_isolation_level(), level);
    // A connection-level change goes back to the engine's level, not the driver's, at check-in.
    conn.execution_options(
        {{"isolation_level",
          conn.default_isolation_level() == "SERIALIZABLE" ? "READ UNCOMMITTED" : "SERIALIZABLE"}});
  }
  auto conn = eng.connect();
  EXPECT_EQ(conn.get_isolation_level(), level);
}

// An invalid create_engine level surfaces at the first connect, and at every connect after
// (SPEC §6: "an invalid value surfaces at first connect").
TEST_P(Isolation, CreateEngineInvalidLevelFailsAtConnect) {
  auto eng = make_engine({.isolation_level = "FOO"});
  EXPECT_THROW(eng.connect(), sa::exc::ArgumentError);
  EXPECT_THROW(eng.connect(), sa::exc::ArgumentError);
  EXPECT_EQ(eng.pool().checkedout(), 0);
}

// Seed 003 "Maintaining Multiple Isolation Levels for a Single Engine": engine.execution_options()
// makes a sibling engine over the same pool whose connections get their own level.
TEST_P(Isolation, EngineExecutionOptionsIsolationLevel) {
  auto eng = make_engine({.pool_size = 1});
  std::string default_level, level;
  {
    auto probe = eng.connect();
    default_level = probe.default_isolation_level();
    level = other_isolation_level(probe);
  }
  auto other = eng.execution_options({{"isolation_level", level}});
  EXPECT_EQ(&other.pool(), &eng.pool());
  {
    auto conn = other.connect();
    EXPECT_EQ(conn.get_isolation_level(), level);
  }
  auto conn = eng.connect();  // the same driver connection, reverted
  EXPECT_EQ(conn.get_isolation_level(), default_level);
}

TEST_P(Isolation, CreateEngineExecutionOptionsIsolationLevel) {
  std::string level;
  {
    auto probe = engine().connect();
    level = other_isolation_level(probe);
  }
  auto eng = make_engine({.execution_options = {{"isolation_level", level}}});
  auto conn = eng.connect();
  EXPECT_EQ(conn.get_isolation_level(), level);
}

// ---- AUTOCOMMIT
// -----------------------------------------------------------------------------------

// Seed 003 "Understanding the DBAPI-Level Autocommit Isolation Level": statements commit at once;
// begin()/commit() keep their meaning and log that the DBAPI ignores them.
TEST_P(Isolation, AutocommitKeepsBeginAndCommitSemantics) {
  {
    auto connection = engine().connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    // this begin() does not affect the DBAPI connection, isolation stays at AUTOCOMMIT
    connection.begin([&] {
      connection.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
      if (independent_connections()) {
        EXPECT_EQ(count_rows("t"), 1);  // already committed
      }
      connection.execute(sa::text("INSERT INTO t (x) VALUES (2)"));
    });
  }
  EXPECT_EQ(transaction_lines(), (Lines{kAutocommitBegin, kAutocommitCommit}));
  EXPECT_EQ(count_rows("t"), 2);
}

TEST_P(Isolation, AutocommitRollbackDoesNotUndo) {
  {
    auto connection = engine().connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    connection.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
    connection.rollback();
    EXPECT_FALSE(connection.in_transaction());
  }
  EXPECT_EQ(transaction_lines(), (Lines{kAutocommitBegin, kAutocommitRollback}));
  EXPECT_EQ(count_rows("t"), 1);
}

// "...the code below will raise an error, as Connection.begin() is being called after autobegin
// has already occurred".
TEST_P(Isolation, AutocommitStillAutobegins) {
  auto connection = engine().connect();
  connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
  connection.execute(sa::text("SELECT 1"));  // "transaction" is autobegin
  EXPECT_TRUE(connection.in_transaction());
  EXPECT_THROW(connection.begin([&] { connection.execute(sa::text("SELECT 2")); }),
               sa::exc::InvalidRequestError);
}

// "Changing Between Isolation Levels": autocommit, commit, back to the default, then a block.
TEST_P(Isolation, ChangingBetweenIsolationLevels) {
  {
    auto connection = engine().connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    connection.execute(sa::text("INSERT INTO t (x) VALUES (1)"));  // in autocommit mode
    connection.commit();  // "commit" the autobegun "transaction"
    // switch to default isolation level
    connection.execution_options({{"isolation_level", connection.default_isolation_level()}});
    EXPECT_EQ(connection.get_isolation_level(), connection.default_isolation_level());
    connection.begin([&] { connection.execute(sa::text("INSERT INTO t (x) VALUES (2)")); });
  }
  EXPECT_EQ(transaction_lines(),
            (Lines{kAutocommitBegin, kAutocommitCommit, "BEGIN (implicit)", "COMMIT"}));
  EXPECT_EQ(count_rows("t"), 2);
}

// The preferred way: one checkout per isolation level.
TEST_P(Isolation, OneCheckoutPerIsolationLevel) {
  {
    auto connection = engine().connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    connection.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
  }
  engine().begin([](sa::Connection& connection) {
    connection.execute(sa::text("INSERT INTO t (x) VALUES (2)"));
  });
  EXPECT_EQ(transaction_lines(),
            (Lines{kAutocommitBegin, kAutocommitRollback, "BEGIN (implicit)", "COMMIT"}));
  EXPECT_EQ(count_rows("t"), 2);
}

// "autocommit_engine = eng.execution_options(isolation_level="AUTOCOMMIT")".
TEST_P(Isolation, AutocommitSubEngine) {
  auto autocommit_engine = engine().execution_options({{"isolation_level", "AUTOCOMMIT"}});
  {
    auto conn = autocommit_engine.connect();
    conn.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
  }
  {
    auto conn = engine().connect();  // the main engine's connections are transactional
    conn.execute(sa::text("INSERT INTO t (x) VALUES (2)"));
  }
  EXPECT_EQ(transaction_lines(),
            (Lines{kAutocommitBegin, kAutocommitRollback, "BEGIN (implicit)", "ROLLBACK"}));
  EXPECT_EQ(count_rows("t"), 1);
}

// create_engine(isolation_level="AUTOCOMMIT"): the AUTOCOMMIT wording on every connection, unless
// a connection option names a transactional level. The default level stays what the driver
// reports (get_isolation_level never says AUTOCOMMIT).
TEST_P(Isolation, EngineLevelAutocommit) {
  auto eng = make_engine({.echo = true, .isolation_level = "AUTOCOMMIT"});
  std::string default_level;
  {
    auto conn = eng.connect();
    default_level = conn.default_isolation_level();
    if (is_sqlite()) {
      EXPECT_EQ(default_level, "SERIALIZABLE");
    }
    EXPECT_NE(default_level, "AUTOCOMMIT");
    conn.begin().commit();
  }
  {
    auto conn = eng.execution_options({{"isolation_level", default_level}}).connect();
    conn.begin().commit();
  }
  EXPECT_EQ(transaction_lines(),
            (Lines{kAutocommitBegin, kAutocommitCommit, "BEGIN (implicit)", "COMMIT"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, Isolation, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
