// Transactions: the examples of seeds 000 ("Connections") and 003 ("Using Transactions"), then
// SQLAlchemy 2.0's transaction state machine (SPEC §4.3–4.4, §5, §19) piece by piece.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

constexpr const char* kClosedContext =
    "Can't operate on closed transaction inside context manager.  Please complete the context "
    "manager before emitting further commands.";
constexpr const char* kAlreadyBegun =
    "This connection has already initialized a SQLAlchemy Transaction() object via begin() or "
    "autobegin; can't call begin() here unless rollback() or commit() is called first.";

class Transactions : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("users", "id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE");
    create_table("orders", "id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER");
  }
  static void add_user(sa::Connection& conn, int id, const std::string& name) {
    conn.execute(sa::text("INSERT INTO users (id, name) VALUES (:id, :name)"),
                 sa::Params{{"id", id}, {"name", name}});
  }
  // The committed user names, by id (a new connection: call with no uncommitted work open).
  std::vector<std::string> committed_names() {
    return quietly([](sa::Connection& c) {
      std::vector<std::string> out;
      for (const sa::Row& r : c.exec_driver_sql("SELECT name FROM users ORDER BY id")) {
        out.push_back(r.get<std::string>(0));
      }
      return out;
    });
  }
  std::string insert_user_sql() { return sql("INSERT INTO users (id, name) VALUES (?, ?)"); }
};

using Names = std::vector<std::string>;

// ---- seed 003: Using Transactions
// -----------------------------------------------------------------

// "Commit As You Go": two INSERTs, then connection.commit().
TEST_P(Transactions, Seed003CommitAsYouGo) {
  {
    auto connection = engine().connect();
    add_user(connection, 7, "this is some data");
    connection.execute(sa::text("INSERT INTO orders (id, user_id, total) VALUES (:q, 1, :p)"),
                       sa::Params{{"q", 8}, {"p", 100}});
    connection.commit();
  }
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", insert_user_sql(),
                                "[generated in ...] (7, 'this is some data')",
                                sql("INSERT INTO orders (id, user_id, total) VALUES (?, 1, ?)"),
                                "[generated in ...] (8, 100)", "COMMIT"}));
  EXPECT_EQ(count_rows("users"), 1);
  EXPECT_EQ(count_rows("orders"), 1);
}

// Each commit()/rollback() ends the transaction; the next statement begins a new one.
TEST_P(Transactions, Seed003CommitAsYouGoCycles) {
  // One statement object, so that its compiled form is reused (the "cached since" badge).
  const auto insert = sa::text("INSERT INTO users (id, name) VALUES (:id, :name)");
  {
    auto connection = engine().connect();
    connection.execute(insert, {{"id", 1}, {"name", "some statement"}});
    connection.commit();  // commits "some statement"
    connection.execute(insert, {{"id", 2}, {"name", "some other statement"}});
    connection.rollback();  // rolls back "some other statement"
    connection.execute(insert, {{"id", 3}, {"name", "a third statement"}});
    connection.commit();  // commits "a third statement"
  }
  EXPECT_EQ(
      log.lines(),
      (Lines{"BEGIN (implicit)", insert_user_sql(), "[generated in ...] (1, 'some statement')",
             "COMMIT", "BEGIN (implicit)", insert_user_sql(),
             "[cached since ...] (2, 'some other statement')", "ROLLBACK", "BEGIN (implicit)",
             insert_user_sql(), "[cached since ...] (3, 'a third statement')", "COMMIT"}));
  EXPECT_EQ(committed_names(), (Names{"some statement", "a third statement"}));
}

// "Begin Once": with connection.begin(): ... — committed when the block ends.
TEST_P(Transactions, Seed003BeginOnce) {
  {
    auto connection = engine().connect();
    connection.begin([&] {
      add_user(connection, 7, "this is some data");
      connection.execute(sa::text("INSERT INTO orders (id, user_id, total) VALUES (8, 7, 1)"));
    });
    EXPECT_FALSE(connection.in_transaction());  // transaction is committed
    log.clear();
  }
  EXPECT_EQ(log.lines(), Lines{});  // nothing left to roll back at close
  EXPECT_EQ(committed_names(), Names{"this is some data"});
  EXPECT_EQ(count_rows("orders"), 1);
}

