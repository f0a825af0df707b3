// The tour, seed 000: the "Connections" page, its examples in the page's order, on an in-memory
// SQLite database with echo on.
//
// The page writes its statements with the SQL expression language (users.insert(), select(users),
// update(users).where(...)). That arrives with the SQL expression issue; until then each of those
// statements is the equivalent text() SQL, marked "expression-language form: later". Everything
// else — connections, transactions, savepoints, results, options, events, raw DBAPI access,
// errors — is the page's own example. What the page says happens is checked: a difference makes
// the program exit 1, so running the tour is itself a test.
#include <athanor/athanor.hpp>

#include "tour.hpp"

#include <any>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace sa = athanor;
using tour::echo_to_stdout;
using tour::expect;
using tour::logged;

namespace {

// Python's repr() of a list of strings: ['id', 'name'].
std::string repr(const std::vector<std::string>& names) {
  std::string out = "[";
  for (const std::string& n : names) out += (out.size() > 1 ? ", '" : "'") + n + "'";
  return out + "]";
}

std::vector<std::string> names_where(sa::Connection& conn, const std::string& where) {
  return conn.execute(sa::text("SELECT name FROM users WHERE " + where + " ORDER BY id"))
      .scalars()
      .all<std::string>();
}

std::int64_t count(sa::Connection& conn, const std::string& table) {
  return conn.execute(sa::text("SELECT count(*) FROM " + table)).scalar_one<std::int64_t>();
}

// ---- Testing Connections: Connection Health Check -----------------------------------------------
// (defined up here so that main reads in the page's order)
bool check_connection(sa::Engine& engine) {
  try {
    auto conn = engine.connect();
    conn.execute(sa::text("SELECT 1"));
    return true;
  } catch (const std::exception& e) {
    std::cout << "Connection failed: " << e.what() << '\n';
    return false;
  }
}

// ---- Performance Patterns: Batch Processing -----------------------------------------------------
// fetchmany(n) returns at most n rows and an empty batch once the rows are exhausted.
struct BatchStats {
  std::int64_t rows = 0;
  int batches = 0;
};
BatchStats process_large_query(sa::Connection& conn, const sa::TextClause& stmt,
                               std::size_t batch_size = 1000) {
  auto result = conn.execute(stmt);
  BatchStats stats;
  while (true) {
    auto batch = result.fetchmany(batch_size);
    if (batch.empty()) break;
    ++stats.batches;
    for (const sa::Row& row : batch) {
      (void)row;  // process_row(row)
      ++stats.rows;
    }
  }
  return stats;
}

int run() {
  echo_to_stdout();
  sa::Engine engine = sa::create_engine("sqlite://", {.echo = true});

  // The page assumes tables users, orders and products. Table/MetaData arrive with the SQL
  // expression issue, so they are created with DDL here. orders.total has a CHECK so that the
  // savepoint example below has a statement that fails; users.email is UNIQUE for the
  // IntegrityError example.
  engine.begin([](sa::Connection& conn) {
    conn.execute(
        sa::text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                 "email VARCHAR(100) UNIQUE, age INTEGER, active BOOLEAN NOT NULL DEFAULT 1, "
                 "status VARCHAR(20))"));
    conn.execute(
        sa::text("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, "
                 "total INTEGER NOT NULL CHECK (total >= 0))"));
    conn.execute(sa::text("CREATE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR(50))"));
    conn.execute(sa::text("INSERT INTO products (name) VALUES (:name)"),
                 std::vector<sa::Params>{{{"name", "widget"}}, {{"name", "gadget"}}});
  });

  // The users table as the page's constructs see it (created above, with the page's constraints).
  sa::MetaData metadata;
  const sa::Table users(
      "users", metadata,
      {sa::Column("id", sa::Integer(), {.primary_key = true}),
       sa::Column("name", sa::String(50), {.nullable = false}),
       sa::Column("email", sa::String(100), {.unique = true}), sa::Column("age", sa::Integer()),
       sa::Column("active", sa::Boolean()), sa::Column("status", sa::String(20))});

