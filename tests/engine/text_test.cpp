// text() (SPEC §15): which colons are binds, the rewrite into each paramstyle, bindparams(), and
// missing values; then exec_driver_sql, which rewrites nothing (SPEC §4.4).
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

std::string compiled_sql(std::string_view text, sa::Paramstyle style = sa::Paramstyle::qmark) {
  return sa::TextClause::compile_text(text, style)->sql;
}
std::vector<std::string> binds(std::string_view text) {
  return sa::text(std::string(text)).bind_names();
}
using Names = std::vector<std::string>;

// ---- the bind grammar
// -----------------------------------------------------------------------------

TEST(Text, NamedBindsBecomeThePlaceholder) {
  EXPECT_EQ(compiled_sql("SELECT x, y FROM some_table WHERE y > :y"),
            "SELECT x, y FROM some_table WHERE y > ?");
  EXPECT_EQ(binds("INSERT INTO t (x, y) VALUES (:x, :y)"), (Names{"x", "y"}));
  const auto c = sa::TextClause::compile_text("VALUES (:x, :y)", sa::Paramstyle::qmark);
  EXPECT_EQ(c->positional_names, (Names{"x", "y"}));
  EXPECT_EQ(c->bind_names, (Names{"x", "y"}));
  EXPECT_FALSE(c->named_paramstyle);
}

TEST(Text, BackslashColonIsALiteralColon) {
  EXPECT_EQ(compiled_sql(R"(SELECT '\:mindy')"), "SELECT ':mindy'");
  EXPECT_EQ(binds(R"(SELECT '\:mindy')"), Names{});
  EXPECT_EQ(compiled_sql(R"(SELECT :foo\:\:int)"), "SELECT ?::int");
  EXPECT_EQ(binds(R"(SELECT :foo\:\:int)"), Names{"foo"});
}

TEST(Text, ColonsThatAreNotBinds) {
  EXPECT_EQ(compiled_sql("SELECT '05:06:07'"), "SELECT '05:06:07'");  // preceded by a digit
  EXPECT_EQ(compiled_sql("SELECT a:b"), "SELECT a:b");
  EXPECT_EQ(compiled_sql("SELECT foo::bar, ::x"), "SELECT foo::bar, ::x");
  EXPECT_EQ(compiled_sql("SELECT x::int"), "SELECT x::int");
  EXPECT_EQ(compiled_sql("SELECT :x:y"), "SELECT :x:y");  // followed by a colon: no bind at all
  EXPECT_EQ(binds("SELECT :x:y"), Names{});
  EXPECT_EQ(compiled_sql("SELECT :foo::int"), "SELECT :foo::int");
  EXPECT_EQ(binds("SELECT :foo::int, 05:06:07, a:b, '\\:c'"), Names{});
}

TEST(Text, BindsAreFoundEverywhere) {
  EXPECT_EQ(compiled_sql("SELECT ':x'"), "SELECT '?'");  // no SQL-literal awareness
  EXPECT_EQ(compiled_sql("SELECT :1"), "SELECT ?");      // names may start with a digit
  EXPECT_EQ(compiled_sql("SELECT :a,:b"), "SELECT ?,?");
  EXPECT_EQ(compiled_sql("SELECT (:a)"), "SELECT (?)");
}

TEST(Text, RepeatedNamesPerParamstyle) {
  const std::string sql = "SELECT :a, :b, :a";
  EXPECT_EQ(binds(sql), (Names{"a", "b"}));
  const auto qmark = sa::TextClause::compile_text(sql, sa::Paramstyle::qmark);
  EXPECT_EQ(qmark->sql, "SELECT ?, ?, ?");
  EXPECT_EQ(qmark->positional_names, (Names{"a", "b", "a"}));  // the value is repeated
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::format), "SELECT %s, %s, %s");
  const auto numeric = sa::TextClause::compile_text(sql, sa::Paramstyle::numeric);
  EXPECT_EQ(numeric->sql, "SELECT :1, :2, :1");  // the number is reused
  EXPECT_EQ(numeric->positional_names, (Names{"a", "b"}));
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::numeric_dollar), "SELECT $1, $2, $1");
  const auto named = sa::TextClause::compile_text(sql, sa::Paramstyle::named);
  EXPECT_EQ(named->sql, "SELECT :a, :b, :a");
  EXPECT_TRUE(named->named_paramstyle);
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::pyformat), "SELECT %(a)s, %(b)s, %(a)s");
}

TEST(Text, PercentIsDoubledOnlyForFormatStyles) {
  const std::string sql = "SELECT 'a%' || :x";
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::format), "SELECT 'a%%' || %s");
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::pyformat), "SELECT 'a%%' || %(x)s");
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::qmark), "SELECT 'a%' || ?");
  EXPECT_EQ(compiled_sql(sql, sa::Paramstyle::numeric_dollar), "SELECT 'a%' || $1");
}