// "Connect and Begin Once from the Engine".
TEST_P(Transactions, Seed003EngineBegin) {
  engine().begin([&](sa::Connection& connection) {
    add_user(connection, 7, "this is some data");
    connection.execute(sa::text("INSERT INTO orders (id, user_id, total) VALUES (8, 7, 1)"));
  });
  const Lines lines = log.lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "BEGIN (implicit)");
  EXPECT_EQ(lines.back(), "COMMIT");
  EXPECT_EQ(committed_names(), Names{"this is some data"});
  EXPECT_EQ(engine().pool().checkedout(), 0);  // released to the pool
}

// The Tip: after conn.commit() inside engine.begin(), no further SQL until the block ends.
TEST_P(Transactions, Seed003CommitInsideEngineBeginThenBegin) {
  const std::string message = message_of<sa::exc::InvalidRequestError>([&] {
    engine().begin([](sa::Connection& conn) {
      conn.commit();
      conn.begin();
    });
  });
  EXPECT_EQ(message, kClosedContext);
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "COMMIT"}));
}

// "Mixing Styles": a begin block, then autobegin + commit, then a begin block again.
TEST_P(Transactions, Seed003MixingStyles) {
  {
    auto connection = engine().connect();
    connection.begin([&] { add_user(connection, 1, "in a begin once block"); });
    // a new statement outside of a block: the connection autobegins
    add_user(connection, 2, "autobegun");
    EXPECT_TRUE(connection.in_transaction());
    connection.commit();
    // can use a "begin once" block here
    connection.begin([&] { add_user(connection, 3, "another block"); });
  }
  Lines transaction_lines;
  for (const std::string& line : log.lines()) {
    if (line == "BEGIN (implicit)" || line == "COMMIT" || line == "ROLLBACK") {
      transaction_lines.push_back(line);
    }
  }
  EXPECT_EQ(transaction_lines, (Lines{"BEGIN (implicit)", "COMMIT", "BEGIN (implicit)", "COMMIT",
                                      "BEGIN (implicit)", "COMMIT"}));
  EXPECT_EQ(committed_names(), (Names{"in a begin once block", "autobegun", "another block"}));
}

// "...the library will raise InvalidRequestError if a transaction was already autobegun".
TEST_P(Transactions, Seed003BeginAfterAutobeginRaises) {
  auto connection = engine().connect();
  add_user(connection, 1, "a");
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { connection.begin(); }), kAlreadyBegun);
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { connection.begin([] {}); }),
            kAlreadyBegun);
  EXPECT_TRUE(connection.in_transaction());  // the autobegun transaction is untouched
}

// ---- seed 000: Connections ----------------------------------------------------------------------

// "Transaction Context": engine.begin() commits both inserts.
TEST_P(Transactions, Seed000EngineBeginCommits) {
  engine().begin([&](sa::Connection& conn) {
    add_user(conn, 1, "alice");
    conn.execute(sa::text("INSERT INTO orders (id, user_id, total) VALUES (1, :user_id, :total)"),
                 sa::Params{{"user_id", 1}, {"total", 100}});
  });
  EXPECT_EQ(committed_names(), Names{"alice"});
  EXPECT_EQ(count_rows("orders", "user_id = 1 AND total = 100"), 1);
}

