// The SQLite driver (our DBAPI over libsqlite3) against real SQLite databases.
#include "dialects/sqlite/driver.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <new>
#include <optional>
#include <string>

#include "alloc_counter.hpp"
#include "athanor/dbapi.hpp"
#include "dialects/sqlite/errors.hpp"

// Counts global operator new calls, to prove the execute/fetch hot path allocates nothing (read
// by the whole test binary through alloc_counter.hpp).
std::atomic<long> athanor::testing::g_allocations{0};
using athanor::testing::g_allocations;
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using namespace athanor;
using namespace std::chrono_literals;
namespace sq = athanor::dialects::sqlite;
using dbapi::ErrorKind;
using Rows = std::vector<std::vector<Value>>;

dbapi::ConnectionPtr memory(Params args = {}) {
  return sq::connect(args);
}

sqlite3* handle(dbapi::Connection& c) {
  return static_cast<sqlite3*>(c.native_handle());
}

// Prepared statements alive on the connection whose SQL is `sql`.
int statements_for(dbapi::Connection& c, std::string_view sql) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(handle(c), nullptr); s;
       s = sqlite3_next_stmt(handle(c), s)) {
    if (sql == sqlite3_sql(s)) ++n;
  }
  return n;
}

std::optional<dbapi::Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const dbapi::Error& e) {
    return e;
  }
  return std::nullopt;
}

#define EXPECT_DBAPI_ERROR(stmt, kind_, message)                    \
  do {                                                              \
    const auto err_ = error_of([&] { stmt; });                      \
    ASSERT_TRUE(err_.has_value()) << "no dbapi::Error from " #stmt; \
    EXPECT_EQ(err_->kind(), kind_) << err_->what();                 \
    EXPECT_STREQ(err_->what(), message);                            \
    EXPECT_EQ(err_->driver(), "sqlite3");                           \
  } while (0)

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "athanor-sqlite-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

Rows all(dbapi::Connection& c, std::string_view sql, const std::vector<Value>& params = {}) {
  auto cur = c.cursor();
  cur->execute(sql, params);
  return cur->fetchall();
}

std::int64_t count(dbapi::Connection& c, std::string_view table) {
  return all(c, "SELECT count(*) FROM " + std::string(table)).at(0).at(0).as<std::int64_t>();
}

class SQLiteDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cur = conn->cursor();
    cur->execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, x REAL)");
    cur->executemany("INSERT INTO t (id, name, x) VALUES (?, ?, ?)",
                     {{1, "a", 1.5}, {2, "b", null}, {3, "c", 3.5}});
    conn->commit();
  }
  dbapi::ConnectionPtr conn = memory();
};

// ---- generic dbapi pieces ---------------------------------------------------------------------

TEST(DbapiError, ClassNamesAndQualifiedName) {
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::error), "Error");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::interface_error), "InterfaceError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::database_error), "DatabaseError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::data_error), "DataError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::operational_error), "OperationalError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::integrity_error), "IntegrityError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::internal_error), "InternalError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::programming_error), "ProgrammingError");
  EXPECT_EQ(dbapi::error_class_name(ErrorKind::not_supported_error), "NotSupportedError");
  const dbapi::Error e(ErrorKind::operational_error, "sqlite3", "boom", "5");
  EXPECT_EQ(e.qualified_name(), "sqlite3.OperationalError");
  EXPECT_STREQ(e.what(), "boom");
  EXPECT_EQ(e.native_code(), "5");
}

TEST(DbapiDescription, SerialsAreUniqueAndIncreasing) {
  const auto a = dbapi::Description::next_serial();
  const auto b = dbapi::Description::next_serial();
  EXPECT_GT(a, 0u);
  EXPECT_GT(b, a);
}

// ---- error mapping ----------------------------------------------------------------------------