TEST(Text, BindparamsUnknownNameIsAnArgumentError) {
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([] {
              sa::text("SELECT :foo").bindparams({{"bar", 1}});
            }),
            "This text() construct doesn't define a bound parameter named 'bar'");
  const auto stmt = sa::text("SELECT :foo");
  const auto bound = stmt.bindparams({{"foo", 1}});
  EXPECT_EQ(stmt.bound_values(), nullptr);  // bindparams() returns a copy
  ASSERT_NE(bound.bound_values(), nullptr);
  EXPECT_EQ(*bound.bound_values()->find("foo"), sa::Value(1));
  EXPECT_EQ(bound.str(), "SELECT :foo");
}

// ---- execution
// ------------------------------------------------------------------------------------

class TextExecution : public BackendTest {};

TEST_P(TextExecution, BindsAreSentAsParameters) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT :a + :b"), {{"a", 2}, {"b", 3}}).scalar_one<int>(), 5);
  // A repeated name sends its value twice (qmark) or once (numeric): the result is the same.
  EXPECT_EQ(conn.execute(sa::text("SELECT :a * :a + :b"), {{"a", 3}, {"b", 1}}).scalar_one<int>(),
            10);
  EXPECT_EQ(conn.execute(sa::text("SELECT :s"), {{"s", "it's"}}).scalar_one<std::string>(), "it's");
  EXPECT_EQ(conn.execute(sa::text(R"(SELECT '\:mindy')")).scalar_one<std::string>(), ":mindy");
  EXPECT_EQ(conn.execute(sa::text("SELECT '05:06:07'")).scalar_one<std::string>(), "05:06:07");
  const auto lines = log.lines();
  // Numbered paramstyles give a repeated name one number.
  const std::string repeated = engine().dialect().paramstyle() == sa::Paramstyle::numeric_dollar
                                   ? "SELECT $1 * $1 + $2"
                                   : sql("SELECT ? * ? + ?");
  EXPECT_NE(std::find(lines.begin(), lines.end(), repeated), lines.end());
}

TEST_P(TextExecution, BindparamsProvideDefaultsThatParametersOverride) {
  auto conn = engine().connect();
  const auto stmt = sa::text("SELECT :x + :y").bindparams({{"x", 1}});
  EXPECT_EQ(conn.execute(stmt, {{"y", 2}}).scalar_one<int>(), 3);
  EXPECT_EQ(conn.execute(stmt, {{"x", 10}, {"y", 2}}).scalar_one<int>(), 12);
  EXPECT_EQ(conn.execute(sa::text("SELECT :x").bindparams({{"x", 7}})).scalar_one<int>(), 7);
}

TEST_P(TextExecution, MissingBindIsAStatementError) {
  auto conn = engine().connect();
  auto e = thrown<sa::exc::StatementError>([&] {
    conn.execute(sa::text("SELECT :x + :y"), {{"x", 1}});
  });
  ASSERT_TRUE(e.has_value());
  const std::string what = e->what();
  EXPECT_NE(what.find("A value is required for bind parameter 'y'"), std::string::npos) << what;
  EXPECT_EQ(what.find("parameter group"), std::string::npos) << what;
  EXPECT_NE(what.find("[SQL: " + sql("SELECT ? + ?") + "]"), std::string::npos) << what;
  EXPECT_EQ(e->code(), "cd3x");
  EXPECT_EQ(e->statement(), sql("SELECT ? + ?"));
  EXPECT_EQ(dynamic_cast<const sa::exc::DBAPIError*>(&*e), nullptr);   // not a driver error
  EXPECT_EQ(conn.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);  // the connection is fine
}

TEST_P(TextExecution, MissingBindInExecutemanyNamesTheGroup) {
  create_table("t", "x INTEGER, y INTEGER");
  auto conn = engine().connect();
  const std::string what = message_of<sa::exc::StatementError>([&] {
    conn.execute(sa::text("INSERT INTO t (x, y) VALUES (:x, :y)"),
                 std::vector<sa::Params>{{{"x", 1}, {"y", 1}}, {{"x", 2}}, {{"x", 3}, {"y", 3}}});
  });
  EXPECT_NE(what.find("A value is required for bind parameter 'y', in parameter group 1"),
            std::string::npos)
      << what;
  EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<int>(), 0);  // none ran
}