  // The page's text() statements for users and orders (expression-language form: later).
  const auto insert_user = sa::text("INSERT INTO users (name) VALUES (:name)");
  const auto insert_order =
      sa::text("INSERT INTO orders (user_id, total) VALUES (:user_id, :total)");
  const auto select_users = sa::text("SELECT id, name, email, age, active, status FROM users");

  // ==== Obtaining Connections ====================================================================
  // -- Using connect(): explicit close() in a "finally"; C++ has no finally, so close on both
  //    paths.
  {
    auto conn = engine.connect();
    try {
      auto result = conn.execute(sa::text("SELECT 1"));
      std::cout << result.scalar() << '\n';
    } catch (...) {
      conn.close();
      throw;
    }
    conn.close();
    expect(conn.closed(), "close() closes the connection");
  }
  // -- The context-manager form: the block's end closes the connection (the destructor).
  {
    auto conn = engine.connect();
    auto result = conn.execute(sa::text("SELECT 1"));
    const auto one = result.scalar<std::int64_t>();
    std::cout << *one << '\n';
    expect(one == 1, "SELECT 1 gives 1");
  }  // connection automatically closed

  // -- Transaction Context: engine.begin() commits on success, rolls back on exception.
  engine.begin([&](sa::Connection& conn) {
    conn.execute(insert_user, sa::Params{{"name", "alice"}});
    conn.execute(insert_order, sa::Params{{"user_id", 1}, {"total", 100}});
  });
  {
    auto conn = engine.connect();
    expect(count(conn, "users") == 1 && count(conn, "orders") == 1, "engine.begin() committed");
  }

  // ==== Executing Statements =====================================================================
  // -- Basic Execution: SELECT, INSERT, UPDATE, DELETE, then commit() for the DML.
  //    (expression-language forms: later)
  {
    auto conn = engine.connect();
    auto result = conn.execute(select_users);
    result.all();
    result = conn.execute(sa::text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                          sa::Params{{"name", "bob"}, {"email", "bob@example.com"}});
    result = conn.execute(sa::text("UPDATE users SET name=:name WHERE users.id = :id_1"),
                          sa::Params{{"name", "Bobby"}, {"id_1", 1}});
    result =
        conn.execute(sa::text("DELETE FROM users WHERE users.id = :id_1"), sa::Params{{"id_1", 1}});
    conn.commit();  // must commit for DML
    expect(names_where(conn, "1 = 1") == std::vector<std::string>{"bob"},
           "after the DELETE only bob is left");
  }

  // The examples below read users 1 (deleted just above) and 3; put them in, with ages and an
  // inactive user, so that each example has rows to show.
  engine.begin([](sa::Connection& conn) {
    conn.execute(sa::text("INSERT INTO users (id, name, email, age, active) "
                          "VALUES (:id, :name, :email, :age, :active)"),
                 std::vector<sa::Params>{{{"id", 1},
                                          {"name", "alice"},
                                          {"email", "alice@example.com"},
                                          {"age", 30},
                                          {"active", true}},
                                         {{"id", 3},
                                          {"name", "carol"},
                                          {"email", "carol@example.com"},
                                          {"age", 17},
                                          {"active", false}}});
  });

  // -- Parameterized Execution: text() with named parameters, a dict of values.
  {
    const auto stmt = sa::text("SELECT * FROM users WHERE name = :name AND age > :age");
    auto conn = engine.connect();
    auto result = conn.execute(stmt, sa::Params{{"name", "alice"}, {"age", 18}});
    int rows = 0;
    for (const sa::Row& row : result) {
      std::cout << row << '\n';  // Python's print(row): the tuple repr
      ++rows;
    }
    expect(rows == 1, "one user named alice older than 18");
  }

  // ==== Result Objects ===========================================================================
  // -- CursorResult: what execute() returns (Python prints its type).
  {
    auto conn = engine.connect();
    auto result = conn.execute(select_users);
    static_assert(std::is_same_v<decltype(result), sa::CursorResult>);
    std::cout << "<class 'athanor::CursorResult'>\n";
  }

