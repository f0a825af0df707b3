// Seed 002, the SQLAlchemy Unified Tutorial's "Working with Transactions and the DBAPI": every
// example of the page, one test each, on every backend. Each test asserts the rows the page
// prints and the exact echo transcript (cache-badge timings normalized to "...").
//
// The page's examples build on each other (one table filled step by step); here each test sets up
// the table as it stands at that point of the page, quietly, so that the transcript holds only
// the example's own lines. The ORM Session examples run on a Connection, which the page says
// Session.execute() mirrors.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

using XY = std::vector<std::pair<std::int64_t, std::int64_t>>;

class Seed002 : public BackendTest {
 protected:
  // some_table as the page has it after "Committing Changes" ((1, 1), (2, 4)) and "begin once"
  // ((6, 8), (9, 10)); `executemany_rows` adds the "Sending Multiple Parameters" rows.
  void make_some_table(bool executemany_rows = false) {
    create_table("some_table", "x int, y int");
    run_committed("INSERT INTO some_table (x, y) VALUES (1, 1), (2, 4), (6, 8), (9, 10)");
    if (executemany_rows) run_committed("INSERT INTO some_table (x, y) VALUES (11, 12), (13, 14)");
  }
  XY committed_rows() {
    return quietly([](sa::Connection& c) {
      XY out;
      for (const sa::Row& r : c.exec_driver_sql("SELECT x, y FROM some_table ORDER BY x")) {
        out.emplace_back(r.get<std::int64_t>(0), r.get<std::int64_t>(1));
      }
      return out;
    });
  }
};

// "Getting a Connection": Hello World. The connect block's transaction is rolled back at its end.
TEST_P(Seed002, HelloWorld) {
  std::string printed;
  {
    auto conn = engine().connect();
    auto result = conn.execute(sa::text("select 'hello world'"));
    printed = repr(result.all());
  }
  EXPECT_EQ(printed, "[('hello world',)]");
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "select 'hello world'",
                                "[generated in ...] " + no_params(), "ROLLBACK"}));
}

// "Committing Changes": commit as you go — CREATE TABLE, an executemany INSERT, commit().
TEST_P(Seed002, CommitAsYouGo) {
  track_table("some_table");
  {
    auto conn = engine().connect();
    conn.execute(sa::text("CREATE TABLE some_table (x int, y int)"));
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 1}, {"y", 1}}, {{"x", 2}, {"y", 4}}});
    conn.commit();
  }
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "CREATE TABLE some_table (x int, y int)",
                                "[generated in ...] " + no_params(),
                                sql("INSERT INTO some_table (x, y) VALUES (?, ?)"),
                                "[generated in ...] [(1, 1), (2, 4)]", "COMMIT"}));
  EXPECT_EQ(committed_rows(), (XY{{1, 1}, {2, 4}}));
}

// "Committing Changes": begin once — Engine.begin() commits at the end of the block.
TEST_P(Seed002, BeginOnce) {
  create_table("some_table", "x int, y int");
  run_committed("INSERT INTO some_table (x, y) VALUES (1, 1), (2, 4)");
  engine().begin([](sa::Connection& conn) {
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 6}, {"y", 8}}, {{"x", 9}, {"y", 10}}});
  });
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", sql("INSERT INTO some_table (x, y) VALUES (?, ?)"),
                   "[generated in ...] [(6, 8), (9, 10)]", "COMMIT"}));
  EXPECT_EQ(committed_rows(), (XY{{1, 1}, {2, 4}, {6, 8}, {9, 10}}));
}

// "Fetching Rows": iterating the Result, reading row.x / row.y.
TEST_P(Seed002, FetchingRows) {
  make_some_table();
  std::vector<std::string> printed;
  {
    auto conn = engine().connect();
    auto result = conn.execute(sa::text("SELECT x, y FROM some_table"));
    for (const sa::Row& row : result) {
      printed.push_back("x: " + row["x"].repr() + " y: " + row["y"].repr());
    }
  }
  EXPECT_EQ(printed, (Lines{"x: 1 y: 1", "x: 2 y: 4", "x: 6 y: 8", "x: 9 y: 10"}));
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "SELECT x, y FROM some_table",
                                "[generated in ...] " + no_params(), "ROLLBACK"}));
}

// Tuple Assignment: `for x, y in result:` is a structured binding over the typed tuple.
TEST_P(Seed002, TupleAssignment) {
  make_some_table();
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("select x, y from some_table"));
  XY seen;
  for (const sa::Row& row : result) {
    auto [x, y] = row.as<std::int64_t, std::int64_t>();
    seen.emplace_back(x, y);
  }
  EXPECT_EQ(seen, (XY{{1, 1}, {2, 4}, {6, 8}, {9, 10}}));
}