// "Automatically rolls back on exception", and the exception propagates.
TEST_P(Transactions, Seed000EngineBeginRollsBackOnException) {
  EXPECT_THROW(engine().begin([&](sa::Connection& conn) {
    add_user(conn, 1, "alice");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(log.lines().back(), "ROLLBACK");
  EXPECT_EQ(committed_names(), Names{});
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

// "Commit and Rollback": trans = conn.begin(); try: ...; trans.commit() except: trans.rollback().
TEST_P(Transactions, Seed000ExplicitTransaction) {
  {
    auto conn = engine().connect();
    auto trans = conn.begin();
    try {
      add_user(conn, 1, "alice");
      conn.execute(sa::text("INSERT INTO orders (id, user_id, total) VALUES (1, 1, 100)"));
      trans.commit();
    } catch (...) {
      trans.rollback();
      throw;
    }
    EXPECT_FALSE(trans.is_active());
  }
  EXPECT_EQ(committed_names(), Names{"alice"});

  // The failing path: the second INSERT breaks the UNIQUE constraint; rollback() undoes the first.
  {
    auto conn = engine().connect();
    auto trans = conn.begin();
    EXPECT_THROW(
        {
          try {
            add_user(conn, 2, "bob");
            add_user(conn, 3, "alice");
            trans.commit();
          } catch (...) {
            trans.rollback();
            throw;
          }
        },
        sa::exc::IntegrityError);
    EXPECT_FALSE(trans.is_active());
    EXPECT_FALSE(conn.in_transaction());
  }
  EXPECT_EQ(committed_names(), Names{"alice"});
}

// "Nested Transactions (Savepoints)": commits alice and charlie, not bob.
TEST_P(Transactions, Seed000SavepointsCommitAliceAndCharlieNotBob) {
  const auto insert = sa::text("INSERT INTO users (id, name) VALUES (:id, :name)");
  engine().begin([&](sa::Connection& conn) {
    conn.execute(insert, sa::Params{{"id", 1}, {"name", "alice"}});  // outer transaction
    auto nested = conn.begin_nested();                               // create savepoint
    try {
      conn.execute(insert, sa::Params{{"id", 2}, {"name", "bob"}});
      conn.execute(insert, sa::Params{{"id", 3}, {"name", "alice"}});  // UNIQUE: fails
      nested.commit();
    } catch (const sa::exc::IntegrityError&) {
      nested.rollback();  // rollback to savepoint
    }
    conn.execute(insert, sa::Params{{"id", 4}, {"name", "charlie"}});  // outer continues
  });
  EXPECT_EQ(committed_names(), (Names{"alice", "charlie"}));
  const std::string ins = insert_user_sql();
  EXPECT_EQ(
      log.lines(),
      (Lines{"BEGIN (implicit)", ins, "[generated in ...] (1, 'alice')", "SAVEPOINT sa_savepoint_1",
             "[no key ...] " + no_params(), ins, "[cached since ...] (2, 'bob')", ins,
             "[cached since ...] (3, 'alice')", "ROLLBACK TO SAVEPOINT sa_savepoint_1",
             "[no key ...] " + no_params(), ins, "[cached since ...] (4, 'charlie')", "COMMIT"}));
}

// ---- autobegin and begin()
// ------------------------------------------------------------------------

TEST_P(Transactions, AutobeginOnFirstExecute) {
  auto conn = engine().connect();
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(conn.get_transaction(), nullptr);
  EXPECT_EQ(log.lines(), Lines{});  // connect() alone logs nothing
  conn.execute(sa::text("SELECT 1"));
  EXPECT_TRUE(conn.in_transaction());
  ASSERT_NE(conn.get_transaction(), nullptr);
  EXPECT_TRUE(conn.get_transaction()->is_active());
  conn.execute(sa::text("SELECT 2"));
  conn.exec_driver_sql("SELECT 3");
  int begins = 0;
  for (const std::string& line : log.lines()) begins += line == "BEGIN (implicit)";
  EXPECT_EQ(begins, 1);  // one transaction for all three statements
}

TEST_P(Transactions, BeginAfterAutobeginIsAnErrorUntilCommitOrRollback) {
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.begin(); }), kAlreadyBegun);
  conn.rollback();
  auto trans = conn.begin();  // fine now
  EXPECT_TRUE(trans.is_active());
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.begin(); }), kAlreadyBegun);
  trans.commit();
  conn.begin().commit();
}

TEST_P(Transactions, CommitAndRollbackWithoutATransactionDoNothing) {
  int commits = 0, rollbacks = 0;
  sa::event::listen(engine(), sa::event::commit, [&](sa::Connection&) { ++commits; });
  sa::event::listen(engine(), sa::event::rollback, [&](sa::Connection&) { ++rollbacks; });
  auto conn = engine().connect();
  conn.commit();
  conn.rollback();
  conn.execute(sa::text("SELECT 1"));
  conn.commit();
  conn.commit();  // the transaction is gone: nothing to do
  conn.rollback();
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(rollbacks, 0);
  conn.close();
  conn.commit();  // even on a closed connection
  conn.rollback();
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", "SELECT 1", "[generated in ...] " + no_params(), "COMMIT"}));
}