  // -- Fetching Results: fetchone() is an optional row.
  {
    auto conn = engine.connect();
    auto result = conn.execute(sa::text("SELECT id, name, email, age, active, status FROM users "
                                        "WHERE users.id = :id_1"),
                               sa::Params{{"id_1", 1}});
    auto row = result.fetchone();
    if (row) std::cout << "ID: " << (*row)["id"] << ", Name: " << (*row)["name"] << '\n';
    expect(row && row->get<std::string>("name") == "alice", "user 1 is alice");
  }

  // -- Accessing Row Data: attribute (by name), index, dictionary-like, as tuple, as dict.
  {
    auto conn = engine.connect();
    auto result = conn.execute(select_users);
    const auto row = result.fetchone().value();

    std::cout << row["id"] << '\n' << row["name"] << '\n' << row["email"] << '\n';  // row.id ...
    std::cout << row[0] << '\n' << row[1] << '\n';                                  // row[0] ...
    // row['id'] is SQLAlchemy 1.x; 2.0 spells it row._mapping['id'], which is mapping() here.
    std::cout << row.mapping()["id"] << '\n' << row.mapping()["name"] << '\n';
    std::cout << row.repr() << '\n';            // tuple(row)
    std::cout << row.mapping().repr() << '\n';  // dict(row._mapping)
    expect(row[0] == row["id"] && row[1] == row.mapping()["name"], "the access styles agree");
  }

  // -- Scalar Results
  {
    auto conn = engine.connect();
    // The count (expression-language form: select(func.count(users.c.id)), later).
    const auto total = conn.execute(sa::text("SELECT count(users.id) AS count_1 FROM users"))
                           .scalar<std::int64_t>();
    std::cout << "Total users: " << *total << '\n';
    expect(total == 3, "3 users");

    const auto by_email = sa::text("SELECT users.id FROM users WHERE users.email = :email_1");
    // scalar_one(): exactly one row, else NoResultFound / MultipleResultsFound.
    const auto user_id = conn.execute(by_email, sa::Params{{"email_1", "bob@example.com"}})
                             .scalar_one<std::int64_t>();
    expect(user_id == 2, "bob is user 2");
    // scalar_one_or_none(): NULL (None) when there is no row, raises if there are several.
    const sa::Value nobody =
        conn.execute(by_email, sa::Params{{"email_1", "nobody@example.com"}}).scalar_one_or_none();
    std::cout << nobody << '\n';
    expect(nobody.is_null(), "scalar_one_or_none() of no row is None");

    try {
      conn.execute(by_email, sa::Params{{"email_1", "nobody@example.com"}}).scalar_one();
      expect(false, "scalar_one() of no row raises");
    } catch (const sa::exc::NoResultFound& e) {
      std::cout << "scalar_one(): " << e.what() << '\n';
    }
    try {
      conn.execute(sa::text("SELECT id FROM users")).scalar_one_or_none();
      expect(false, "scalar_one_or_none() of several rows raises");
    } catch (const sa::exc::MultipleResultsFound& e) {
      std::cout << "scalar_one_or_none(): " << e.what() << '\n';
    }
  }

  // -- Result Metadata: keys(), rowcount of an UPDATE, the last inserted id.
  {
    auto conn = engine.connect();
    auto result = conn.execute(select_users);
    std::cout << repr(result.keys()) << '\n';
    expect(
        result.keys() == std::vector<std::string>{"id", "name", "email", "age", "active", "status"},
        "keys() are the column names");

    result =
        conn.execute(sa::text("UPDATE users SET status=:status WHERE users.active = :active_1"),
                     sa::Params{{"status", "inactive"}, {"active_1", false}});
    std::cout << "Updated " << result.rowcount() << " rows\n";
    expect(result.rowcount() == 1, "one inactive user (carol) updated");

    result = conn.execute(sa::insert(users).values({{"name", "alice"}}));
    std::cout << "Inserted ID: " << result.inserted_primary_key() << '\n';
    expect(result.inserted_primary_key()[0] == sa::Value(4), "the new row is id 4");
  }  // not committed: the block's end rolls both statements back