TEST(SQLiteErrors, ResultCodesMapToPep249Classes) {
  const auto kind = [](int code, bool preparing = false) {
    return sq::error_from_code(code, "m", preparing).kind();
  };
  EXPECT_EQ(kind(SQLITE_CONSTRAINT_UNIQUE), ErrorKind::integrity_error);
  EXPECT_EQ(kind(SQLITE_CONSTRAINT_NOTNULL), ErrorKind::integrity_error);
  EXPECT_EQ(kind(SQLITE_MISMATCH), ErrorKind::integrity_error);
  const auto kind_msg = [](int code, bool preparing, const char* message) {
    return sq::error_from_code(code, message, preparing).kind();
  };
  EXPECT_EQ(kind_msg(SQLITE_ERROR, true, "near \"x\": syntax error"), ErrorKind::programming_error);
  EXPECT_EQ(kind_msg(SQLITE_ERROR, true, "incomplete input"), ErrorKind::programming_error);
  EXPECT_EQ(kind_msg(SQLITE_ERROR, true, "no such table: t"), ErrorKind::operational_error);
  EXPECT_EQ(kind_msg(SQLITE_ERROR, false, "near \"x\": syntax error"),
            ErrorKind::operational_error);
  for (int code : {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN, SQLITE_IOERR_READ, SQLITE_FULL,
                   SQLITE_PROTOCOL, SQLITE_READONLY, SQLITE_INTERRUPT, SQLITE_ABORT_ROLLBACK,
                   SQLITE_PERM, SQLITE_NOTADB, SQLITE_SCHEMA}) {
    EXPECT_EQ(kind(code), ErrorKind::operational_error) << code;
  }
  EXPECT_EQ(kind(SQLITE_TOOBIG), ErrorKind::data_error);
  EXPECT_EQ(kind(SQLITE_MISUSE), ErrorKind::interface_error);
  EXPECT_EQ(kind(SQLITE_RANGE), ErrorKind::interface_error);
  EXPECT_EQ(kind(SQLITE_INTERNAL), ErrorKind::internal_error);
  EXPECT_EQ(kind(SQLITE_NOTFOUND), ErrorKind::internal_error);
  EXPECT_EQ(kind(SQLITE_CORRUPT), ErrorKind::database_error);
  EXPECT_EQ(kind(SQLITE_NOMEM), ErrorKind::database_error);
  EXPECT_EQ(sq::error_from_code(SQLITE_CONSTRAINT_UNIQUE, "m", false).native_code(), "2067");
}

// Syntax errors are ProgrammingError (PEP 249); a missing table or column is an OperationalError,
// as Python's sqlite3 reports it (SPEC §13.2's "(sqlite3.OperationalError) no such table").
TEST_F(SQLiteDriver, SyntaxErrorsAreProgrammingErrorsMissingObjectsOperational) {
  auto cur = conn->cursor();
  EXPECT_DBAPI_ERROR(cur->execute("SELECT * FROM nope"), ErrorKind::operational_error,
                     "no such table: nope");
  EXPECT_DBAPI_ERROR(cur->execute("SELECT nope FROM t"), ErrorKind::operational_error,
                     "no such column: nope");
  EXPECT_DBAPI_ERROR(cur->execute("INVALID SQL"), ErrorKind::programming_error,
                     "near \"INVALID\": syntax error");
  const auto e = error_of([&] { cur->execute("INVALID SQL"); });
  EXPECT_EQ(e->native_code(), std::to_string(SQLITE_ERROR));
  EXPECT_EQ(e->qualified_name(), "sqlite3.ProgrammingError");
}

TEST_F(SQLiteDriver, ConstraintViolationsAreIntegrityErrors) {
  auto cur = conn->cursor();
  EXPECT_DBAPI_ERROR(cur->execute("INSERT INTO t (id, name) VALUES (1, 'z')"),
                     ErrorKind::integrity_error, "UNIQUE constraint failed: t.id");
  EXPECT_DBAPI_ERROR(cur->execute("INSERT INTO t (id, name) VALUES (9, 'a')"),
                     ErrorKind::integrity_error, "UNIQUE constraint failed: t.name");
  const auto e = error_of([&] { cur->execute("INSERT INTO t (id, name) VALUES (10, 'a')"); });
  EXPECT_EQ(e->native_code(), std::to_string(SQLITE_CONSTRAINT_UNIQUE));
  EXPECT_DBAPI_ERROR(cur->execute("INSERT INTO t (id) VALUES ('not a rowid')"),
                     ErrorKind::integrity_error, "datatype mismatch");
}

TEST_F(SQLiteDriver, StepTimeErrorIsOperational) {
  auto cur = conn->cursor();
  EXPECT_DBAPI_ERROR(cur->execute("SELECT abs(-9223372036854775807 - 1)"),
                     ErrorKind::operational_error, "integer overflow");
  // The failed statement went back to the cache, reset: it runs again.
  EXPECT_DBAPI_ERROR(cur->execute("SELECT abs(-9223372036854775807 - 1)"),
                     ErrorKind::operational_error, "integer overflow");
}

TEST_F(SQLiteDriver, TooBigIsDataError) {
  sqlite3_limit(handle(*conn), SQLITE_LIMIT_LENGTH, 100);
  auto cur = conn->cursor();
  EXPECT_DBAPI_ERROR(cur->execute("SELECT ?", {std::string(200, 'x')}), ErrorKind::data_error,
                     "string or blob too big");
}

