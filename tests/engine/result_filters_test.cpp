// Result modifiers and views (SPEC §12.5, seed 003 "Result Set API"): columns(), scalars(),
// mappings(), unique(), tuples<T...>(), partitions(), yield_per(), and their compositions, on
// Result, ScalarResult and MappingResult.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

using Ints = std::vector<std::int64_t>;

class ResultFilters : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER, y VARCHAR(10), z INTEGER");
    // Duplicates on purpose: (1,'a',10) twice, y 'a' three times, z 10 three times.
    run_committed(
        "INSERT INTO t (x, y, z) VALUES (1, 'a', 10), (1, 'a', 10), (2, 'b', 20), (3, 'a', 10), "
        "(4, 'c', 30)");
    conn_.emplace(engine().connect());
  }
  void TearDown() override {
    conn_.reset();
    BackendTest::TearDown();
  }
  sa::CursorResult select() {
    return conn_->execute(sa::text("SELECT x, y, z FROM t ORDER BY x, y"));
  }
  sa::CursorResult select_one_row() {
    return conn_->execute(sa::text("SELECT x, y, z FROM t WHERE x = 2"));
  }

  std::optional<sa::Connection> conn_;
};

Ints xs(const std::vector<sa::Row>& rows, int index = 0) {
  Ints out;
  for (const sa::Row& r : rows) out.push_back(r.get<std::int64_t>(index));
  return out;
}
Ints ints(const std::vector<sa::Value>& values) {
  Ints out;
  for (const sa::Value& v : values) out.push_back(v.as<std::int64_t>());
  return out;
}

// ---- columns()
// ------------------------------------------------------------------------------------

TEST_P(ResultFilters, ColumnsByNameReorders) {
  auto result = select();
  std::vector<std::string> zy;
  // Seed 003: for z, y in result.columns('z', 'y')
  for (const sa::Row& row : result.columns("z", "y")) {
    zy.push_back(std::to_string(row.get<std::int64_t>(0)) + row.get<std::string>(1));
  }
  EXPECT_EQ(zy, (std::vector<std::string>{"10a", "10a", "20b", "10a", "30c"}));
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"z", "y"}));
}

TEST_P(ResultFilters, ColumnsReturnsTheSameResultInPlace) {
  auto result = select();
  sa::Result& same = result.columns(2, 0);
  EXPECT_EQ(&same, &result);
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"z", "x"}));
  EXPECT_EQ(result.fetchone()->repr(), "(10, 1)");
}

TEST_P(ResultFilters, ColumnsByNegativeIndex) {
  auto result = select();
  result.columns(-1, -3);
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"z", "x"}));
  EXPECT_EQ(result.fetchone()->repr(), "(10, 1)");
}

TEST_P(ResultFilters, ColumnsChainedPickFromTheReducedSet) {
  auto result = select();
  result.columns("y", "z", "x").columns(1, 2);  // of (y, z, x): z, x
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"z", "x"}));
  EXPECT_EQ(result.first()->repr(), "(10, 1)");
}

TEST_P(ResultFilters, OneColumnStillYieldsRows) {
  auto result = select();
  const auto rows = result.columns("y").all();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].size(), 1u);
  EXPECT_EQ(rows[0].repr(), "('a',)");
  EXPECT_EQ(rows[0].get<std::string>("y"), "a");
}

TEST_P(ResultFilters, ColumnsUnknownKeyIsNoSuchColumnError) {
  auto result = select();
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { result.columns("nope"); }),
            "Could not locate column in row for column 'nope'");
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { result.columns(3); }),
            "Could not locate column in row for column '3'");
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { result.columns(-4); }),
            "Could not locate column in row for column '-4'");
  result.columns("x");
  // Chained calls see only the columns kept.
  EXPECT_THROW(result.columns("y"), sa::exc::NoSuchColumnError);
}