  // ==== Transactions =============================================================================
  // -- Commit and Rollback: an explicit Transaction; rollback on error, then re-raise.
  const auto begin_explicit = [&](const sa::Params& user, const sa::Params& order) {
    auto conn = engine.connect();
    auto trans = conn.begin();
    try {
      conn.execute(sa::text("INSERT INTO users (name, email) VALUES (:name, :email)"), user);
      conn.execute(insert_order, order);
      trans.commit();
    } catch (const std::exception&) {
      trans.rollback();
      throw;
    }
  };
  begin_explicit({{"name", "alice"}, {"email", sa::null}}, {{"user_id", 1}, {"total", 100}});
  // The same with an order that violates the CHECK: the whole transaction is rolled back.
  std::int64_t users_before = 0;
  {
    auto conn = engine.connect();
    users_before = count(conn, "users");
  }
  try {
    begin_explicit({{"name", "dave"}, {"email", sa::null}}, {{"user_id", 5}, {"total", -1}});
    expect(false, "a negative total raises IntegrityError");
  } catch (const sa::exc::IntegrityError& e) {
    std::cout << "rolled back: " << e.what() << '\n';
  }
  {
    auto conn = engine.connect();
    expect(count(conn, "users") == users_before, "the rollback removed dave too");
  }

  // -- begin() Context Manager: engine.begin() commits on success, rolls back on exception.
  engine.begin([&](sa::Connection& conn) {
    conn.execute(insert_user, sa::Params{{"name", "alice"}});
    conn.execute(insert_order, sa::Params{{"user_id", 1}, {"total", 100}});
  });
  try {
    engine.begin([&](sa::Connection& conn) {
      conn.execute(insert_user, sa::Params{{"name", "erin"}});
      throw std::runtime_error("something went wrong");
    });
  } catch (const std::runtime_error& e) {
    std::cout << "engine.begin() rolled back on: " << e.what() << '\n';
  }
  {
    auto conn = engine.connect();
    expect(names_where(conn, "name = 'erin'").empty(), "erin was rolled back");
  }

  // -- Nested Transactions (Savepoints): bob's work runs in a SAVEPOINT. His order violates the
  //    CHECK, so the savepoint is rolled back — taking bob's row with it — and the outer
  //    transaction carries on: it "commits alice and charlie, not bob".
  std::int64_t last_id = 0;
  {
    auto conn = engine.connect();
    last_id = conn.execute(sa::text("SELECT max(id) FROM users")).scalar_one<std::int64_t>();
  }
  engine.begin([&](sa::Connection& conn) {
    conn.execute(insert_user, sa::Params{{"name", "alice"}});  // outer transaction

    auto nested = conn.begin_nested();  // create savepoint
    try {
      auto bob = conn.execute(insert_user, sa::Params{{"name", "bob"}});
      conn.execute(insert_order, sa::Params{{"user_id", *bob.lastrowid()}, {"total", -1}});
      nested.commit();
    } catch (const std::exception& e) {
      std::cout << "savepoint rolled back: " << e.what() << '\n';
      nested.rollback();  // rollback to savepoint
    }

    conn.execute(insert_user, sa::Params{{"name", "charlie"}});  // outer transaction continues
  });
  {
    auto conn = engine.connect();
    const auto committed = names_where(conn, "id > " + std::to_string(last_id));
    std::cout << "committed: " << repr(committed) << '\n';
    expect(committed == std::vector<std::string>{"alice", "charlie"},
           "the savepoint example commits alice and charlie, not bob");
    std::cout << "commits alice and charlie, not bob: verified\n";
  }

