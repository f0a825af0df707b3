// Echo logging (SPEC §11): what echo turns on, logger names, logging_token, cache badges and the
// parameter repr with its truncation rules, echo="debug" rows.
#include <regex>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class Logging : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER, y INTEGER");
  }
};

bool matches(const std::string& line, const char* pattern) {
  return std::regex_match(line, std::regex(pattern));
}

TEST_P(Logging, EchoOffEmitsNothing) {
  auto quiet = make_engine();
  EXPECT_FALSE(quiet.echo());
  {
    auto conn = quiet.connect();
    auto sp = conn.begin_nested();
    conn.execute(sa::text("SELECT :x"), {{"x", 1}});
    sp.rollback();
    EXPECT_THROW(conn.execute(sa::text("INVALID SQL")), sa::exc::DBAPIError);
    conn.commit();
    conn.begin().rollback();
    conn.execute(sa::text("SELECT 1"));
  }
  EXPECT_TRUE(log.records().empty());
}

// The echo flag is per engine and may change at any time.
TEST_P(Logging, EchoFlagIndependence) {
  auto e1 = make_engine();
  auto e2 = make_engine();
  e1.set_echo(true);
  e1.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 1")); });
  e2.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 2")); });
  e1.set_echo(false);
  e1.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 3")); });
  e2.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 4")); });
  e2.set_echo(true);
  e1.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 5")); });
  e2.begin([](sa::Connection& c) { c.execute(sa::text("SELECT 6")); });
  const Lines lines = log.lines();
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1], "SELECT 1");
  EXPECT_EQ(lines[5], "SELECT 6");
}

TEST_P(Logging, LoggerNameAndLevel) {
  auto named = make_engine({.echo = true, .logging_name = "myengine"});
  named.connect().execute(sa::text("SELECT 1"));
  engine().connect().execute(sa::text("SELECT 1"));
  const auto records = log.records();
  ASSERT_EQ(records.size(), 8u);  // BEGIN, SQL, params, ROLLBACK, twice
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].logger,
              i < 4 ? "athanor.engine.Engine.myengine" : "athanor.engine.Engine");
    EXPECT_EQ(records[i].level, sa::log::Level::info);
  }
}

// logging_token prefixes "[token] " to every line of that connection (and only that one).
TEST_P(Logging, LoggingToken) {
  auto c1 = engine().connect();
  c1.execution_options({{"logging_token", "my_name_1"}});
  auto c2 = engine().connect();
  c1.execute(sa::text("SELECT 1"));
  c1.commit();
  Lines lines = log.lines();
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) EXPECT_EQ(line.rfind("[my_name_1] ", 0), 0u) << line;
  EXPECT_EQ(lines.front(), "[my_name_1] BEGIN (implicit)");
  EXPECT_EQ(lines.back(), "[my_name_1] COMMIT");
  log.clear();
  c2.execute(sa::text("SELECT 1"));
  for (const std::string& line : log.lines()) EXPECT_EQ(line.find("[my_name"), std::string::npos);
  log.clear();
  // Not transactional: may change inside a transaction; NULL removes it.
  c1.execute(sa::text("SELECT 2"));
  c1.execution_options({{"logging_token", "my_name_2"}});
  c1.execute(sa::text("SELECT 3"));
  c1.execution_options({{"logging_token", sa::null}});
  c1.execute(sa::text("SELECT 4"));
  lines = log.lines();
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "[my_name_1] BEGIN (implicit)");
  EXPECT_EQ(lines[3], "[my_name_2] SELECT 3");
  EXPECT_EQ(lines[5], "SELECT 4");
}

TEST_P(Logging, EngineLevelLoggingToken) {
  auto e1 = engine().execution_options({{"logging_token", "tok"}});
  e1.connect().execute(sa::text("SELECT 1"));
  for (const std::string& line : log.lines()) EXPECT_EQ(line.rfind("[tok] ", 0), 0u) << line;
  log.clear();
  engine().connect().execute(sa::text("SELECT 1"));
  for (const std::string& line : log.lines()) EXPECT_EQ(line.find("[tok]"), std::string::npos);
}

// "[generated in %.5fs]" on the first execution, "[cached since %.4gs ago]" when the same
// statement runs again.
TEST_P(Logging, CacheBadges) {
  auto conn = engine().connect();
  const auto stmt = sa::text("SELECT x FROM t WHERE y = :y");
  conn.execute(stmt, {{"y", 1}});
  conn.execute(stmt, {{"y", 2}});
  const Lines lines = log.raw_lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(matches(lines[2], R"(\[generated in \d+\.\d{5}s\] \(1,\))")) << lines[2];
  EXPECT_TRUE(matches(lines[4], R"(\[cached since \d[0-9.]*(e-\d+)?s ago\] \(2,\))")) << lines[4];
}

