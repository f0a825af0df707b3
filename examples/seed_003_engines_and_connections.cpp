// The tour, seed 003: "Working with Engines and Connections" — its Engine, Connection,
// transaction, isolation level, driver SQL and raw DBAPI sections, in the page's order, on
// in-memory SQLite databases with echo on.
//
// The page's "<some statement>" placeholders are small INSERTs into some_table, so that what was
// committed and what was rolled back can be checked. Sections that need later issues are named
// where they would be, with the issue that brings them. What the page says happens is checked: a
// difference makes the program exit 1, so running the tour is itself a test.
#include <athanor/athanor.hpp>

#include "tour.hpp"

#include <any>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sa = athanor;
using tour::echo_to_stdout;
using tour::expect;
using tour::logged;

namespace {

// The page's "<statement>": one row into some_table, tagged so that it can be found again.
void statement(sa::Connection& conn, int x) {
  conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
               sa::Params{{"x", x}, {"y", "statement " + std::to_string(x)}});
}
// Whether row x of some_table is there, as a new connection sees it.
bool committed(sa::Engine& engine, int x) {
  auto conn = engine.connect();
  return conn.execute(sa::text("SELECT count(*) FROM some_table WHERE x = :x"), {{"x", x}})
             .scalar_one<std::int64_t>() == 1;
}

bool autocommit_mode(sa::Connection& conn) {
  return conn.connection().dbapi_connection()->autocommit();
}