TEST_F(SQLiteDriver, UsageErrors) {
  auto cur = conn->cursor();
  EXPECT_DBAPI_ERROR(cur->execute("SELECT 1; SELECT 2"), ErrorKind::programming_error,
                     "You can only execute one statement at a time.");
  cur->execute("SELECT 1 ;  ; -- trailing comment\n /* and a block */ ");
  EXPECT_EQ(cur->fetchall(), (Rows{{1}}));
  EXPECT_DBAPI_ERROR(cur->execute(std::string_view("SELECT 1\0", 9)), ErrorKind::programming_error,
                     "the query contains a null character");
  EXPECT_DBAPI_ERROR(
      cur->execute("SELECT ?, ?", {1}), ErrorKind::programming_error,
      "Incorrect number of bindings supplied. The current statement uses 2, and there are 1 "
      "supplied.");
  EXPECT_DBAPI_ERROR(
      cur->execute("SELECT ?", {1, 2}), ErrorKind::programming_error,
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 2 "
      "supplied.");
  EXPECT_DBAPI_ERROR(
      cur->execute("SELECT ?"), ErrorKind::programming_error,
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 0 "
      "supplied.");
  EXPECT_DBAPI_ERROR(cur->execute("SELECT :a, :b", Params{{"a", 1}}), ErrorKind::programming_error,
                     "You did not supply a value for binding parameter :b.");
  EXPECT_DBAPI_ERROR(cur->execute("SELECT ?", Params{{"a", 1}}), ErrorKind::programming_error,
                     "Binding 1 has no name, but you supplied a dictionary (which has only "
                     "names).");
  EXPECT_DBAPI_ERROR(cur->executemany("SELECT ?", Rows{{1}, {2}}), ErrorKind::programming_error,
                     "executemany() can only execute DML statements.");
  EXPECT_DBAPI_ERROR(cur->callproc("p", {}), ErrorKind::not_supported_error,
                     "sqlite3 has no stored procedures: callproc() is not supported");
  // Failed binds leave nothing behind: the cursor works normally afterwards.
  cur->execute("SELECT count(*) FROM t");
  EXPECT_EQ(cur->fetchone(), (std::vector<Value>{3}));
}

TEST_F(SQLiteDriver, NamedParametersWithEveryPrefix) {
  auto cur = conn->cursor();
  cur->execute("SELECT :a, @b, $c, :a", Params{{"c", 3}, {"b", "two"}, {"a", 1.5}});
  EXPECT_EQ(cur->fetchall(), (Rows{{1.5, "two", 3, 1.5}}));
}

TEST_F(SQLiteDriver, BlankSqlDoesNothing) {
  auto cur = conn->cursor();
  cur->execute("  -- only a comment\n");
  EXPECT_EQ(cur->description(), nullptr);
  EXPECT_EQ(cur->rowcount(), -1);
  EXPECT_EQ(cur->fetchone(), std::nullopt);
}

// ---- closed objects ---------------------------------------------------------------------------

TEST_F(SQLiteDriver, ClosedCursorAndClosedConnection) {
  auto cur = conn->cursor();
  cur->close();
  EXPECT_TRUE(cur->closed());
  const char* closed_cursor = "Cannot operate on a closed cursor.";
  EXPECT_DBAPI_ERROR(cur->execute("SELECT 1"), ErrorKind::programming_error, closed_cursor);
  EXPECT_DBAPI_ERROR(cur->fetchone(), ErrorKind::programming_error, closed_cursor);
  EXPECT_DBAPI_ERROR(cur->nextset(), ErrorKind::programming_error, closed_cursor);

  auto open = conn->cursor();
  open->execute("SELECT id FROM t");
  conn->close();
  conn->close();  // idempotent
  EXPECT_TRUE(conn->closed());
  EXPECT_TRUE(open->closed());
  EXPECT_FALSE(conn->in_transaction());
  const char* closed_db = "Cannot operate on a closed database.";
  EXPECT_DBAPI_ERROR(open->fetchone(), ErrorKind::programming_error, closed_db);
  EXPECT_DBAPI_ERROR(open->execute("SELECT 1"), ErrorKind::programming_error, closed_db);
  EXPECT_DBAPI_ERROR(conn->cursor(), ErrorKind::programming_error, closed_db);
  EXPECT_DBAPI_ERROR(conn->commit(), ErrorKind::programming_error, closed_db);
  EXPECT_DBAPI_ERROR(conn->rollback(), ErrorKind::programming_error, closed_db);
  EXPECT_DBAPI_ERROR(conn->set_autocommit(true), ErrorKind::programming_error, closed_db);
}

TEST(SQLiteDriverLifetime, CursorOutlivingItsConnection) {
  auto conn = memory();
  auto cur = conn->cursor();
  auto closed_one = conn->cursor();
  closed_one->close();
  cur->execute("SELECT 1 UNION ALL SELECT 2");
  conn.reset();
  EXPECT_TRUE(cur->closed());
  EXPECT_DBAPI_ERROR(cur->fetchone(), ErrorKind::programming_error,
                     "Cannot operate on a closed database.");
  EXPECT_DBAPI_ERROR(closed_one->execute("SELECT 1"), ErrorKind::programming_error,
                     "Cannot operate on a closed cursor.");
  cur.reset();  // deletes itself: nothing to return to (ASan checks it)
}