// ---- savepoints
// -----------------------------------------------------------------------------------

TEST_P(Transactions, BeginNestedAutobeginsTheRoot) {
  auto conn = engine().connect();
  auto sp = conn.begin_nested();
  EXPECT_TRUE(conn.in_transaction());
  EXPECT_TRUE(conn.in_nested_transaction());
  EXPECT_EQ(sp.savepoint_name(), "sa_savepoint_1");
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", "SAVEPOINT sa_savepoint_1", "[no key ...] " + no_params()}));
  ASSERT_NE(conn.get_nested_transaction(), nullptr);
  EXPECT_TRUE(conn.get_nested_transaction()->is_active());
}

TEST_P(Transactions, SavepointNamesCountPerConnectionAndNeverReset) {
  {
    auto conn = engine().connect();
    auto sp1 = conn.begin_nested();
    auto sp2 = conn.begin_nested();
    EXPECT_EQ(sp1.savepoint_name(), "sa_savepoint_1");
    EXPECT_EQ(sp2.savepoint_name(), "sa_savepoint_2");
    sp2.commit();
    sp1.commit();
    conn.commit();
    auto sp3 = conn.begin_nested();  // a new root transaction; the counter goes on
    EXPECT_EQ(sp3.savepoint_name(), "sa_savepoint_3");
  }
  auto other = engine().connect();  // a new Connection starts at 1
  EXPECT_EQ(other.begin_nested().savepoint_name(), "sa_savepoint_1");
}

TEST_P(Transactions, SavepointCommitReleasesAndRollbackRollsBackTo) {
  auto conn = engine().connect();
  add_user(conn, 1, "alice");
  auto sp = conn.begin_nested();
  add_user(conn, 2, "bob");
  sp.commit();
  EXPECT_FALSE(sp.is_active());
  EXPECT_FALSE(conn.in_nested_transaction());
  EXPECT_TRUE(conn.in_transaction());
  auto sp2 = conn.begin_nested();
  add_user(conn, 3, "carl");
  sp2.rollback();
  EXPECT_FALSE(conn.in_nested_transaction());
  conn.commit();
  conn.close();
  Lines savepoint_lines;
  for (const std::string& line : log.lines()) {
    if (line.find("SAVEPOINT") != std::string::npos) savepoint_lines.push_back(line);
  }
  EXPECT_EQ(savepoint_lines,
            (Lines{"SAVEPOINT sa_savepoint_1", "RELEASE SAVEPOINT sa_savepoint_1",
                   "SAVEPOINT sa_savepoint_2", "ROLLBACK TO SAVEPOINT sa_savepoint_2"}));
  EXPECT_EQ(committed_names(), (Names{"alice", "bob"}));
}

// Connection.commit()/rollback() end the root, never a savepoint (SPEC §4.4).
TEST_P(Transactions, ConnectionCommitActsOnTheRootOnly) {
  {
    auto conn = engine().connect();
    add_user(conn, 1, "alice");
    auto sp = conn.begin_nested();
    add_user(conn, 2, "bob");
    log.clear();
    conn.commit();
    EXPECT_EQ(log.lines(), Lines{"COMMIT"});  // no RELEASE SAVEPOINT
    EXPECT_FALSE(sp.is_active());
    EXPECT_FALSE(conn.in_transaction());
    EXPECT_FALSE(conn.in_nested_transaction());
    EXPECT_EQ(conn.get_nested_transaction(), nullptr);
  }
  EXPECT_EQ(committed_names(), (Names{"alice", "bob"}));
}