TEST_P(ResultFilters, RowNameLookupAfterColumnsUsesTheNewPositions) {
  auto result = select();
  const sa::Row row = *result.columns("z", "x").fetchone();
  EXPECT_EQ(row["x"].as<std::int64_t>(), 1);
  EXPECT_EQ(row["z"].as<std::int64_t>(), 10);
  EXPECT_THROW(row["y"], sa::exc::NoSuchColumnError);
}

// ---- scalars()
// ------------------------------------------------------------------------------------

TEST_P(ResultFilters, ScalarsAll) {
  // Seed 003: result.scalars().all() → [1, 2, 3]
  EXPECT_EQ(ints(select().scalars().all()), (Ints{1, 1, 2, 3, 4}));
}

TEST_P(ResultFilters, ScalarsByIndexAndName) {
  EXPECT_EQ(ints(select().scalars(2).all()), (Ints{10, 10, 20, 10, 30}));
  EXPECT_EQ(ints(select().scalars(-1).all()), (Ints{10, 10, 20, 10, 30}));
  EXPECT_EQ(select().scalars("y").all<std::string>(),
            (std::vector<std::string>{"a", "a", "b", "a", "c"}));
  EXPECT_THROW(select().scalars("nope"), sa::exc::NoSuchColumnError);
}

TEST_P(ResultFilters, ScalarsIndexIsOfTheColumnsKept) {
  auto result = select();
  result.columns("z", "x");
  EXPECT_EQ(ints(result.scalars(1).all()), (Ints{1, 1, 2, 3, 4}));
}

TEST_P(ResultFilters, ScalarsOnAnLvalueShareTheCursor) {
  auto result = select();
  auto scalars = result.scalars();
  EXPECT_EQ(scalars.first()->as<std::int64_t>(), 1);
  // first() hard-closed the shared result.
  EXPECT_TRUE(result.closed());
  EXPECT_TRUE(scalars.closed());
  EXPECT_THROW(result.fetchone(), sa::exc::ResourceClosedError);
}

TEST_P(ResultFilters, ConsumingEitherAdvancesBoth) {
  auto result = select();
  auto scalars = result.scalars(2);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 1);
  EXPECT_EQ(ints(scalars.fetchmany(2)), (Ints{10, 20}));
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 3);
}

TEST_P(ResultFilters, ScalarResultMethods) {
  EXPECT_EQ(select().scalars().first()->as<std::int64_t>(), 1);
  EXPECT_EQ(select_one_row().scalars(1).one().as<std::string>(), "b");
  EXPECT_EQ(select_one_row().scalars().one_or_none()->as<std::int64_t>(), 2);
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { select().scalars().one(); }),
            "Multiple rows were found when exactly one was required");
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { select().scalars().one_or_none(); }),
            "Multiple rows were found when one or none was required");
  auto none = conn_->execute(sa::text("SELECT x FROM t WHERE x < 0"));
  EXPECT_FALSE(none.scalars().one_or_none().has_value());
  Ints seen;
  for (const sa::Value& v : select().scalars()) seen.push_back(v.as<std::int64_t>());
  EXPECT_EQ(seen, (Ints{1, 1, 2, 3, 4}));
  auto s = select().scalars();
  EXPECT_EQ(ints(s.fetchmany()), Ints{1});  // default: the driver's arraysize, 1
  EXPECT_EQ(ints(s.fetchall()), (Ints{1, 2, 3, 4}));
  EXPECT_TRUE(s.all().empty());
  EXPECT_FALSE(s.closed());
  s.close();
  EXPECT_TRUE(s.closed());
  EXPECT_THROW(s.all(), sa::exc::ResourceClosedError);
}

TEST_P(ResultFilters, ScalarPartitions) {
  std::vector<Ints> parts;
  for (const auto& part : select().scalars().partitions(2)) parts.push_back(ints(part));
  EXPECT_EQ(parts, (std::vector<Ints>{{1, 1}, {2, 3}, {4}}));
}

// ---- unique()
// -------------------------------------------------------------------------------------