TEST(SQLiteDriverLifetime, CloseCursorsEndsEveryCursor) {
  auto conn = memory();
  auto a = conn->cursor();
  auto b = conn->cursor();
  a->execute("SELECT 1 UNION ALL SELECT 2");
  b->execute("SELECT 3 UNION ALL SELECT 4");
  conn->close_cursors();
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_DBAPI_ERROR(a->fetchone(), ErrorKind::programming_error,
                     "Cannot operate on a closed cursor.");
  for (sqlite3_stmt* s = sqlite3_next_stmt(handle(*conn), nullptr); s;
       s = sqlite3_next_stmt(handle(*conn), s)) {
    EXPECT_FALSE(sqlite3_stmt_busy(s)) << sqlite3_sql(s);
  }
  auto c = conn->cursor();  // the connection itself is fine
  c->execute("SELECT 5");
  EXPECT_EQ(c->fetchall(), (Rows{{5}}));
}

TEST(SQLiteDriverLifetime, CursorsAreRecycled) {
  auto conn = memory();
  dbapi::Cursor* first = nullptr;
  {
    auto cur = conn->cursor();
    first = cur.get();
    cur->arraysize = 7;
    cur->execute("CREATE TABLE r (id INTEGER PRIMARY KEY)");
    cur->execute("INSERT INTO r DEFAULT VALUES");
    cur->execute("SELECT id FROM r");
    ASSERT_NE(cur->lastrowid(), std::nullopt);
  }
  auto again = conn->cursor();
  EXPECT_EQ(again.get(), first);
  EXPECT_FALSE(again->closed());
  EXPECT_EQ(again->description(), nullptr);
  EXPECT_EQ(again->rowcount(), -1);
  EXPECT_EQ(again->lastrowid(), std::nullopt);
  EXPECT_EQ(again->arraysize, 1u);
  EXPECT_EQ(again->fetchone(), std::nullopt);
  auto other = conn->cursor();
  EXPECT_NE(other.get(), first);
}

// ---- transactions -----------------------------------------------------------------------------

TEST(SQLiteTransactions, BeginIsLazyAndSkipsControlStatements) {
  auto conn = memory();
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_FALSE(conn->autocommit());
  auto cur = conn->cursor();
  cur->execute("PRAGMA user_version");
  EXPECT_EQ(cur->fetchall(), (Rows{{0}}));
  EXPECT_FALSE(conn->in_transaction());
  cur->execute("SELECT 1");
  EXPECT_TRUE(conn->in_transaction());
  conn->commit();
  EXPECT_FALSE(conn->in_transaction());
  conn->commit();  // nothing open: no-op
  conn->rollback();

  // An explicit BEGIN is not preceded by ours (which would fail: "within a transaction").
  cur->execute("BEGIN");
  EXPECT_TRUE(conn->in_transaction());
  cur->execute("COMMIT");
  EXPECT_FALSE(conn->in_transaction());
  cur->execute("VACUUM");
  EXPECT_FALSE(conn->in_transaction());
}

TEST(SQLiteTransactions, SavepointRunsInsideImplicitTransaction) {
  auto conn = memory();
  auto cur = conn->cursor();
  cur->execute("SAVEPOINT sp1");
  cur->execute("RELEASE SAVEPOINT sp1");
  // Had SAVEPOINT opened the transaction itself, RELEASE would have ended it.
  EXPECT_TRUE(conn->in_transaction());
}

TEST(SQLiteTransactions, RolledBackCreateTableDisappears) {
  auto conn = memory();
  auto cur = conn->cursor();
  cur->execute("CREATE TABLE gone (x)");
  cur->execute("INSERT INTO gone VALUES (1)");
  conn->rollback();
  EXPECT_DBAPI_ERROR(cur->execute("SELECT * FROM gone"), ErrorKind::operational_error,
                     "no such table: gone");
}

TEST(SQLiteTransactions, SecondConnectionSeesOnlyCommittedRows) {
  TempDir dir;
  const Params args{{"database", dir.file("t.db")}};
  auto writer = sq::connect(args);
  auto reader = sq::connect(args);
  writer->cursor()->execute("CREATE TABLE t (x)");
  writer->commit();
  writer->cursor()->execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(count(*writer, "t"), 1);
  EXPECT_EQ(count(*reader, "t"), 0);
  reader->rollback();  // end the reader's transaction, so it sees the commit and does not block it
  writer->commit();
  EXPECT_EQ(count(*reader, "t"), 1);
}