  // -- Two-Phase Commit: SQLite has no XA transactions, so begin_twophase() raises
  //    NotSupportedError (the page's try block is never entered).
  {
    auto conn = engine.connect();
    try {
      auto trans = conn.begin_twophase();
      try {
        conn.execute(insert_user, sa::Params{{"name", "alice"}});
        trans.prepare();  // prepare transaction
        trans.commit();
      } catch (const std::exception&) {
        trans.rollback();
      }
      expect(false, "SQLite does not support two-phase transactions");
    } catch (const sa::exc::NotSupportedError& e) {
      std::cout << "NotSupportedError: " << e.what() << '\n';
    }
    expect(!conn.in_transaction(), "no transaction is left behind");
  }

  // ==== Execution Options ========================================================================
  // -- Connection-Level Options: execution_options() updates the connection in place and returns it
  //    (SQLAlchemy 2.0), so `conn = conn.execution_options(...)` is just the call. Options the
  //    SQLite dialect does not know (postgresql_readonly) are kept and passed along.
  {
    auto conn = engine.connect();
    conn.execution_options({{"isolation_level", "SERIALIZABLE"}});
    conn.execution_options({{"postgresql_readonly", true}});
    auto result = conn.execute(select_users);
    result.all();
    expect(conn.get_isolation_level() == "SERIALIZABLE", "the connection is SERIALIZABLE");
    expect(conn.get_execution_options().contains("postgresql_readonly"), "the option is kept");
  }

  // -- Statement-Level Options: `autocommit` is a 1.x option with no effect in 2.0 (kept as a user
  //    key); `compiled_cache` may only be given to a Connection or Engine, and a statement refuses
  //    it.
  try {
    select_users.execution_options({{"autocommit", true}, {"compiled_cache", sa::null}});
    expect(false, "compiled_cache is refused on a statement");
  } catch (const sa::exc::ArgumentError& e) {
    std::cout << "ArgumentError: " << e.what() << '\n';
  }
  {
    const auto stmt = select_users.execution_options({{"autocommit", true}});
    auto conn = engine.connect();
    conn.execution_options({{"compiled_cache", sa::null}});  // disable the cache, the 2.0 way
    auto result = conn.execute(stmt);
    result.all();
  }

  // -- Isolation Levels: REPEATABLE READ is not a SQLite level (an ArgumentError naming the valid
  //    ones); SQLite has READ UNCOMMITTED, SERIALIZABLE and AUTOCOMMIT.
  {
    auto conn = engine.connect();
    try {
      conn.execution_options({{"isolation_level", "REPEATABLE READ"}});
      expect(false, "REPEATABLE READ is refused by SQLite");
    } catch (const sa::exc::ArgumentError& e) {
      std::cout << "ArgumentError: " << e.what() << '\n';
    }
  }
  for (const char* level : {"READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"}) {
    auto conn = engine.connect();
    conn.execution_options({{"isolation_level", level}});
    auto result = conn.execute(select_users);
    result.all();
    // get_isolation_level() asks the database, which never reports AUTOCOMMIT.
    std::cout << level << ": get_isolation_level() = " << conn.get_isolation_level() << '\n';
  }

  // ==== Connection Events ========================================================================
  // -- Statement Execution Events: time each query with a stack kept in conn.info(), which lives
  //    with the driver connection.
  using Clock = std::chrono::steady_clock;
  using Starts = std::vector<Clock::time_point>;
  int timed = 0;
  const auto before_id = sa::event::listen(
      engine, sa::event::before_cursor_execute,
      [](sa::Connection& conn, sa::dbapi::Cursor&, std::string& statement, sa::CursorParameters&,
         sa::ExecutionContext&, bool) {
        auto& starts = conn.info().try_emplace("query_start_time", Starts{}).first->second;
        std::any_cast<Starts&>(starts).push_back(Clock::now());
        std::cout << "Executing: " << statement << '\n';
      });
  const auto after_id = sa::event::listen(
      engine, sa::event::after_cursor_execute,
      [&timed](sa::Connection& conn, sa::dbapi::Cursor&, const std::string&,
               const sa::CursorParameters&, sa::ExecutionContext&, bool) {
        auto& starts = std::any_cast<Starts&>(conn.info().at("query_start_time"));
        const std::chrono::duration<double> total_time = Clock::now() - starts.back();
        starts.pop_back();
        std::printf("Query took %.3fs\n", total_time.count());
        ++timed;
      });
  {
    auto conn = engine.connect();
    conn.execute(select_users).all();
    conn.execute(sa::text("SELECT count(*) FROM orders")).scalar();
    expect(timed == 2, "both queries were timed");
    expect(std::any_cast<Starts&>(conn.info().at("query_start_time")).empty(),
           "every start time was popped");
  }
  sa::event::remove(engine, before_id);
  sa::event::remove(engine, after_id);
  // -- Connection Pool Events (connect / checkout / checkin): the pool events issue brings them.