TEST_P(ResultFilters, UniqueRows) {
  auto result = select();
  EXPECT_EQ(&result.unique(), &result);
  EXPECT_EQ(xs(result.all()), (Ints{1, 2, 3, 4}));
}

TEST_P(ResultFilters, UniqueAppliesAfterColumnsWhateverTheOrder) {
  auto before = select();
  before.unique().columns("y");
  auto after = select();
  after.columns("y").unique();
  EXPECT_EQ(repr(before.all()), "[('a',), ('b',), ('c',)]");
  EXPECT_EQ(repr(after.all()), "[('a',), ('b',), ('c',)]");
}

TEST_P(ResultFilters, UniqueThenScalarsEqualsScalarsThenUnique) {
  auto a = select();
  a.unique();
  const Ints unique_then_scalars = ints(a.scalars(2).all());
  const Ints scalars_then_unique = ints(select().scalars(2).unique().all());
  EXPECT_EQ(unique_then_scalars, (Ints{10, 20, 30}));
  EXPECT_EQ(scalars_then_unique, unique_then_scalars);
}

TEST_P(ResultFilters, UniqueWithStrategy) {
  auto result = select();
  result.unique([](const sa::Row& row) { return row[1]; });  // by y
  EXPECT_EQ(xs(result.all()), (Ints{1, 2, 4}));
}

TEST_P(ResultFilters, UniqueFetchmanyGathersNUniqueRows) {
  auto result = select();
  result.unique().columns("z");
  EXPECT_EQ(xs(result.fetchmany(2)), (Ints{10, 20}));  // read 3 rows to find 2 distinct
  EXPECT_EQ(xs(result.fetchmany(2)), (Ints{30}));
  EXPECT_TRUE(result.fetchmany(2).empty());
}

TEST_P(ResultFilters, UniquePartitions) {
  auto result = select();
  result.unique().columns("y");
  std::vector<std::string> parts;
  for (const auto& part : result.partitions(2)) parts.push_back(repr(part));
  EXPECT_EQ(parts, (std::vector<std::string>{"[('a',), ('b',)]", "[('c',)]"}));
}

TEST_P(ResultFilters, OneCountsAfterUniquing) {
  auto result = conn_->execute(sa::text("SELECT y FROM t WHERE x = 1"));  // two equal rows
  EXPECT_EQ(result.unique().one().repr(), "('a',)");
  auto scalars = conn_->execute(sa::text("SELECT z FROM t WHERE z = 10")).scalars();
  EXPECT_EQ(scalars.unique().one_or_none()->as<std::int64_t>(), 10);
  auto two = conn_->execute(sa::text("SELECT y FROM t WHERE x < 3"));
  EXPECT_THROW(two.unique().one(), sa::exc::MultipleResultsFound);
}

TEST_P(ResultFilters, ScalarResultInheritsUniqueStateButOwnsItsOwn) {
  auto result = select();
  result.unique();
  auto scalars = result.scalars(1);  // unique on the y values
  EXPECT_EQ(scalars.all<std::string>(), (std::vector<std::string>{"a", "b", "c"}));
}

// ---- mappings()
// -----------------------------------------------------------------------------------

TEST_P(ResultFilters, Mappings) {
  auto m = select().mappings();
  EXPECT_EQ(m.keys(), (std::vector<std::string>{"x", "y", "z"}));
  const auto first = m.fetchone();
  EXPECT_EQ(first->repr(), "{'x': 1, 'y': 'a', 'z': 10}");
  EXPECT_EQ((*first)["z"].as<std::int64_t>(), 10);
  EXPECT_EQ(m.fetchmany(2).size(), 2u);
  std::vector<std::string> rest;
  for (const sa::RowMapping& row : m) rest.push_back(row["y"].as<std::string>());
  EXPECT_EQ(rest, (std::vector<std::string>{"a", "c"}));
}