int run() {
  echo_to_stdout();

  // ==== Basic Usage ==============================================================================
  // One Engine per database URL, made once and shared. (The page's URL is MySQL; the tour runs on
  // SQLite.)
  sa::Engine engine = sa::create_engine("sqlite://", {.echo = true});
  engine.begin([](sa::Connection& conn) {
    conn.execute(
        sa::text("CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(50) UNIQUE)"));
    conn.execute(sa::text("INSERT INTO users (username) VALUES (:username)"),
                 std::vector<sa::Params>{{{"username", "sandy"}}, {{"username", "spongebob"}}});
    conn.execute(sa::text("CREATE TABLE some_table (x INTEGER, y VARCHAR(50))"));
    conn.execute(sa::text("CREATE TABLE some_other_table (q INTEGER, p VARCHAR(50))"));
  });

  {
    auto connection = engine.connect();
    auto result = connection.execute(sa::text("select username from users"));
    for (const sa::Row& row : result) std::cout << "username: " << row["username"] << '\n';
  }  // close(): the driver connection goes back to the pool, reset by a rollback
  expect(engine.pool().checkedout() == 0, "the connection went back to the pool");

  // ==== Using Transactions =======================================================================
  // (some_table.insert() / some_other_table.insert(): expression-language form arrives with the SQL
  // expression issue; these are the equivalent text() INSERTs.)
  const auto insert_some = sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)");
  const auto insert_other = sa::text("INSERT INTO some_other_table (q, p) VALUES (:q, :p)");

  // -- Commit As You Go: the first execute() autobegins; commit() ends the transaction.
  {
    auto connection = engine.connect();
    connection.execute(insert_some, {{"x", 7}, {"y", "this is some data"}});
    connection.execute(insert_other, {{"q", 8}, {"p", "this is some more data"}});
    connection.commit();  // commit the transaction
  }
  expect(committed(engine, 7), "commit as you go committed x=7");

  // Each commit() / rollback() ends a transaction; the next statement begins a new one.
  {
    auto connection = engine.connect();
    statement(connection, 101);
    connection.commit();  // commits "some statement"

    statement(connection, 102);  // new transaction starts
    connection.rollback();       // rolls back "some other statement"

    statement(connection, 103);  // new transaction starts
    connection.commit();         // commits "a third statement"
  }
  expect(committed(engine, 101) && !committed(engine, 102) && committed(engine, 103),
         "the first and third statements committed, the second rolled back");

  // -- Begin Once: connection.begin() as a block; committed when the block ends normally.
  {
    auto connection = engine.connect();
    connection.begin([&] {
      connection.execute(insert_some, {{"x", 17}, {"y", "this is some data"}});
      connection.execute(insert_other, {{"q", 18}, {"p", "this is some more data"}});
    });
    // transaction is committed
    expect(!connection.in_transaction(), "the begin block ended the transaction");
  }
  expect(committed(engine, 17), "begin once committed x=17");

  // -- Connect and Begin Once from the Engine
  engine.begin([&](sa::Connection& connection) {
    connection.execute(insert_some, {{"x", 27}, {"y", "this is some data"}});
    connection.execute(insert_other, {{"q", 28}, {"p", "this is some more data"}});
  });
  // transaction is committed, and Connection is released to the connection pool
  expect(committed(engine, 27) && engine.pool().checkedout() == 0, "engine.begin() committed");

  // Tip: commit() inside engine.begin() ends the transaction early; anything further on that
  // connection raises until the block ends.
  {
    auto e = sa::create_engine("sqlite://", {.echo = true});
    try {
      e.begin([](sa::Connection& conn) {
        conn.commit();
        conn.begin();
      });
      expect(false, "begin() after commit() inside engine.begin() raises");
    } catch (const sa::exc::InvalidRequestError& err) {
      std::cout << "InvalidRequestError: " << err.what() << '\n';
      expect(std::string(err.what()) ==
                 "Can't operate on closed transaction inside context manager.  Please complete "
                 "the context manager before emitting further commands.",
             "the 'closed transaction inside context manager' message");
    }
  }

  // -- Mixing Styles: begin() only before any statement, or right after commit() / rollback().
  {
    auto connection = engine.connect();
    connection.begin([&] {
      statement(connection, 201);  // run statements in a "begin once" block
    });
    // transaction is committed

    // run a new statement outside of a block: the connection autobegins
    statement(connection, 202);
    connection.commit();  // commit explicitly

    connection.begin([&] {  // can use a "begin once" block here
      statement(connection, 203);
    });

    // After an autobegin, begin() is an error.
    statement(connection, 204);
    try {
      connection.begin();
      expect(false, "begin() after autobegin raises");
    } catch (const sa::exc::InvalidRequestError& err) {
      std::cout << "InvalidRequestError: " << err.what() << '\n';
    }
  }  // 204 is rolled back with the connection
  expect(committed(engine, 201) && committed(engine, 202) && committed(engine, 203) &&
             !committed(engine, 204),
         "mixed styles committed 201-203 and not 204");

  // ==== Setting Transaction Isolation Levels including DBAPI Autocommit ==========================
  // SQLite's levels are SERIALIZABLE (its default), READ UNCOMMITTED and AUTOCOMMIT; REPEATABLE
  // READ, the page's example, is refused ("if an unsupported value is used ... an error is
  // raised").

  // -- Setting Isolation Level or DBAPI Autocommit for a Connection: execution_options() changes
  //    the Connection in place and returns it (SQLAlchemy 2.0); the level lasts until the
  //    connection goes back to the pool.
  {
    auto connection = engine.connect();
    sa::Connection& same = connection.execution_options({{"isolation_level", "READ UNCOMMITTED"}});
    expect(&same == &connection, "Connection.execution_options() returns the same Connection");
    connection.begin([&] { statement(connection, 301); });
    std::cout << "isolation level: " << connection.get_isolation_level() << '\n';
    expect(connection.get_isolation_level() == "READ UNCOMMITTED", "READ UNCOMMITTED applied");

    try {
      connection.execution_options({{"isolation_level", "REPEATABLE READ"}});
      expect(false, "REPEATABLE READ is refused by SQLite");
    } catch (const sa::exc::ArgumentError& err) {
      std::cout << "ArgumentError: " << err.what() << '\n';
    }
  }
  {
    // "The isolation level setting ... is unconditionally reverted when a connection is returned
    // to the connection pool." (The memory database's pool hands back the same driver connection.)
    auto connection = engine.connect();
    expect(connection.get_isolation_level() == "SERIALIZABLE", "reverted to SERIALIZABLE");
  }
  // isolation_level is refused as a statement-level option: it belongs to the transaction.
  try {
    insert_some.execution_options({{"isolation_level", "SERIALIZABLE"}});
    expect(false, "isolation_level is refused on a statement");
  } catch (const sa::exc::ArgumentError& err) {
    std::cout << "ArgumentError: " << err.what() << '\n';
  }

  // -- Setting Isolation Level or DBAPI Autocommit for an Engine: create_engine(isolation_level=)
  //    sets every new driver connection, and becomes the default level.
  {
    auto eng =
        sa::create_engine("sqlite://", {.echo = true, .isolation_level = "READ UNCOMMITTED"});
    auto connection = eng.connect();
    expect(connection.get_isolation_level() == "READ UNCOMMITTED" &&
               connection.default_isolation_level() == "READ UNCOMMITTED",
           "the engine-wide level applies to new connections");
  }

  // -- Maintaining Multiple Isolation Levels for a Single Engine
  {
    // execution_options={"isolation_level": ...}: applied on each new Connection, reverted when
    // the connection is pooled again.
    auto eng = sa::create_engine(
        "sqlite://",
        {.echo = true, .execution_options = {{"isolation_level", "READ UNCOMMITTED"}}});
    {
      auto connection = eng.connect();
      expect(connection.get_isolation_level() == "READ UNCOMMITTED", "engine execution option");
    }
    {
      // The pooled driver connection was reset to its original level...
      auto raw = eng.raw_connection();
      auto cursor = raw.cursor();
      cursor->execute("PRAGMA read_uncommitted");
      expect(cursor->fetchone().value()[0] == 0, "the pooled connection was reset");
    }
  }
  {
    // Engine.execution_options() makes a "sub-engine": same dialect and pool, its own options.
    auto eng = sa::create_engine("sqlite://", {.echo = true});
    auto autocommit_engine = eng.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    expect(&autocommit_engine.pool() == &eng.pool(), "both engines share one pool");
    {
      auto connection = autocommit_engine.connect();
      expect(autocommit_mode(connection), "AUTOCOMMIT on connections from autocommit_engine");
    }
    {
      auto connection = eng.connect();
      expect(!autocommit_mode(connection), "...and reverted when pooled; eng is transactional");
    }
  }

  // ==== Understanding the DBAPI-Level Autocommit Isolation Level =================================
  // Each statement is committed at once; the ROLLBACK when the block ends changes nothing.
  {
    auto connection = engine.connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    statement(connection, 401);
    statement(connection, 402);
  }
  expect(committed(engine, 401) && committed(engine, 402), "autocommit statements persisted");

  // begin() does not change AUTOCOMMIT: no BEGIN is sent and the COMMIT is a DBAPI no-op, which
  // the log says.
  {
    const std::size_t mark = tour::log_lines().size();
    auto connection = engine.connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    // this begin() does not affect the DBAPI connection, isolation stays at AUTOCOMMIT
    connection.begin([&] {
      statement(connection, 411);
      statement(connection, 412);
    });
    expect(logged("BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)", mark) &&
               logged("COMMIT using DBAPI connection.commit()", mark),
           "the log says BEGIN and COMMIT have no effect under autocommit");
  }

  // Connection's own transaction rules still hold: begin() after autobegin raises.
  {
    auto connection = engine.connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    statement(connection, 421);  // "transaction" is autobegun (but has no effect due to autocommit)
    try {
      connection.begin([&] { statement(connection, 422); });  // this will raise
      expect(false, "begin() after autobegin raises, autocommit or not");
    } catch (const sa::exc::InvalidRequestError& err) {
      std::cout << "InvalidRequestError: " << err.what() << '\n';
    }
  }
  expect(committed(engine, 421) && !committed(engine, 422), "421 autocommitted, 422 never ran");

  // ==== Changing Between Isolation Levels ========================================================
  // Flipping autocommit on and off on one connection (which... we usually don't).
  {
    auto connection = engine.connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});
    statement(connection, 501);  // run statement(s) in autocommit mode
    connection.commit();         // "commit" the autobegun "transaction"

    // switch to default isolation level
    connection.execution_options({{"isolation_level", connection.default_isolation_level()}});
    expect(!autocommit_mode(connection), "back to the default level");

    connection.begin([&] { statement(connection, 502); });  // use a begin block
  }
  // The preferred way: one connection checkout per isolation level.
  {
    auto connection = engine.connect();
    connection.execution_options({{"isolation_level", "AUTOCOMMIT"}});  // an autocommit block
    statement(connection, 511);  // run statement in autocommit mode
  }
  engine.begin([](sa::Connection& connection) { statement(connection, 512); });  // a regular block
  expect(committed(engine, 501) && committed(engine, 502) && committed(engine, 511) &&
             committed(engine, 512),
         "both ways of switching levels committed their statements");

  // ==== Using Server Side Cursors (a.k.a. stream results) ========================================
  // SQLite's cursor is unbuffered by nature: rows come from the database as they are read, so
  // streaming only decides how many are read per trip. The page's "table" is big_table here.
  engine.begin([](sa::Connection& conn) {
    conn.execute(sa::text("CREATE TABLE big_table (id INTEGER PRIMARY KEY, data VARCHAR(50))"));
    std::vector<sa::Params> rows;
    for (int id = 1; id <= 230; ++id) {
      rows.push_back({{"id", id}, {"data", "row " + std::to_string(id)}});
    }
    conn.execute(sa::text("INSERT INTO big_table (id, data) VALUES (:id, :data)"), rows);
  });
  // -- Streaming with a fixed buffer via yield_per: batches of 100 rows, and partitions() of 100.
  {
    auto conn = engine.connect();
    std::vector<std::size_t> sizes;
    {
      auto result =
          conn.execution_options({{"yield_per", 100}}).execute(sa::text("select * from big_table"));
      for (const auto& partition : result.partitions()) {
        // partition is an iterable that will be at most 100 items
        sizes.push_back(partition.size());
        for (const sa::Row& row : partition) std::cout << row << '\n';
      }
    }  // the result's scope closes it, even when an exception leaves the loop
    expect(sizes == std::vector<std::size_t>{100, 100, 30},
           "yield_per=100: partitions of at most 100 rows, all 230 rows seen");
  }
  // -- Streaming with a dynamically growing buffer using stream_results: 1, 5, 25, then 100 rows
  //    per trip (max_row_buffer).
  {
    auto conn = engine.connect();
    std::size_t seen = 0;
    {
      auto result = conn.execution_options({{"stream_results", true}, {"max_row_buffer", 100}})
                        .execute(sa::text("select * from big_table"));
      for (const sa::Row& row : result) {
        std::cout << row << '\n';
        ++seen;
      }
    }
    expect(seen == 230, "stream_results: all 230 rows seen");
  }

  // ==== Translation of Schema Names ==============================================================
  // schema_translate_map applies to Table objects: it arrives with the SQL expression issue.

  // ==== SQL Compilation Caching ==================================================================
  // select() caching, the ORM example program and lambda_stmt() arrive with the SQL expression
  // issue. The cache itself already serves text(): the log badge shows a miss ("generated"), then
  // hits ("cached since"), and compiled_cache=None turns it off for one connection.
  {
    auto eng = sa::create_engine("sqlite://", {.echo = true, .query_cache_size = 1200});
    const auto stmt = sa::text("SELECT 1");
    const std::size_t mark = tour::log_lines().size();
    {
      auto conn = eng.connect();
      conn.execute(stmt);
      conn.execute(stmt);
    }
    expect(logged("[generated in ", mark) && logged("[cached since ", mark),
           "a cache miss, then a hit");
    const std::size_t mark2 = tour::log_lines().size();
    {
      // disable caching for this connection
      auto conn = eng.connect();
      conn.execution_options({{"compiled_cache", sa::null}});
      conn.execute(stmt);
    }
    expect(logged("[caching disabled ", mark2), "compiled_cache=None disables the cache");
  }

  // ==== "Insert Many Values" Behavior for INSERT statements ======================================
  // insert().returning() with executemany (and its sentinel columns, batching and upserts) arrives
  // with the SQL expression issue.

  // ==== Engine Disposal ==========================================================================
  // dispose() closes the pool's checked-in connections and starts a fresh pool. Shown on a file
  // database (a QueuePool): disposing our in-memory engine would throw its database away.
  {
    const auto path = std::filesystem::temp_directory_path() / "athanor_tour_seed_003.db";
    std::filesystem::remove(path);
    {
      auto file_engine = sa::create_engine("sqlite:///" + path.string(), {.echo = true});
      { auto conn = file_engine.connect(); }
      const sa::Pool* before = &file_engine.pool();
      std::cout << before->status() << '\n';
      expect(before->checkedin() == 1, "one connection resting in the pool");
      file_engine.dispose();
      std::cout << file_engine.pool().status() << '\n';
      expect(&file_engine.pool() != before && file_engine.pool().checkedin() == 0,
             "dispose() replaced the pool with an empty one");
    }
    std::filesystem::remove(path);
  }

  // ==== Working with Driver SQL and Raw DBAPI Connections ========================================
  // -- Invoking SQL strings directly to the driver: exec_driver_sql() passes the SQL through as is,
  //    in the driver's own paramstyle (qmark or :named for SQLite). (The page's "SET param='bar'"
  //    is MySQL/PostgreSQL; SQLite's equivalent is a PRAGMA.)
  {
    auto conn = engine.connect();
    conn.exec_driver_sql("PRAGMA cache_size = -4000");
    conn.exec_driver_sql("CREATE TABLE kv (id INTEGER, value VARCHAR(10))");
    // Multiple dictionaries, a single dictionary, a single tuple (Connection.exec_driver_sql()).
    conn.exec_driver_sql(
        "INSERT INTO kv (id, value) VALUES (:id, :value)",
        std::vector<sa::Params>{{{"id", 1}, {"value", "v1"}}, {{"id", 2}, {"value", "v2"}}});
    conn.exec_driver_sql("INSERT INTO kv (id, value) VALUES (:id, :value)",
                         sa::Params{{"id", 3}, {"value", "v3"}});
    conn.exec_driver_sql("INSERT INTO kv (id, value) VALUES (?, ?)",
                         std::vector<sa::Value>{4, "v4"});
    conn.commit();
    const auto n = conn.exec_driver_sql("SELECT count(*) FROM kv").scalar_one<std::int64_t>();
    expect(n == 4, "four rows through exec_driver_sql()");
  }

  // -- Working with the DBAPI cursor directly: Connection.connection() is the pool-proxied driver
  //    connection of a Connection; transaction control stays with the Connection.
  {
    auto connection = engine.connect();
    auto& dbapi_conn = connection.connection();
    auto cursor = dbapi_conn.cursor();
    cursor->execute("SELECT username FROM users ORDER BY id");
    const auto rows = cursor->fetchall();
    expect(rows.size() == 2 && rows[0][0] == "sandy", "the raw cursor reads the users");
  }
  // Engine.raw_connection(): a driver connection without a Connection; close() returns it to the
  // pool rather than closing it.
  {
    auto dbapi_conn = engine.raw_connection();
    auto cursor = dbapi_conn.cursor();
    cursor->execute("SELECT count(*) FROM users");
    expect(cursor->fetchone().value()[0] == 2, "two users");
    cursor->close();
    dbapi_conn.close();
    expect(engine.pool().checkedout() == 0, "raw_connection().close() returned it to the pool");
  }

  // -- Calling Stored Procedures and User Defined Functions: the callproc() recipe. SQLite has no
  //    stored procedures, so its driver raises NotSupportedError — "not all DBAPIs use callproc".
  {
    auto connection = engine.raw_connection();
    try {
      auto cursor_obj = connection.cursor();
      cursor_obj->callproc("my_procedure", {"x", "y", "z"});
      const auto results = cursor_obj->fetchall();
      cursor_obj->close();
      connection.commit();
      expect(false, "SQLite has no callproc()");
    } catch (const sa::dbapi::Error& err) {
      std::cout << err.qualified_name() << ": " << err.what() << '\n';
      expect(err.kind() == sa::dbapi::ErrorKind::not_supported_error, "NotSupportedError");
    }
    connection.close();
  }

  // -- Multiple Result Sets: nextset() moves to the next result set. SQLite's driver runs one
  //    statement per execute(), so there is never a next set.
  {
    auto connection = engine.raw_connection();
    auto cursor_obj = connection.cursor();
    cursor_obj->execute("select * from users");
    const auto results_one = cursor_obj->fetchall();
    const bool more = cursor_obj->nextset();
    cursor_obj->close();
    connection.close();
    expect(results_one.size() == 2 && !more, "one result set");
  }

  // ==== Registering New Dialects =================================================================
  // Entry points are Python packaging; the in-process form is sa::registry::register_dialect().
  // Here "sqlite+tour://" is served by the built-in SQLite dialect under a new name, as
  // registry.register("mysql.foodialect", "myapp.dialect", "MyMySQLDialect") would serve
  // "mysql+foodialect://".
  sa::registry::register_dialect("sqlite.tour",
                                 [] { return sa::registry::load(sa::make_url("sqlite://")); });
  {
    auto tour_engine = sa::create_engine("sqlite+tour://", {.echo = true});
    auto conn = tour_engine.connect();
    expect(conn.scalar(sa::text("SELECT 1")) == 1, "sqlite+tour:// connects");
  }
  try {
    sa::create_engine("sqlite+nope://");
    expect(false, "an unknown dialect raises NoSuchModuleError");
  } catch (const sa::exc::NoSuchModuleError& err) {
    std::cout << "NoSuchModuleError: " << err.what() << '\n';
  }

  // ==== Connection / Engine API: examples from the reference =====================================
  // -- Connection.begin_nested(): a SAVEPOINT for a statement that may fail, the outer transaction
  //    carrying on.
  engine.begin([](sa::Connection& connection) {
    auto trans = connection.begin_nested();
    try {
      connection.execute(sa::text("INSERT INTO users (username) VALUES (:username)"),
                         {{"username", "sandy"}});
      trans.commit();
    } catch (const sa::exc::IntegrityError&) {  // catch for duplicate username
      trans.rollback();                         // rollback to savepoint
    }
    statement(connection, 601);  // outer transaction continues
  });
  expect(committed(engine, 601), "the outer transaction committed after the savepoint rollback");

  // Without begin(), begin_nested() autobegins the outer transaction, committed as you go.
  {
    auto connection = engine.connect();                            // begin() wasn't called
    connection.begin_nested([&] { statement(connection, 611); });  // will auto-"begin()" first
    // savepoint is released
    statement(connection, 612);
    connection.commit();  // explicitly commit outer transaction
  }
  expect(committed(engine, 611) && committed(engine, 612), "savepoint and outer work committed");

  // -- Connection.detach(): the driver connection leaves the pool, so state set on it (the page
  //    sets a search_path; SQLite, a PRAGMA) never reaches another user. Closing then really closes
  //    it — on its own engine, as an in-memory database would go with it.
  {
    auto scratch = sa::create_engine("sqlite://", {.echo = true});
    {
      auto conn = scratch.connect();
      conn.detach();
      conn.exec_driver_sql("PRAGMA foreign_keys = ON");
      // work with connection
    }  // connection is fully closed
    expect(scratch.pool().checkedin() == 0 && scratch.pool().checkedout() == 0,
           "the detached connection never went back to the pool");
  }

  // -- Engine.execution_options(): a custom shard_id option, read by a before_cursor_execute
  //    listener on the primary engine (which also fires for the engines derived from it), which
  //    remembers the current shard in Connection.info(). SQLite has no "use <db>"; the listener
  //    prints the statement it would send.
  {
    auto primary_engine = sa::create_engine("sqlite://", {.echo = true});
    auto shard1 = primary_engine.execution_options({{"shard_id", "shard1"}});
    auto shard2 = primary_engine.execution_options({{"shard_id", "shard2"}});
    const std::map<std::string, std::string> shards{
        {"default", "base"}, {"shard1", "db1"}, {"shard2", "db2"}};
    std::vector<std::string> switches;
    sa::event::listen(
        primary_engine, sa::event::before_cursor_execute,
        [&shards, &switches](sa::Connection& conn, sa::dbapi::Cursor&, std::string&,
                             sa::CursorParameters&, sa::ExecutionContext&, bool) {
          const sa::Value* option = conn.get_execution_options().find("shard_id");
          const std::string shard_id = option ? option->as<std::string>() : "default";
          auto& info = conn.info();
          const auto current = info.find("current_shard");
          if (current == info.end() || std::any_cast<std::string>(current->second) != shard_id) {
            std::cout << "use " << shards.at(shard_id) << '\n';
            switches.push_back(shards.at(shard_id));
            info["current_shard"] = shard_id;
          }
        });
    for (sa::Engine* e : {&shard1, &shard2, &shard2}) {
      auto conn = e->connect();
      conn.execute(sa::text("SELECT 1"));
    }
    expect(switches == std::vector<std::string>{"db1", "db2"}, "switched to db1, then db2 once");
  }
  // CreateEnginePlugin (the "plugin" URL key) is not in the public headers yet: it arrives with
  // the engine plugins issue.

  std::cout << "seed 003: all examples ran as documented\n";
  return 0;
}

}  // namespace

int main() {
  return tour::run("seed 003", run);
}