  // ==== Raw DBAPI Access =========================================================================
  // -- Getting DBAPI Connection: conn.connection() is the pool-proxied driver connection.
  {
    auto conn = engine.connect();
    auto& dbapi_conn = conn.connection();
    auto cursor = dbapi_conn.cursor();  // use DBAPI directly
    cursor->execute("SELECT 1");
    const auto result = cursor->fetchone();
    cursor->close();
    expect(result && (*result)[0] == 1, "the raw cursor reads (1,)");
  }
  // -- Detaching DBAPI Connection: detach() takes the driver connection out of the pool for good,
  //    and closing it really closes it. An in-memory SQLite database lives exactly as long as its
  //    one connection, so this runs on an engine of its own rather than closing ours.
  {
    auto scratch = sa::create_engine("sqlite://", {.echo = true});
    auto conn = scratch.connect();
    auto& dbapi_conn = conn.connection();
    dbapi_conn.detach();  // detach DBAPI connection from pool
    expect(dbapi_conn.is_detached(), "detached");

    auto cursor = dbapi_conn.cursor();  // use DBAPI connection outside Athanor
    cursor->execute("SELECT 1");
    cursor->close();
    dbapi_conn.close();  // must close manually
  }

  // ==== Streaming Results ========================================================================
  // -- Server-Side Cursors: SQLite's cursor is unbuffered by nature; stream_results reads 1, 5,
  //    25, ... rows per trip up to max_row_buffer, and partitions(100) hands them out 100 at a
  //    time. "Yield Per (ORM)" is about the ORM, which Athanor does not have.
  {
    auto conn = engine.connect();
    auto result = conn.execution_options({{"stream_results", true}, {"max_row_buffer", 1000}})
                      .execute(select_users);
    std::int64_t rows = 0, batches = 0;
    // Process in batches
    for (const auto& partition : result.partitions(100)) {
      ++batches;
      for (const sa::Row& row : partition) {
        std::cout << row << '\n';
        ++rows;
      }
    }
    expect(rows == count(conn, "users") && batches == (rows + 99) / 100,
           "every user streamed, in partitions of at most 100");
  }

  // ==== Error Handling ===========================================================================
  // -- Database Errors: the page's except-chain. As the page says, SQL that does not parse is a
  //    ProgrammingError (Python's sqlite3 would say OperationalError; Athanor's SQLite driver
  //    follows PEP 249 here), and a duplicate e-mail is an IntegrityError.
  const auto classify = [&](const sa::TextClause& stmt, const sa::Params& params) -> std::string {
    auto conn = engine.connect();
    try {
      conn.execute(stmt, params);
    } catch (const sa::exc::ProgrammingError& e) {
      std::cout << "SQL error: " << e.what() << '\n';
      return "ProgrammingError";
    } catch (const sa::exc::IntegrityError& e) {
      std::cout << "Constraint violation: " << e.what() << '\n';
      return "IntegrityError";
    } catch (const sa::exc::OperationalError& e) {
      std::cout << "Database connection error: " << e.what() << '\n';
      return "OperationalError";
    }
    return "no error";
  };
  expect(classify(sa::text("INVALID SQL"), {}) == "ProgrammingError",
         "a syntax error is ProgrammingError");
  expect(classify(sa::text("INSERT INTO users (name, email) VALUES (:name, :email)"),
                  {{"name", "bob"}, {"email", "bob@example.com"}}) == "IntegrityError",
         "a duplicate e-mail is IntegrityError");