TEST_P(Logging, CachingDisabledBadge) {
  auto nocache = make_engine({.echo = true, .query_cache_size = 0});
  auto conn = nocache.connect();
  const auto stmt = sa::text("SELECT 1");
  conn.execute(stmt);
  conn.execute(stmt);
  const Lines lines = log.raw_lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(matches(lines[2], R"(\[caching disabled \d+\.\d{5}s\] \(\))")) << lines[2];
  EXPECT_TRUE(matches(lines[4], R"(\[caching disabled \d+\.\d{5}s\] \(\))")) << lines[4];
  log.clear();
  auto conn2 = engine().connect();
  conn2.execution_options({{"compiled_cache", sa::null}});
  conn2.execute(stmt);
  EXPECT_TRUE(matches(log.raw_lines().at(2), R"(\[caching disabled \d+\.\d{5}s\] \(\))"));
}

TEST_P(Logging, SavepointStatementsHaveNoKeyBadge) {
  auto conn = engine().connect();
  auto sp = conn.begin_nested();
  const Lines lines = log.raw_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "SAVEPOINT sa_savepoint_1");
  EXPECT_TRUE(matches(lines[2], R"(\[no key \d+\.\d{5}s\] \(\))")) << lines[2];
}

// More than 10 parameter sets: the first 8, a marker, the last 2.
TEST_P(Logging, ExecutemanyShowsTenOfManyParameterSets) {
  std::vector<sa::Params> sets;
  for (int i = 0; i < 12; ++i) sets.push_back({{"x", i}, {"y", i * 10}});
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO t (x, y) VALUES (:x, :y)"), sets);
  EXPECT_EQ(log.lines().back(),
            "[generated in ...] [(0, 0), (1, 10), (2, 20), (3, 30), (4, 40), (5, 50), (6, 60), "
            "(7, 70)  ... displaying 10 of 12 total bound parameter sets ...  (10, 100), "
            "(11, 110)]");
  sets.resize(10);
  conn.execute(sa::text("INSERT INTO t (y, x) VALUES (:y, :x)"), sets);
  EXPECT_EQ(log.lines().back(),
            "[generated in ...] [(0, 0), (10, 1), (20, 2), (30, 3), (40, 4), (50, 5), (60, 6), "
            "(70, 7), (80, 8), (90, 9)]");
}

// A value whose repr is longer than 300 characters is cut in the middle.
TEST_P(Logging, LongValuesAreTruncated) {
  auto conn = engine().connect();
  const std::string long_text(400, 'a');
  conn.execute(sa::text("SELECT :v"), {{"v", long_text}});
  // repr is 402 characters: 150 of them, the marker, the last 150.
  const std::string expected = "[generated in ...] ('" + std::string(149, 'a') +
                               " ... (102 characters truncated) ... " + std::string(149, 'a') +
                               "',)";
  EXPECT_EQ(log.lines().back(), expected);
}

// A parameter set of more than 100 values: the first 50, a marker, the last 50.
TEST_P(Logging, WideParameterSetsAreTruncated) {
  std::string sql_text = "SELECT ";
  sa::Params params;
  for (int i = 0; i < 105; ++i) {
    sql_text += (i ? ", :p" : ":p") + std::to_string(i);
    params.set("p" + std::to_string(i), i);
  }
  auto conn = engine().connect();
  conn.execute(sa::text(sql_text), params);
  std::string expected = "[generated in ...] (";
  for (int i = 0; i < 50; ++i) expected += (i ? ", " : "") + std::to_string(i);
  expected += " ... 5 parameters truncated ... ";
  for (int i = 55; i < 105; ++i) expected += (i > 55 ? ", " : "") + std::to_string(i);
  expected += ")";
  EXPECT_EQ(log.lines().back(), expected);
}

// echo="debug" adds the result's columns and each row fetched.
TEST_P(Logging, DebugEchoLogsColumnsAndRows) {
  run_committed("INSERT INTO t (x, y) VALUES (1, 2), (3, 4)");
  engine().set_echo("debug");
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT x, y FROM t ORDER BY x")).all();
  conn.execute(sa::text("SELECT x FROM t WHERE x = 1")).all();
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "SELECT x, y FROM t ORDER BY x",
                                "[generated in ...] " + no_params(), "Col ('x', 'y')", "Row (1, 2)",
                                "Row (3, 4)", "SELECT x FROM t WHERE x = 1",
                                "[generated in ...] " + no_params(), "Col ('x',)", "Row (1,)"}));
  const auto records = log.records();
  ASSERT_EQ(records.size(), 10u);
  for (std::size_t i : {3, 4, 5, 8, 9}) EXPECT_EQ(records[i].level, sa::log::Level::debug) << i;
  for (std::size_t i : {0, 1, 2, 6, 7}) EXPECT_EQ(records[i].level, sa::log::Level::info) << i;
}

INSTANTIATE_TEST_SUITE_P(Backends, Logging, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
