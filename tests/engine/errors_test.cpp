// Exceptions (SPEC §13): driver errors wrapped into the exc:: class of the same name with
// SQLAlchemy's "(<driver>.<Class>) message / [SQL: ...] / [parameters: ...]" form, hide_parameters,
// and what an error does (and does not do) to the transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class Errors : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("u", "id INTEGER, name VARCHAR(20) UNIQUE");
  }
};

TEST_P(Errors, IntegrityErrorClassAndParts) {
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO u (id, name) VALUES (1, 'alice')"));
  auto e = thrown<sa::exc::IntegrityError>([&] {
    conn.execute(sa::text("INSERT INTO u (id, name) VALUES (:id, :name)"),
                 {{"id", 2}, {"name", "alice"}});
  });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code(), "gkpj");
  EXPECT_EQ(e->statement(), sql("INSERT INTO u (id, name) VALUES (?, ?)"));
  EXPECT_EQ(e->params(), "(2, 'alice')");
  EXPECT_FALSE(e->hide_parameters());
  EXPECT_FALSE(e->connection_invalidated());
  ASSERT_TRUE(e->orig());
  try {
    std::rethrow_exception(e->orig());
  } catch (const sa::dbapi::Error& orig) {
    EXPECT_EQ(orig.kind(), sa::dbapi::ErrorKind::integrity_error);
  }
  // The whole hierarchy catches it.
  const sa::exc::SQLAlchemyError& base = *e;
  EXPECT_NE(dynamic_cast<const sa::exc::DatabaseError*>(&base), nullptr);
  EXPECT_NE(dynamic_cast<const sa::exc::DBAPIError*>(&base), nullptr);
  EXPECT_NE(dynamic_cast<const sa::exc::StatementError*>(&base), nullptr);
}

// The statement error does not end the transaction (no implicit rollback in 2.0, SPEC §4.6).
TEST_P(Errors, StatementErrorKeepsTheTransactionActive) {
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO u (id, name) VALUES (1, 'alice')"));
  sa::Transaction* before = conn.get_transaction();
  EXPECT_THROW(conn.execute(sa::text("INSERT INTO u (id, name) VALUES (2, 'alice')")),
               sa::exc::IntegrityError);
  EXPECT_TRUE(conn.in_transaction());
  EXPECT_EQ(conn.get_transaction(), before);
  EXPECT_TRUE(before->is_active());
  EXPECT_EQ(log.lines().back(), "[generated in ...] " + no_params());  // no ROLLBACK logged
  conn.rollback();
  EXPECT_FALSE(conn.in_transaction());
}

// Seed 000 "Error Handling": the except clauses in the page's order.
TEST_P(Errors, Seed000ErrorHandling) {
  auto conn = engine().connect();
  std::string caught;
  try {
    conn.execute(sa::text("INVALID SQL"));
  } catch (const sa::exc::ProgrammingError&) {
    caught = "SQL error";
  } catch (const sa::exc::IntegrityError&) {
    caught = "Constraint violation";
  } catch (const sa::exc::OperationalError&) {
    caught = "Database connection error";
  }
  EXPECT_EQ(caught, "SQL error");
}

TEST_P(Errors, ExecutemanyErrorShowsTheParameterList) {
  auto conn = engine().connect();
  auto e = thrown<sa::exc::IntegrityError>([&] {
    conn.execute(sa::text("INSERT INTO u (id, name) VALUES (:id, :name)"),
                 std::vector<sa::Params>{{{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "a"}}});
  });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->params(), "[(1, 'a'), (2, 'a')]");
}