// The missing value fails before autobegin, so SQLAlchemy's error handling finds no transaction
// and rolls back ("autorollback", SPEC §4.7); inside a transaction nothing is rolled back.
TEST_P(TextExecution, MissingBindAutorollbackOnlyOutsideATransaction) {
  int rollbacks = 0;
  sa::event::listen(engine(), sa::event::rollback, [&](sa::Connection&) { ++rollbacks; });
  auto conn = engine().connect();
  EXPECT_THROW(conn.execute(sa::text("SELECT :x")), sa::exc::StatementError);
  EXPECT_EQ(log.lines(), Lines{"ROLLBACK"});
  EXPECT_EQ(rollbacks, 1);
  EXPECT_FALSE(conn.in_transaction());
  log.clear();
  conn.execute(sa::text("SELECT 1"));
  EXPECT_THROW(conn.execute(sa::text("SELECT :x")), sa::exc::StatementError);
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", "SELECT 1", "[generated in ...] " + no_params()}));
  EXPECT_EQ(rollbacks, 1);
  EXPECT_TRUE(conn.in_transaction());
}

// Extra keys in a parameter set are ignored.
TEST_P(TextExecution, ExtraParametersAreIgnored) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT :x"), {{"x", 1}, {"unused", 2}}).scalar_one<int>(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TextExecution, ::testing::ValuesIn(all_backends()),
                         backend_name);

// ---- exec_driver_sql (SQLite's own paramstyles: "?" and ":name")
// -----------------------------------

class DriverSql : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER, y VARCHAR(10)");
  }
  std::int64_t rows_in_t() {
    return quietly([](sa::Connection& c) {
      return c.exec_driver_sql("SELECT count(*) FROM t").scalar_one<std::int64_t>();
    });
  }
};

// Seed 003 "Invoking SQL strings directly to the driver".
TEST_P(DriverSql, NoParameters) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.exec_driver_sql("SELECT 1").scalar_one<int>(), 1);
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "SELECT 1", "[raw sql] ()"}));
}

TEST_P(DriverSql, Positional) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.exec_driver_sql("SELECT ? + ?", std::vector<sa::Value>{1, 2}).scalar_one<int>(),
            3);
  EXPECT_EQ(
      conn.exec_driver_sql("SELECT ?", std::vector<sa::Value>{"v1"}).scalar_one<std::string>(),
      "v1");
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "SELECT ? + ?", "[raw sql] (1, 2)", "SELECT ?",
                                "[raw sql] ('v1',)"}));
}

TEST_P(DriverSql, Named) {
  auto conn = engine().connect();
  EXPECT_EQ(conn.exec_driver_sql("SELECT :a || :b", sa::Params{{"a", "x"}, {"b", "y"}})
                .scalar_one<std::string>(),
            "xy");
  EXPECT_EQ(log.lines(),
            (Lines{"BEGIN (implicit)", "SELECT :a || :b", "[raw sql] {'a': 'x', 'b': 'y'}"}));
}

TEST_P(DriverSql, ExecutemanyPositional) {
  {
    auto conn = engine().connect();
    auto result = conn.exec_driver_sql("INSERT INTO t (x, y) VALUES (?, ?)",
                                       std::vector<std::vector<sa::Value>>{{1, "v1"}, {2, "v2"}});
    EXPECT_EQ(result.rowcount(), 2);
    conn.commit();
  }
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "INSERT INTO t (x, y) VALUES (?, ?)",
                                "[raw sql] [(1, 'v1'), (2, 'v2')]", "COMMIT"}));
  EXPECT_EQ(rows_in_t(), 2);
}

TEST_P(DriverSql, ExecutemanyNamed) {
  {
    auto conn = engine().connect();
    conn.exec_driver_sql("INSERT INTO t (x, y) VALUES (:x, :y)",
                         std::vector<sa::Params>{{{"x", 1}, {"y", "v1"}}, {{"x", 2}, {"y", "v2"}}});
    conn.commit();
  }
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "INSERT INTO t (x, y) VALUES (:x, :y)",
                                "[raw sql] [{'x': 1, 'y': 'v1'}, {'x': 2, 'y': 'v2'}]", "COMMIT"}));
  EXPECT_EQ(rows_in_t(), 2);
}

// A single positional set given as a list of one row is one execution, not executemany.
TEST_P(DriverSql, OneRowListIsASingleExecution) {
  auto conn = engine().connect();
  conn.exec_driver_sql("INSERT INTO t (x, y) VALUES (?, ?)",
                       std::vector<std::vector<sa::Value>>{{1, "v1"}});
  EXPECT_EQ(log.lines().back(), "[raw sql] (1, 'v1')");
}

TEST_P(DriverSql, NoTextRewriting) {
  auto conn = engine().connect();
  // ":y" is SQLite's own named style here, not a text() bind; "\:" is not unescaped.
  EXPECT_EQ(conn.exec_driver_sql("SELECT :y", sa::Params{{"y", 4}}).scalar_one<int>(), 4);
  EXPECT_EQ(conn.exec_driver_sql(R"(SELECT '\:x')").scalar_one<std::string>(), R"(\:x)");
}

INSTANTIATE_TEST_SUITE_P(SQLite, DriverSql, ::testing::ValuesIn(sqlite_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