TEST(SQLiteTransactions, AutocommitMode) {
  TempDir dir;
  const Params args{{"database", dir.file("a.db")}};
  auto conn = sq::connect(args);
  auto other = sq::connect(args);
  conn->set_autocommit(true);
  EXPECT_TRUE(conn->autocommit());
  auto cur = conn->cursor();
  cur->execute("CREATE TABLE t (x)");
  cur->execute("INSERT INTO t VALUES (1)");
  EXPECT_FALSE(conn->in_transaction());
  conn->rollback();  // nothing to roll back
  EXPECT_EQ(count(*other, "t"), 1);
  other->rollback();

  // An explicit transaction in autocommit mode is still ended by commit().
  cur->execute("BEGIN");
  cur->execute("INSERT INTO t VALUES (2)");
  conn->commit();
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(count(*other, "t"), 2);
  other->rollback();

  // Leaving autocommit: the next statement begins again.
  conn->set_autocommit(false);
  cur->execute("INSERT INTO t VALUES (3)");
  EXPECT_TRUE(conn->in_transaction());
  EXPECT_EQ(count(*other, "t"), 2);
  other->rollback();
  // Entering autocommit commits what is open.
  conn->set_autocommit(true);
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(count(*other, "t"), 3);
}

TEST_F(SQLiteDriver, CommitKeepsAnUnfinishedSelectGoing) {
  auto reader = conn->cursor();
  reader->execute("SELECT id FROM t ORDER BY id");
  EXPECT_EQ(reader->fetchone(), (std::vector<Value>{1}));
  conn->cursor()->execute("INSERT INTO t (id, name) VALUES (4, 'd')");
  conn->commit();
  // One connection has no snapshot of its own: the read goes on and sees the committed row.
  EXPECT_EQ(reader->fetchall(), (Rows{{2}, {3}, {4}}));
}

TEST_F(SQLiteDriver, RollbackEndsUnfinishedSelects) {
  auto reader = conn->cursor();
  reader->execute("SELECT id FROM t ORDER BY id");
  auto writer = conn->cursor();
  writer->execute("INSERT INTO t (id, name) VALUES (4, 'd') RETURNING id");  // rows pending
  conn->rollback();
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(reader->fetchone(), std::nullopt);
  EXPECT_EQ(writer->fetchone(), std::nullopt);
  reader->execute("SELECT count(*) FROM t");
  EXPECT_EQ(reader->fetchall(), (Rows{{3}}));
}