TEST_P(Errors, HideParametersHidesThemInMessagesAndLogs) {
  auto eng = make_engine({.echo = true, .hide_parameters = true});
  auto conn = eng.connect();
  conn.exec_driver_sql("CREATE TABLE h (x INTEGER UNIQUE)");
  track_table("h");
  conn.execute(sa::text("INSERT INTO h (x) VALUES (:x)"), {{"x", 1}});
  auto e = thrown<sa::exc::IntegrityError>([&] {
    conn.execute(sa::text("INSERT INTO h (x) VALUES (:x)"), {{"x", 1}});
  });
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->hide_parameters());
  const std::string what = e->what();
  EXPECT_NE(what.find("\n[SQL: " + sql("INSERT INTO h (x) VALUES (?)") +
                      "]\n[SQL parameters hidden due to hide_parameters=True]"),
            std::string::npos)
      << what;
  EXPECT_EQ(what.find("[parameters:"), std::string::npos) << what;
  for (const std::string& line : log.lines()) {
    EXPECT_EQ(line.find("(1,)"), std::string::npos) << line;
  }
  EXPECT_EQ(log.lines().back(),
            "[cached since ...] [SQL parameters hidden due to hide_parameters=True]");
  // A missing bind: the same.
  const std::string missing = message_of<sa::exc::StatementError>([&] {
    conn.execute(sa::text("SELECT :a, :b"), {{"a", 42}});
  });
  EXPECT_EQ(missing.find("42"), std::string::npos) << missing;
  EXPECT_NE(missing.find("[SQL parameters hidden due to hide_parameters=True]"), std::string::npos)
      << missing;
}

TEST(EngineErrors, UnknownDialectIsNoSuchModuleError) {
  EXPECT_EQ(message_of<sa::exc::NoSuchModuleError>([] { sa::create_engine("nosuchdb://"); }),
            "Can't load plugin: athanor.dialects:nosuchdb");
}

// A bad URL is an ArgumentError that never shows the password.
TEST(EngineErrors, UrlErrorsNeverShowThePassword) {
  const std::string bad_sqlite = message_of<sa::exc::ArgumentError>(
      [] { sa::create_engine("sqlite://scott:tiger@localhost/test.db"); });
  EXPECT_EQ(bad_sqlite.rfind("Invalid SQLite URL: sqlite://scott:***@localhost/test.db", 0), 0u)
      << bad_sqlite;
  EXPECT_EQ(bad_sqlite.find("tiger"), std::string::npos);
  const std::string unparsable =
      message_of<sa::exc::ArgumentError>([] { sa::create_engine("not a url scott:tiger@x"); });
  EXPECT_FALSE(unparsable.empty());
  EXPECT_EQ(unparsable.find("tiger"), std::string::npos) << unparsable;
  const std::string bad_port = message_of<sa::exc::ArgumentError>(
      [] { sa::create_engine("sqlite://scott:tiger@localhost:port/x.db"); });
  EXPECT_FALSE(bad_port.empty());
  EXPECT_EQ(bad_port.find("tiger"), std::string::npos) << bad_port;
}

INSTANTIATE_TEST_SUITE_P(Backends, Errors, ::testing::ValuesIn(all_backends()), backend_name);

// ---- SQLite's exact messages
// ----------------------------------------------------------------------

class SQLiteOnlyErrors : public Errors {};

TEST_P(SQLiteOnlyErrors, IntegrityErrorMessage) {
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO u (id, name) VALUES (1, 'alice')"));
  EXPECT_EQ(message_of<sa::exc::IntegrityError>([&] {
              conn.execute(sa::text("INSERT INTO u (id, name) VALUES (:id, :name)"),
                           {{"id", 2}, {"name", "alice"}});
            }),
            "(sqlite3.IntegrityError) UNIQUE constraint failed: u.name\n"
            "[SQL: INSERT INTO u (id, name) VALUES (?, ?)]\n"
            "[parameters: (2, 'alice')]");
}

// SPEC §13.2's own example.
TEST_P(SQLiteOnlyErrors, OperationalErrorMessage) {
  auto conn = engine().connect();
  EXPECT_EQ(message_of<sa::exc::OperationalError>([&] {
              conn.exec_driver_sql("select * from nope where x = ?", std::vector<sa::Value>{5});
            }),
            "(sqlite3.OperationalError) no such table: nope\n"
            "[SQL: select * from nope where x = ?]\n"
            "[parameters: (5,)]");
}

