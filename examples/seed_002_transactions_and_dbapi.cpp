// The tour, seed 002: the SQLAlchemy Unified Tutorial's "Working with Transactions and the
// DBAPI", every example in the page's order, on an in-memory SQLite database with echo on.
//
// Each Python block has its C++ twin below, under the heading of the section it comes from. What
// the Python examples print is printed here too, and what the page says the result is gets
// checked: a difference makes the program exit 1, so running the tour is itself a test.
#include <athanor/athanor.hpp>

#include "tour.hpp"

#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sa = athanor;
using tour::echo_to_stdout;
using tour::expect;
using tour::logged;

namespace {

// Python's repr() of a list of rows: [(1, 1), (2, 4)].
std::string repr(const std::vector<sa::Row>& rows) {
  std::string out = "[";
  for (const sa::Row& row : rows) {
    if (out.size() > 1) out += ", ";
    out += row.repr();
  }
  return out + "]";
}

using XY = std::vector<std::pair<std::int64_t, std::int64_t>>;

int run() {
  echo_to_stdout();
  // "Establishing Connectivity - the Engine": the tutorial's engine is an in-memory SQLite
  // database with echo on.
  sa::Engine engine = sa::create_engine("sqlite://", {.echo = true});

  // ---- Getting a Connection ---------------------------------------------------------------------
  // "Hello World": the connect block frames a transaction that is rolled back when the block ends
  // (the destructor is Python's context-manager exit); the Result is consumed inside the block.
  {
    auto conn = engine.connect();
    auto result = conn.execute(sa::text("select 'hello world'"));
    const std::string printed = repr(result.all());
    std::cout << printed << '\n';
    expect(printed == "[('hello world',)]", "[('hello world',)]");
  }
  expect(logged("BEGIN (implicit)") && logged("ROLLBACK"), "BEGIN (implicit) ... ROLLBACK");

  // ---- Committing Changes -----------------------------------------------------------------------
  // "commit as you go": CREATE TABLE, then an executemany INSERT (a list of parameter sets), then
  // Connection.commit() inside the block.
  {
    auto conn = engine.connect();
    conn.execute(sa::text("CREATE TABLE some_table (x int, y int)"));
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 1}, {"y", 1}}, {{"x", 2}, {"y", 4}}});
    conn.commit();
  }
  // The echo shows the executemany parameters as one list of tuples.
  expect(logged("] [(1, 1), (2, 4)]"), "executemany parameters logged as [(1, 1), (2, 4)]");
  expect(logged("COMMIT"), "COMMIT");

  // "begin once": Engine.begin() frames the block in a transaction, COMMIT at the end (ROLLBACK
  // if the callable throws).
  engine.begin([&](sa::Connection& conn) {
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 6}, {"y", 8}}, {{"x", 9}, {"y", 10}}});
  });

  // ---- Basics of Statement Execution: Fetching Rows ---------------------------------------------
  {
    auto conn = engine.connect();
    auto result = conn.execute(sa::text("SELECT x, y FROM some_table"));
    XY seen;
    for (const sa::Row& row : result) {
      // row.x / row.y in Python: attribute access is access by name here.
      std::cout << "x: " << row["x"] << " y: " << row["y"] << '\n';
      seen.emplace_back(row.get<std::int64_t>("x"), row.get<std::int64_t>("y"));
    }
    expect(seen == XY{{1, 1}, {2, 4}, {6, 8}, {9, 10}}, "x: 1 y: 1 / 2 4 / 6 8 / 9 10");
  }

  // The four ways to access a row. The page shows each as a fragment run inside a connect block.
  {
    auto conn = engine.connect();

    // Tuple Assignment: `for x, y in result:` is a structured binding over the typed tuple.
    auto result = conn.execute(sa::text("select x, y from some_table"));
    XY tuples;
    for (const sa::Row& row : result) {
      auto [x, y] = row.as<std::int64_t, std::int64_t>();
      tuples.emplace_back(x, y);
    }
    expect(tuples.size() == 4 && tuples.front() == std::pair<std::int64_t, std::int64_t>{1, 1},
           "tuple assignment sees the four rows");

    // Integer Index: rows are sequences.
    result = conn.execute(sa::text("select x, y from some_table"));
    std::vector<std::int64_t> xs;
    for (const sa::Row& row : result) {
      const auto x = row[0].as<std::int64_t>();
      xs.push_back(x);
    }
    expect(xs == std::vector<std::int64_t>{1, 2, 6, 9}, "row[0] is x");

    // Attribute Name: `row.y` is `row["y"]`.
    result = conn.execute(sa::text("select x, y from some_table"));
    for (const sa::Row& row : result) {
      const sa::Value& y = row["y"];
      std::cout << "Row: " << row["x"] << ' ' << y << '\n';
    }

    // Mapping Access: Result.mappings() yields dictionary-like RowMapping objects.
    result = conn.execute(sa::text("select x, y from some_table"));
    XY mapped;
    for (const sa::RowMapping& dict_row : result.mappings()) {
      const auto x = dict_row["x"].as<std::int64_t>();
      const auto y = dict_row["y"].as<std::int64_t>();
      mapped.emplace_back(x, y);
    }
    expect(mapped == tuples, "mappings() sees the same rows");
  }

  // ---- Sending Parameters -----------------------------------------------------------------------
  // ":y" is a bound parameter; the SQLite driver receives it as "?" (qmark paramstyle), as the echo
  // shows. Never format values into the SQL string.
  {
    auto conn = engine.connect();
    auto result =
        conn.execute(sa::text("SELECT x, y FROM some_table WHERE y > :y"), sa::Params{{"y", 2}});
    XY seen;
    for (const sa::Row& row : result) {
      std::cout << "x: " << row["x"] << "  y: " << row["y"] << '\n';
      seen.emplace_back(row.get<std::int64_t>("x"), row.get<std::int64_t>("y"));
    }
    expect(seen == XY{{2, 4}, {6, 8}, {9, 10}}, "y > 2 gives x 2, 6, 9");
  }
  expect(logged("SELECT x, y FROM some_table WHERE y > ?"), "the bind rendered as '?'");

  // ---- Sending Multiple Parameters --------------------------------------------------------------
  // "executemany": a list of parameter sets runs the INSERT once per set. (executemany returns no
  // rows, even with RETURNING; insert().returning() arrives with the SQL expression issue.)
  {
    auto conn = engine.connect();
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 11}, {"y", 12}}, {{"x", 13}, {"y", 14}}});
    conn.commit();
  }
  expect(logged("[(11, 12), (13, 14)]"), "executemany parameters logged as [(11, 12), (13, 14)]");

  // ---- Executing with an ORM Session ------------------------------------------------------------
  // The ORM is not part of Athanor. The page's point is that `with Session(engine) as session:` is
  // used exactly like `with engine.connect() as conn:`, so the Session examples run here on a
  // Connection: same statements, same transcript.
  const auto stmt = sa::text("SELECT x, y FROM some_table WHERE y > :y ORDER BY x, y");
  {
    auto session = engine.connect();
    auto result = session.execute(stmt, sa::Params{{"y", 6}});
    XY seen;
    for (const sa::Row& row : result) {
      std::cout << "x: " << row["x"] << " y: " << row["y"] << '\n';
      seen.emplace_back(row.get<std::int64_t>("x"), row.get<std::int64_t>("y"));
    }
    expect(seen == XY{{6, 8}, {9, 10}, {11, 12}, {13, 14}},
           "y > 6 gives 6 8 / 9 10 / 11 12 / 13 14");
  }

  // "commit as you go" with the Session: an executemany UPDATE, then commit().
  {
    auto session = engine.connect();
    auto result =
        session.execute(sa::text("UPDATE some_table SET y=:y WHERE x=:x"),
                        std::vector<sa::Params>{{{"x", 9}, {"y", 11}}, {{"x", 13}, {"y", 15}}});
    session.commit();
    // rowcount of an executemany UPDATE is summed over the parameter sets.
    expect(result.rowcount() == 2, "the UPDATE matched two rows");
  }
  expect(logged("UPDATE some_table SET y=? WHERE x=?"), "UPDATE some_table SET y=? WHERE x=?");
  expect(logged("[(11, 9), (15, 13)]"), "UPDATE parameters logged as [(11, 9), (15, 13)]");

  // The UPDATE was committed: a new connection sees it.
  {
    auto conn = engine.connect();
    auto y = conn.execute(sa::text("SELECT y FROM some_table WHERE x = :x"), sa::Params{{"x", 13}})
                 .scalar_one<std::int64_t>();
    expect(y == 15, "x=13 now has y=15");
  }

  std::cout << "seed 002: all examples ran as documented\n";
  return 0;
}

}  // namespace

int main() {
  return tour::run("seed 002", run);
}