TEST(SQLiteConnect, BusyTimeoutAndLockedDatabase) {
  TempDir dir;
  auto holder = sq::connect(Params{{"database", dir.file("l.db")}});
  holder->cursor()->execute("CREATE TABLE t (x)");
  holder->commit();
  holder->cursor()->execute("INSERT INTO t VALUES (1)");  // holds the write lock
  auto waiter = sq::connect(Params{{"database", dir.file("l.db")}, {"timeout", 0.05}});
  const auto start = std::chrono::steady_clock::now();
  const auto e = error_of([&] { waiter->cursor()->execute("INSERT INTO t VALUES (2)"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), ErrorKind::operational_error);
  EXPECT_STREQ(e->what(), "database is locked");
  EXPECT_EQ(e->native_code(), std::to_string(SQLITE_BUSY));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
}

TEST(SQLiteConnect, Arguments) {
  auto conn = sq::connect(Params{});
  EXPECT_STREQ(sqlite3_db_filename(handle(*conn), "main"), "");  // in memory
  EXPECT_DBAPI_ERROR(sq::connect(Params{{"database", "/nonexistent-dir/x/y.db"}}),
                     ErrorKind::operational_error, "unable to open database file");
  EXPECT_DBAPI_ERROR(sq::connect(Params{{"bogus", 1}}), ErrorKind::interface_error,
                     "'bogus' is an invalid keyword argument for connect()");
  EXPECT_DBAPI_ERROR(sq::connect(Params{{"timeout", "soon"}}), ErrorKind::interface_error,
                     "connect() argument 'timeout' must be a number of seconds");
  EXPECT_NO_THROW(sq::connect(Params{{"check_same_thread", false}, {"timeout", 1}}));

  // uri=true: SQLite parses "file:" URIs; two connections share a named memory database.
  const Params uri{{"database", "file:athanor_shared?mode=memory&cache=shared"}, {"uri", true}};
  auto a = sq::connect(uri);
  auto b = sq::connect(uri);
  a->set_autocommit(true);
  a->cursor()->execute("CREATE TABLE shared (x)");
  EXPECT_EQ(count(*b, "shared"), 0);
}

TEST(SQLiteConnect, ReadOnlyDatabaseRefusesWrites) {
  TempDir dir;
  sq::connect(Params{{"database", dir.file("ro.db")}})->cursor()->execute("VACUUM");
  auto ro =
      sq::connect(Params{{"database", "file:" + dir.file("ro.db") + "?mode=ro"}, {"uri", true}});
  EXPECT_DBAPI_ERROR(ro->cursor()->execute("CREATE TABLE t (x)"), ErrorKind::operational_error,
                     "attempt to write a readonly database");
}

// ---- results ----------------------------------------------------------------------------------

TEST_F(SQLiteDriver, RowcountAndLastrowid) {
  auto cur = conn->cursor();
  EXPECT_EQ(cur->lastrowid(), std::nullopt);
  cur->execute("UPDATE t SET x = 0 WHERE id > 1");
  EXPECT_EQ(cur->rowcount(), 2);
  EXPECT_EQ(cur->lastrowid(), std::nullopt);
  cur->execute("INSERT INTO t (name) VALUES ('n')");
  EXPECT_EQ(cur->rowcount(), 1);
  EXPECT_EQ(cur->lastrowid(), 4);
  cur->execute("SELECT * FROM t");
  EXPECT_EQ(cur->rowcount(), -1);
  EXPECT_EQ(cur->lastrowid(), 4);  // only INSERT/REPLACE through execute() change it
  cur->executemany("INSERT INTO t (name) VALUES (?)", Rows{{"p"}, {"q"}});
  EXPECT_EQ(cur->rowcount(), 2);
  EXPECT_EQ(cur->lastrowid(), 4);
  cur->execute("REPLACE INTO t (id, name) VALUES (10, 'r')");
  EXPECT_EQ(cur->lastrowid(), 10);
  cur->execute("DELETE FROM t WHERE id >= 4");
  EXPECT_EQ(cur->rowcount(), 4);
  cur->execute("CREATE TABLE other (y)");
  EXPECT_EQ(cur->rowcount(), -1);

  cur->execute("INSERT INTO t (id, name) VALUES (20, 'u'), (21, 'v') RETURNING id");
  EXPECT_EQ(cur->lastrowid(), 21);
  EXPECT_EQ(cur->fetchall(), (Rows{{20}, {21}}));
  EXPECT_EQ(cur->rowcount(), 2);
}

TEST_F(SQLiteDriver, ExecutemanyReusesOneStatement) {
  auto cur = conn->cursor();
  const std::string sql = "INSERT INTO t (name, x) VALUES (:name, :x)";
  cur->executemany(
      sql, std::vector<Params>{
               {{"name", "d"}, {"x", 1}}, {{"name", "e"}, {"x", 2}}, {{"name", "f"}, {"x", 3}}});
  EXPECT_EQ(cur->rowcount(), 3);
  ASSERT_EQ(statements_for(*conn, sql), 1);
  sqlite3_stmt* s = nullptr;
  while ((s = sqlite3_next_stmt(handle(*conn), s)) && sql != sqlite3_sql(s)) {
  }
  EXPECT_EQ(sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0), 3);

  cur->executemany("UPDATE t SET x = ? WHERE name = ?", Rows{{7, "d"}, {8, "zzz"}, {9, "a"}});
  EXPECT_EQ(cur->rowcount(), 2);
  cur->executemany("DELETE FROM t WHERE id = ?", Rows{});
  EXPECT_EQ(cur->rowcount(), 0);
  EXPECT_EQ(count(*conn, "t"), 6);
}

TEST(SQLiteExecutemany, EmptyRowsAndRaggedRows) {
  auto conn = memory();
  auto cur = conn->cursor();
  cur->execute("CREATE TABLE d (id INTEGER PRIMARY KEY, v DEFAULT 'v')");
  cur->executemany("INSERT INTO d DEFAULT VALUES", Rows{{}, {}, {}});
  EXPECT_EQ(cur->rowcount(), 3);
  EXPECT_DBAPI_ERROR(
      cur->executemany("INSERT INTO d (v) VALUES (?)", Rows{{}}), ErrorKind::programming_error,
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 0 "
      "supplied.");
  EXPECT_DBAPI_ERROR(
      cur->executemany("INSERT INTO d (v) VALUES (?)", Rows{{1}, {2}, {3, 4}}),
      ErrorKind::programming_error,
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 2 "
      "supplied.");
  EXPECT_EQ(count(*conn, "d"), 5);  // the rows before the bad one went in
}