TEST_P(Transactions, ConnectionRollbackActsOnTheRootOnly) {
  {
    auto conn = engine().connect();
    add_user(conn, 1, "alice");
    auto sp1 = conn.begin_nested();
    auto sp2 = conn.begin_nested();
    add_user(conn, 2, "bob");
    log.clear();
    conn.rollback();
    EXPECT_EQ(log.lines(), Lines{"ROLLBACK"});  // no ROLLBACK TO SAVEPOINT (SPEC §19.5)
    EXPECT_FALSE(sp1.is_active());
    EXPECT_FALSE(sp2.is_active());
    EXPECT_FALSE(conn.in_nested_transaction());
  }
  EXPECT_EQ(committed_names(), Names{});
}

// A savepoint rolled back: the outer transaction goes on and commits what it did.
TEST_P(Transactions, NestedRollbackThenOuterContinues) {
  {
    auto conn = engine().connect();
    auto trans = conn.begin();
    add_user(conn, 1, "alice");
    auto sp = conn.begin_nested();
    add_user(conn, 2, "bob");
    sp.rollback();
    EXPECT_TRUE(trans.is_active());
    add_user(conn, 3, "charlie");
    trans.commit();
  }
  EXPECT_EQ(committed_names(), (Names{"alice", "charlie"}));
}

// begin_nested(fn): RELEASE on success; ROLLBACK TO SAVEPOINT and re-throw on an exception.
TEST_P(Transactions, NestedCallableForm) {
  {
    auto conn = engine().connect();
    add_user(conn, 1, "alice");
    conn.begin_nested([&] { add_user(conn, 2, "bob"); });
    EXPECT_THROW(conn.begin_nested([&](sa::Connection& c) {
      add_user(c, 3, "carl");
      throw std::logic_error("no carl");
    }),
                 std::logic_error);
    EXPECT_TRUE(conn.in_transaction());
    EXPECT_FALSE(conn.in_nested_transaction());
    const int n = conn.begin_nested([&] { return 42; });
    EXPECT_EQ(n, 42);
    conn.commit();
  }
  EXPECT_EQ(committed_names(), (Names{"alice", "bob"}));
}

TEST_P(Transactions, NestedGuardDestroyedAfterTheRootEndedDoesNothing) {
  auto conn = engine().connect();
  {
    auto sp = conn.begin_nested();
    conn.commit();
    log.clear();
  }
  EXPECT_EQ(log.lines(), Lines{});
  {
    auto sp = conn.begin_nested();
    conn.rollback();
    add_user(conn, 1, "alice");  // a new root transaction, no savepoint
    log.clear();
  }
  EXPECT_EQ(log.lines(), Lines{});
  EXPECT_TRUE(conn.in_transaction());
}

TEST_P(Transactions, NestedGuardRollsBackToItsSavepointWhenDestroyedActive) {
  auto conn = engine().connect();
  add_user(conn, 1, "alice");
  {
    auto sp = conn.begin_nested();
    add_user(conn, 2, "bob");
    log.clear();
  }
  EXPECT_EQ(log.lines(),
            (Lines{"ROLLBACK TO SAVEPOINT sa_savepoint_1", "[no key ...] " + no_params()}));
  EXPECT_TRUE(conn.in_transaction());
  EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM users")).scalar_one<std::int64_t>(), 1);
}

// ---- the root guard and begin(fn)
// -------------------------------------------------------------------

TEST_P(Transactions, RootGuardDestructorRollsBackOnlyIfActive) {
  {
    auto conn = engine().connect();
    {
      auto trans = conn.begin();
      add_user(conn, 1, "rolled back by the guard");
      log.clear();
    }
    EXPECT_EQ(log.lines(), Lines{"ROLLBACK"});
    EXPECT_FALSE(conn.in_transaction());
    {
      auto trans = conn.begin();
      add_user(conn, 2, "committed");
      trans.commit();
      log.clear();
    }
    EXPECT_EQ(log.lines(), Lines{});
    {
      auto trans = conn.begin();
      conn.rollback();
      add_user(conn, 3, "a later transaction");  // autobegins a new root
      log.clear();
    }
    EXPECT_EQ(log.lines(), Lines{});  // the guard's transaction ended; the new one is not its own
    EXPECT_TRUE(conn.in_transaction());
    conn.commit();
  }
  EXPECT_EQ(committed_names(), (Names{"committed", "a later transaction"}));
}