  // -- Common Exceptions: the same hierarchy as sqlalchemy.exc.
  static_assert(std::is_base_of_v<sa::exc::DBAPIError, sa::exc::IntegrityError>);
  static_assert(std::is_base_of_v<sa::exc::DBAPIError, sa::exc::ProgrammingError>);
  static_assert(std::is_base_of_v<sa::exc::DBAPIError, sa::exc::OperationalError>);
  static_assert(std::is_base_of_v<sa::exc::DBAPIError, sa::exc::DataError>);
  static_assert(std::is_base_of_v<sa::exc::SQLAlchemyError, sa::exc::DisconnectionError>);

  // ==== Performance Patterns =====================================================================
  // -- Bulk Operations: executemany with a list of parameter sets; users.insert() renders the
  //    columns of the first set. The echo shows the first and last sets of the thousand.
  {
    auto conn = engine.connect();
    users_before = count(conn, "users");
  }
  engine.begin([&](sa::Connection& conn) {
    std::vector<sa::Params> rows;
    for (int i = 0; i < 1000; ++i) {
      rows.push_back({{"name", "user_" + std::to_string(i)},
                      {"email", "user_" + std::to_string(i) + "@example.com"}});
    }
    conn.execute(users.insert(), rows);
  });
  const auto bulk_update = sa::update(users)
                               .where(users.c("id") == sa::bindparam("uid"))
                               .values({{"status", sa::bindparam("s")}});
  engine.begin([&](sa::Connection& conn) {
    auto result = conn.execute(bulk_update, std::vector<sa::Params>{{{"uid", 1}, {"s", "active"}},
                                                                    {{"uid", 2}, {"s", "inactive"}},
                                                                    {{"uid", 3}, {"s", "active"}}});
    expect(result.rowcount() == 3, "the bulk UPDATE matched 3 rows");
  });
  {
    auto conn = engine.connect();
    expect(count(conn, "users") == users_before + 1000, "1000 users inserted");
  }

  // -- Batch Processing: fetchmany() in batches of 1000.
  {
    auto conn = engine.connect();
    const auto stats = process_large_query(conn, select_users);
    std::cout << "processed " << stats.rows << " rows in " << stats.batches << " batches\n";
    expect(stats.rows == count(conn, "users") && stats.batches == 2,
           "every row processed, in two batches");
  }

  // -- Connection Reuse: several statements, one connection.
  {
    auto conn = engine.connect();
    auto users_result = conn.execute(select_users);
    auto orders_result = conn.execute(sa::text("SELECT id, user_id, total FROM orders"));
    auto products_result = conn.execute(sa::text("SELECT id, name FROM products"));

    const auto users = users_result.fetchall();
    const auto orders = orders_result.fetchall();
    const auto products = products_result.fetchall();
    std::cout << users.size() << " users, " << orders.size() << " orders, " << products.size()
              << " products\n";
    expect(products.size() == 2, "two products");
  }

  // ==== Testing Connections ======================================================================
  // -- Connection Health Check (check_connection() is defined at the top of this file).
  const bool accessible = check_connection(engine);
  if (accessible) std::cout << "Database is accessible\n";
  expect(accessible, "the database is accessible");
  // ... and one that is not: SQLite cannot create a file in a directory that does not exist.
  auto unreachable = sa::create_engine("sqlite:////nonexistent-athanor-dir/app.db");
  expect(!check_connection(unreachable), "a database that cannot be opened fails the check");

  // -- Mock Connections: create_mock_engine() compiles select() constructs; it arrives with the SQL
  //    expression issue.

  std::cout << "seed 000: all examples ran as documented\n";
  return 0;
}

}  // namespace

int main() {
  return tour::run("seed 000", run);
}