TEST_F(SQLiteDriver, DescriptionAndFetching) {
  auto cur = conn->cursor();
  cur->execute("SELECT id, name AS label, x FROM t ORDER BY id");
  const dbapi::Description* d = cur->description();
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->columns.size(), 3u);
  EXPECT_EQ(d->columns[0].name, "id");
  EXPECT_EQ(d->columns[1].name, "label");
  EXPECT_EQ(d->columns[2].name, "x");
  EXPECT_GT(d->serial, 0u);
  // The first row is already stepped, pending for the first fetch.
  EXPECT_EQ(cur->fetchone(), (std::vector<Value>{1, "a", 1.5}));
  EXPECT_EQ(cur->fetchmany(), (Rows{{2, "b", null}}));  // arraysize 1
  EXPECT_EQ(cur->fetchmany(5), (Rows{{3, "c", 3.5}}));
  EXPECT_EQ(cur->fetchone(), std::nullopt);
  EXPECT_EQ(cur->fetchall(), Rows{});
  EXPECT_EQ(cur->description(), d);  // kept after the rows ran out

  cur->execute("SELECT id, name AS label, x FROM t ORDER BY id");
  EXPECT_EQ(cur->description()->serial, d->serial);  // same prepared statement
  cur->arraysize = 2;
  EXPECT_EQ(cur->fetchmany().size(), 2u);
  EXPECT_EQ(cur->fetchall().size(), 1u);

  cur->execute("SELECT id FROM t WHERE id > 100");
  ASSERT_NE(cur->description(), nullptr);
  EXPECT_EQ(cur->fetchall(), Rows{});
  cur->execute("UPDATE t SET x = 1 WHERE id = 1");
  EXPECT_EQ(cur->description(), nullptr);
  EXPECT_EQ(cur->fetchone(), std::nullopt);
  EXPECT_FALSE(cur->nextset());
}

TEST_F(SQLiteDriver, StepsOneRowAheadAsPysqliteDoes) {
  auto cur = conn->cursor();
  cur->execute("SELECT id FROM t ORDER BY id");
  EXPECT_FALSE(cur->at_end());
  EXPECT_EQ(cur->fetchmany(2).size(), 2u);
  EXPECT_FALSE(cur->at_end());
  EXPECT_EQ(cur->fetchone(), (std::vector<Value>{3}));
  // Reading the last row stepped to the end: the statement is already back in the cache.
  EXPECT_TRUE(cur->at_end());
  EXPECT_EQ(cur->statement(), "");
  EXPECT_EQ(cur->fetchone(), std::nullopt);
  // An error producing the next row surfaces with the row before it, as in pysqlite.
  cur->execute(
      "SELECT CASE WHEN id < 2 THEN id ELSE abs(-9223372036854775807 - 1) END FROM t ORDER BY id");
  EXPECT_DBAPI_ERROR(cur->fetchone(), ErrorKind::operational_error, "integer overflow");
}

TEST_F(SQLiteDriver, DescriptionFollowsSchemaChanges) {
  auto cur = conn->cursor();
  cur->execute("SELECT * FROM t");
  const auto before = cur->description()->serial;
  EXPECT_EQ(cur->description()->columns.size(), 3u);
  cur->execute("ALTER TABLE t ADD COLUMN extra");
  cur->execute("SELECT * FROM t");
  ASSERT_EQ(cur->description()->columns.size(), 4u);
  EXPECT_EQ(cur->description()->columns[3].name, "extra");
  EXPECT_NE(cur->description()->serial, before);
}

TEST_F(SQLiteDriver, ValueKindsRoundTrip) {
  auto cur = conn->cursor();
  const Blob blob{std::byte{0}, std::byte{0xff}, std::byte{7}};
  cur->execute("SELECT ?, ?, ?, ?, ?, ?, ?, ?",
               {null, true, std::int64_t{9007199254740993}, 2.25, "héllo", Value(blob),
                Value(Blob{}), Decimal{"12.50"}});
  const auto row = cur->fetchone().value();
  EXPECT_TRUE(row[0].is_null());
  EXPECT_EQ(row[1], Value(1));
  EXPECT_EQ(row[2], Value(std::int64_t{9007199254740993}));
  EXPECT_EQ(row[3], Value(2.25));
  EXPECT_EQ(row[4], Value("héllo"));
  EXPECT_EQ(row[5].kind(), Value::Kind::blob);
  EXPECT_EQ(row[5].as<Blob>(), blob);
  EXPECT_EQ(row[6].kind(), Value::Kind::blob);
  EXPECT_TRUE(row[6].as<Blob>().empty());
  EXPECT_EQ(row[7], Value("12.50"));
}

TEST_F(SQLiteDriver, DatesAndTimesBindAsIsoText) {
  using namespace std::chrono;
  const Date date = 2024y / March / 5d;
  const Time time{13h + 4min + 5s + 123us};
  const DateTime stamp = local_days{date} + 13h + 4min + 5s + 123us;
  auto cur = conn->cursor();
  cur->execute("SELECT ?, ?, ?, ?", {date, time, stamp, DateTime(local_days{1999y / 12 / 31})});
  const auto row = cur->fetchone().value();
  EXPECT_EQ(row[0], Value("2024-03-05"));
  EXPECT_EQ(row[1], Value("13:04:05.000123"));
  EXPECT_EQ(row[2], Value("2024-03-05 13:04:05.000123"));
  EXPECT_EQ(row[3], Value("1999-12-31 00:00:00.000000"));
  EXPECT_EQ(row[0].as<Date>(), date);
  EXPECT_EQ(row[2].as<DateTime>(), stamp);

  cur->execute("CREATE TABLE ev (d DATE, ts TIMESTAMP)");
  cur->execute("INSERT INTO ev VALUES (?, ?)", {date, stamp});
  cur->execute("SELECT count(*) FROM ev WHERE d = '2024-03-05' AND ts > '2024-03-05 13:04:05'");
  EXPECT_EQ(cur->fetchall(), (Rows{{1}}));
}