TEST_P(Transactions, BeginCallableCommitsRollsBackAndRethrows) {
  {
    auto conn = engine().connect();
    conn.begin([&] { add_user(conn, 1, "alice"); });
    EXPECT_EQ(log.lines().back(), "COMMIT");
    EXPECT_FALSE(conn.in_transaction());
    try {
      conn.begin([&](sa::Connection& c) {
        add_user(c, 2, "bob");
        throw std::runtime_error("boom");
      });
      ADD_FAILURE() << "begin(fn) swallowed the exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "boom");
    }
    EXPECT_EQ(log.lines().back(), "ROLLBACK");
    EXPECT_FALSE(conn.in_transaction());
    const std::string v = conn.begin([] { return std::string("value"); });
    EXPECT_EQ(v, "value");
  }
  EXPECT_EQ(committed_names(), Names{"alice"});
}

// After the transaction of a begin(fn) block ends inside it, no SQL until the block is done.
TEST_P(Transactions, ClosedTransactionInsideContextManager) {
  auto expect_closed = [&](sa::Connection& conn) {
    EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.execute(sa::text("SELECT 1")); }),
              kClosedContext);
    EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.exec_driver_sql("SELECT 1"); }),
              kClosedContext);
    EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.begin(); }), kClosedContext);
    EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.begin_nested(); }),
              kClosedContext);
  };
  engine().begin([&](sa::Connection& conn) {
    add_user(conn, 1, "alice");
    conn.commit();
    expect_closed(conn);
  });
  {
    auto conn = engine().connect();
    conn.begin([&] {
      add_user(conn, 2, "bob");
      conn.rollback();
      expect_closed(conn);
    });
    // The block is over: the connection is usable again.
    EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM users")).scalar_one<std::int64_t>(), 1);
  }
  EXPECT_EQ(committed_names(), Names{"alice"});
}

TEST_P(Transactions, EndedTransactionsRefuseCommit) {
  auto conn = engine().connect();
  auto trans = conn.begin();
  trans.commit();
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { trans.commit(); }),
            "This transaction is inactive");
  trans.rollback();  // a no-op, no error
  auto sp = conn.begin_nested();
  sp.commit();
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { sp.commit(); }),
            "This nested transaction is inactive");
  sp.rollback();
  sp.close();
}

INSTANTIATE_TEST_SUITE_P(Backends, Transactions, ::testing::ValuesIn(all_backends()), backend_name);

// ---- SQLite only
// ----------------------------------------------------------------------------------

class SQLiteOnlyTransactions : public BackendTest {};

// Seed 000 "Two-Phase Commit": SQLite has none. The failed BEGIN TWOPHASE leaves no transaction
// and is followed by SQLAlchemy's "autorollback" (SPEC §4.7).
TEST_P(SQLiteOnlyTransactions, TwoPhaseIsNotSupported) {
  auto conn = engine().connect();
  EXPECT_THROW(conn.begin_twophase(), sa::exc::NotSupportedError);
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(log.lines(), (Lines{"BEGIN TWOPHASE (implicit)", "ROLLBACK"}));
  EXPECT_THROW(conn.begin_twophase("my_xid"), sa::exc::NotSupportedError);
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);  // still usable
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { conn.begin_twophase(); }),
            "Cannot start a two phase transaction when a transaction is already in progress.");
}

// A failed statement does not end the transaction (no implicit rollback in 2.0): on SQLite the
// earlier work of the same transaction still commits.
TEST_P(SQLiteOnlyTransactions, StatementErrorKeepsEarlierWorkCommittable) {
  create_table("t", "x INTEGER UNIQUE");
  {
    auto conn = engine().connect();
    conn.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
    EXPECT_THROW(conn.execute(sa::text("INSERT INTO t (x) VALUES (1)")), sa::exc::IntegrityError);
    EXPECT_TRUE(conn.in_transaction());
    conn.commit();
  }
  EXPECT_EQ(count_rows("t"), 1);
}

INSTANTIATE_TEST_SUITE_P(SQLite, SQLiteOnlyTransactions, ::testing::ValuesIn(sqlite_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