TEST_P(ResultFilters, MappingResultColumnsUniqueAndSingles) {
  auto m = select().mappings();
  m.columns("y").unique();
  std::vector<std::string> all;
  for (const auto& row : m.all()) all.push_back(row.repr());
  EXPECT_EQ(all, (std::vector<std::string>{"{'y': 'a'}", "{'y': 'b'}", "{'y': 'c'}"}));
  EXPECT_EQ(select_one_row().mappings().one().repr(), "{'x': 2, 'y': 'b', 'z': 20}");
  EXPECT_EQ(select().mappings().first()->repr(), "{'x': 1, 'y': 'a', 'z': 10}");
  EXPECT_THROW(select().mappings().one_or_none(), sa::exc::MultipleResultsFound);
  std::size_t parts = 0;
  for (const auto& part : select().mappings().partitions(3)) parts += part.empty() ? 0 : 1;
  EXPECT_EQ(parts, 2u);
  auto closing = select().mappings();
  closing.close();
  EXPECT_TRUE(closing.closed());
  EXPECT_THROW(closing.fetchone(), sa::exc::ResourceClosedError);
}

// ---- tuples<T...>()
// -------------------------------------------------------------------------------

TEST_P(ResultFilters, TuplesYieldStdTuples) {
  std::vector<std::tuple<std::int64_t, std::string>> seen;
  auto result = select();
  for (auto [x, y] : result.columns("x", "y").tuples<std::int64_t, std::string_view>()) {
    seen.emplace_back(x, std::string(y));
  }
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[2], std::make_tuple(std::int64_t{2}, std::string("b")));
  auto one = select_one_row().tuples<std::int64_t, std::string, std::int64_t>().one();
  EXPECT_EQ(one, std::make_tuple(std::int64_t{2}, std::string("b"), std::int64_t{20}));
  auto all = select().tuples<int, std::string, int>().all();
  EXPECT_EQ(std::get<2>(all.back()), 30);
  EXPECT_THROW(select().tuples<int>().first(), sa::exc::ArgumentError);  // 3 columns, 1 type
}

// ---- partitions(), yield_per(), fetchmany() defaults
// ---------------------------------------------

TEST_P(ResultFilters, Partitions) {
  std::vector<Ints> parts;
  for (const auto& part : select().partitions(2)) parts.push_back(xs(part));
  EXPECT_EQ(parts, (std::vector<Ints>{{1, 1}, {2, 3}, {4}}));
}

TEST_P(ResultFilters, PartitionsDefaultToTheArraysizeOnAPlainCursor) {
  std::size_t count = 0;
  for (const auto& part : select().partitions()) {
    EXPECT_EQ(part.size(), 1u);
    ++count;
  }
  EXPECT_EQ(count, 5u);
}

TEST_P(ResultFilters, YieldPerSetsThePartitionAndFetchmanySize) {
  auto result = select();
  EXPECT_EQ(&result.yield_per(2), &result);
  EXPECT_EQ(xs(result.fetchmany()), (Ints{1, 1}));
  std::vector<Ints> parts;
  for (const auto& part : result.partitions()) parts.push_back(xs(part));
  EXPECT_EQ(parts, (std::vector<Ints>{{2, 3}, {4}}));
}

// ---- closing every kind
// ---------------------------------------------------------------------------

TEST_P(ResultFilters, ModifiersOnAResultWithoutRows) {
  auto dml = conn_->execute(sa::text("UPDATE t SET z = z + 1 WHERE x = 4"));
  const std::string no_rows =
      "This result object does not return rows. It has been closed automatically.";
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { dml.columns("x"); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { dml.unique(); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { dml.scalars(); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { dml.mappings(); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { dml.freeze(); }), no_rows);
  EXPECT_FALSE(dml.closed());
}

TEST_P(ResultFilters, KeysSurviveClose) {
  auto result = select();
  result.columns("z");
  result.close();
  EXPECT_TRUE(result.closed());
  EXPECT_EQ(result.keys(), std::vector<std::string>{"z"});
  result.close();  // idempotent
  EXPECT_THROW(result.all(), sa::exc::ResourceClosedError);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultFilters, ::testing::ValuesIn(all_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