// ---- the statement cache ----------------------------------------------------------------------

TEST_F(SQLiteDriver, CachedStatementIsReused) {
  const std::string sql = "SELECT name FROM t WHERE id = ?";
  auto cur = conn->cursor();
  cur->execute(sql, {1});
  const auto* first = cur->description();
  EXPECT_EQ(cur->fetchall(), (Rows{{"a"}}));
  auto other = conn->cursor();
  other->execute(sql, {2});
  EXPECT_EQ(other->description(), first);
  EXPECT_EQ(other->fetchall(), (Rows{{"b"}}));
  EXPECT_EQ(statements_for(*conn, sql), 1);
}

TEST(SQLiteStatementCache, LeastRecentlyUsedIsEvicted) {
  auto conn = memory(Params{{"cached_statements", 2}});
  auto cur = conn->cursor();
  const std::string a = "SELECT 'a'", b = "SELECT 'b'", c = "SELECT 'c'";
  for (const auto& sql : {a, b, a, c}) cur->execute(sql);
  cur->close();
  EXPECT_EQ(statements_for(*conn, a), 1);
  EXPECT_EQ(statements_for(*conn, b), 0);  // least recently used of a, b when c came
  EXPECT_EQ(statements_for(*conn, c), 1);
}

TEST(SQLiteStatementCache, ZeroCapacityCachesNothing) {
  auto conn = memory(Params{{"cached_statements", 0}});
  auto cur = conn->cursor();
  cur->execute("SELECT 1 UNION ALL SELECT 2");
  EXPECT_EQ(statements_for(*conn, "SELECT 1 UNION ALL SELECT 2"), 1);  // in use
  EXPECT_EQ(cur->fetchall(), (Rows{{1}, {2}}));
  EXPECT_EQ(statements_for(*conn, "SELECT 1 UNION ALL SELECT 2"), 0);
}

TEST_F(SQLiteDriver, TwoCursorsIteratingTheSameSql) {
  const std::string sql = "SELECT id FROM t ORDER BY id";
  auto a = conn->cursor();
  auto b = conn->cursor();
  a->execute(sql);
  EXPECT_EQ(a->fetchone(), (std::vector<Value>{1}));
  b->execute(sql);  // the cached statement is busy: b gets its own
  EXPECT_EQ(statements_for(*conn, sql), 2);
  EXPECT_EQ(a->description()->serial, b->description()->serial);
  EXPECT_EQ(b->fetchone(), (std::vector<Value>{1}));
  EXPECT_EQ(b->fetchone(), (std::vector<Value>{2}));
  EXPECT_EQ(a->fetchone(), (std::vector<Value>{2}));
  EXPECT_EQ(a->fetchall(), (Rows{{3}}));
  EXPECT_EQ(b->fetchall(), (Rows{{3}}));
  EXPECT_EQ(statements_for(*conn, sql), 1);  // the private one was finalized
}

TEST(SQLiteStatementCache, EvictingABusyStatementWaitsForItsCursor) {
  auto conn = memory(Params{{"cached_statements", 1}});
  const std::string sql = "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3";
  auto reader = conn->cursor();
  reader->execute(sql);
  EXPECT_EQ(reader->fetchone(), (std::vector<Value>{1}));
  auto other = conn->cursor();
  other->execute("SELECT 'evicts the busy one'");
  EXPECT_EQ(statements_for(*conn, sql), 1);  // still stepping for reader
  EXPECT_EQ(reader->fetchall(), (Rows{{2}, {3}}));
  EXPECT_EQ(statements_for(*conn, sql), 0);  // finalized on release
}

TEST_F(SQLiteDriver, HotPathDoesNotAllocateOnceWarm) {
  const std::string sql = "SELECT id, name, x FROM t WHERE id >= ?";
  const std::size_t hash = std::hash<std::string_view>{}(sql);
  const Value param = 1;
  const Value* flat[] = {&param};
  const auto params = dbapi::ParamRows::positional(flat, 1);
  std::vector<Value> row(3);
  const auto run = [&] {
    auto cur = conn->cursor();
    cur->execute_raw(sql, hash, 0, params, false);
    int n = 0;
    while (cur->fetch_into(row)) ++n;
    conn->commit();
    return n;
  };
  EXPECT_EQ(run(), 3);
  const long before = g_allocations.load();
  for (int i = 0; i < 50; ++i) run();
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(row[1], Value("c"));
}

}  // namespace