// Without parameters there is no parameters line (SQLAlchemy: empty params are left out).
TEST_P(SQLiteOnlyErrors, ProgrammingErrorForInvalidSql) {
  auto conn = engine().connect();
  const char* expected =
      "(sqlite3.ProgrammingError) near \"INVALID\": syntax error\n[SQL: INVALID SQL]";
  EXPECT_EQ(message_of<sa::exc::ProgrammingError>([&] { conn.execute(sa::text("INVALID SQL")); }),
            expected);
  EXPECT_EQ(message_of<sa::exc::ProgrammingError>([&] { conn.exec_driver_sql("INVALID SQL"); }),
            expected);
  EXPECT_EQ(message_of<sa::exc::ProgrammingError>(
                [&] { conn.exec_driver_sql("INVALID SQL", sa::Params{}); }),
            expected);
  EXPECT_EQ(sa::exc::ProgrammingError("m", "s", "", nullptr, false).code(), "f405");
}

// A file that cannot be opened: OperationalError from connect(), no SQL, nothing hidden.
TEST_P(SQLiteOnlyErrors, OperationalErrorForAnUnopenableFile) {
  const std::string url = "sqlite:///" + (dir() / "no" / "such" / "dir" / "test.db").string();
  for (bool hide : {false, true}) {
    auto eng = sa::create_engine(url, {.hide_parameters = hide});
    auto e = thrown<sa::exc::OperationalError>([&] { eng.connect(); });
    ASSERT_TRUE(e.has_value());
    EXPECT_STREQ(e->what(), "(sqlite3.OperationalError) unable to open database file");
    EXPECT_EQ(e->statement(), "");
    EXPECT_EQ(e->code(), "e3q8");
    EXPECT_EQ(eng.pool().checkedout(), 0);
  }
}

// A missing value with no parameters at all: no parameters line either.
TEST_P(SQLiteOnlyErrors, MissingBindMessage) {
  auto conn = engine().connect();
  EXPECT_EQ(message_of<sa::exc::StatementError>([&] { conn.execute(sa::text("SELECT :x")); }),
            "(athanor.exc.InvalidRequestError) A value is required for bind parameter 'x'\n"
            "[SQL: SELECT ?]");
}

// A COMMIT that fails leaves the transaction attached but inactive: PendingRollbackError until
// rollback() (SPEC §5.2, §19.10). A deferred foreign key makes SQLite's COMMIT fail.
TEST_P(SQLiteOnlyErrors, FailedCommitNeedsRollback) {
  create_table("parent", "id INTEGER PRIMARY KEY");
  create_table("child",
               "id INTEGER, parent_id INTEGER REFERENCES parent(id) "
               "DEFERRABLE INITIALLY DEFERRED");
  auto conn = engine().connect();
  conn.exec_driver_sql("PRAGMA foreign_keys = ON");
  conn.execute(sa::text("INSERT INTO child (id, parent_id) VALUES (1, 99)"));
  EXPECT_EQ(message_of<sa::exc::IntegrityError>([&] { conn.commit(); }),
            "(sqlite3.IntegrityError) FOREIGN KEY constraint failed");
  EXPECT_FALSE(conn.in_transaction());
  ASSERT_NE(conn.get_transaction(), nullptr);  // inactive, still attached
  const char* pending =
      "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before "
      "proceeding";
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.execute(sa::text("SELECT 1")); }),
            pending);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.commit(); }), pending);
  EXPECT_EQ(message_of<sa::exc::PendingRollbackError>([&] { conn.begin_nested(); }), pending);
  EXPECT_THROW(conn.begin(), sa::exc::InvalidRequestError);
  log.clear();
  conn.rollback();  // detaches the inactive transaction, without SQL (SPEC §5.2)
  EXPECT_EQ(log.lines(), Lines{});
  EXPECT_EQ(conn.get_transaction(), nullptr);
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);
  conn.close();  // rolls back the driver's transaction, still open since the failed COMMIT
  EXPECT_EQ(count_rows("child"), 0);
}

INSTANTIATE_TEST_SUITE_P(SQLite, SQLiteOnlyErrors, ::testing::ValuesIn(sqlite_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