// Integer Index: rows are sequences.
TEST_P(Seed002, IntegerIndex) {
  make_some_table();
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("select x, y from some_table"));
  std::vector<std::int64_t> xs;
  for (const sa::Row& row : result) {
    const auto x = row[0];
    xs.push_back(x.as<std::int64_t>());
  }
  EXPECT_EQ(xs, (std::vector<std::int64_t>{1, 2, 6, 9}));
}

// Attribute Name: `row.y` is row["y"]; the f-string prints "Row: {row.x} {y}".
TEST_P(Seed002, AttributeName) {
  make_some_table();
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("select x, y from some_table"));
  std::vector<std::string> printed;
  for (const sa::Row& row : result) {
    const sa::Value& y = row["y"];
    printed.push_back("Row: " + row["x"].repr() + " " + y.repr());
  }
  EXPECT_EQ(printed, (Lines{"Row: 1 1", "Row: 2 4", "Row: 6 8", "Row: 9 10"}));
}

// Mapping Access: Result.mappings() yields RowMapping objects.
TEST_P(Seed002, MappingAccess) {
  make_some_table();
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("select x, y from some_table"));
  XY seen;
  for (const sa::RowMapping& dict_row : result.mappings()) {
    const auto x = dict_row["x"].as<std::int64_t>();
    const auto y = dict_row["y"].as<std::int64_t>();
    seen.emplace_back(x, y);
  }
  EXPECT_EQ(seen, (XY{{1, 1}, {2, 4}, {6, 8}, {9, 10}}));
}

// "Sending Parameters": ":y" goes to the driver as its placeholder ("?" on SQLite).
TEST_P(Seed002, SendingParameters) {
  make_some_table();
  std::vector<std::string> printed;
  {
    auto conn = engine().connect();
    auto result =
        conn.execute(sa::text("SELECT x, y FROM some_table WHERE y > :y"), sa::Params{{"y", 2}});
    for (const sa::Row& row : result) {
      printed.push_back("x: " + row["x"].repr() + "  y: " + row["y"].repr());
    }
  }
  EXPECT_EQ(printed, (Lines{"x: 2  y: 4", "x: 6  y: 8", "x: 9  y: 10"}));
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", sql("SELECT x, y FROM some_table WHERE y > ?"),
                                "[generated in ...] (2,)", "ROLLBACK"}));
}

// "Sending Multiple Parameters": executemany, then commit().
TEST_P(Seed002, SendingMultipleParameters) {
  make_some_table();
  {
    auto conn = engine().connect();
    conn.execute(sa::text("INSERT INTO some_table (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 11}, {"y", 12}}, {{"x", 13}, {"y", 14}}});
    conn.commit();
  }
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", sql("INSERT INTO some_table (x, y) VALUES (?, ?)"),
                   "[generated in ...] [(11, 12), (13, 14)]", "COMMIT"}));
  EXPECT_EQ(committed_rows(), (XY{{1, 1}, {2, 4}, {6, 8}, {9, 10}, {11, 12}, {13, 14}}));
}

// "Executing with an ORM Session": Session.execute(stmt, {"y": 6}) — here Connection.execute.
TEST_P(Seed002, SessionExecute) {
  make_some_table(true);
  const auto stmt = sa::text("SELECT x, y FROM some_table WHERE y > :y ORDER BY x, y");
  std::vector<std::string> printed;
  {
    auto session = engine().connect();
    auto result = session.execute(stmt, sa::Params{{"y", 6}});
    for (const sa::Row& row : result) {
      printed.push_back("x: " + row["x"].repr() + " y: " + row["y"].repr());
    }
  }
  EXPECT_EQ(printed, (Lines{"x: 6 y: 8", "x: 9 y: 10", "x: 11 y: 12", "x: 13 y: 14"}));
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", sql("SELECT x, y FROM some_table WHERE y > ? ORDER BY x, y"),
                   "[generated in ...] (6,)", "ROLLBACK"}));
}

// The Session's commit as you go: an executemany UPDATE, then commit().
TEST_P(Seed002, SessionCommitAsYouGo) {
  make_some_table(true);
  std::int64_t rowcount = 0;
  {
    auto session = engine().connect();
    auto result =
        session.execute(sa::text("UPDATE some_table SET y=:y WHERE x=:x"),
                        std::vector<sa::Params>{{{"x", 9}, {"y", 11}}, {{"x", 13}, {"y", 15}}});
    rowcount = result.rowcount();
    session.commit();
  }
  EXPECT_EQ(rowcount, 2);
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", sql("UPDATE some_table SET y=? WHERE x=?"),
                                "[generated in ...] [(11, 9), (15, 13)]", "COMMIT"}));
  EXPECT_EQ(committed_rows(), (XY{{1, 1}, {2, 4}, {6, 8}, {9, 11}, {11, 12}, {13, 15}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, Seed002, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
