// FrozenResult (freeze()) and MergedResult (merge()) — SPEC §12.5, seed 003's FrozenResult and
// MergedResult: both give ordinary Results with every method and modifier.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

using Ints = std::vector<std::int64_t>;

Ints xs(const std::vector<sa::Row>& rows) {
  Ints out;
  for (const sa::Row& r : rows) out.push_back(r.get<std::int64_t>(0));
  return out;
}

class ResultFrozen : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER, y VARCHAR(10)");
    run_committed("INSERT INTO t (x, y) VALUES (1, 'a'), (2, 'b'), (2, 'b'), (3, 'c')");
    conn_.emplace(engine().connect());
  }
  void TearDown() override {
    conn_.reset();
    BackendTest::TearDown();
  }
  sa::CursorResult select(const std::string& where = "1 = 1") {
    return conn_->execute(sa::text("SELECT x, y FROM t WHERE " + where + " ORDER BY x"));
  }

  std::optional<sa::Connection> conn_;
};

TEST_P(ResultFrozen, FreezeConsumesAndEachCallIsAFreshResult) {
  // Seed 003: frozen = result.freeze(); unfrozen_result_one = frozen(); ...
  auto result = select();
  sa::FrozenResult frozen = result.freeze();
  EXPECT_TRUE(result.all().empty());  // consumed
  EXPECT_FALSE(result.closed());
  Ints seen;
  for (const sa::Row& row : frozen()) seen.push_back(row.get<std::int64_t>(0));
  EXPECT_EQ(seen, (Ints{1, 2, 2, 3}));
  EXPECT_EQ(xs(frozen().all()), (Ints{1, 2, 2, 3}));
  EXPECT_EQ(frozen().keys(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(frozen.keys(), (std::vector<std::string>{"x", "y"}));
}

TEST_P(ResultFrozen, FrozenResultsSupportEveryMethod) {
  sa::FrozenResult frozen = select().freeze();
  EXPECT_EQ(frozen().first()->repr(), "(1, 'a')");
  EXPECT_EQ(frozen().scalars(1).all<std::string>(), (std::vector<std::string>{"a", "b", "b", "c"}));
  EXPECT_EQ(frozen().mappings().fetchone()->repr(), "{'x': 1, 'y': 'a'}");
  EXPECT_THROW(frozen().one(), sa::exc::MultipleResultsFound);
  auto r = frozen();
  EXPECT_EQ(xs(r.fetchmany()), (Ints{1, 2, 2, 3}));  // in memory: all remaining by default
  auto s = frozen();
  EXPECT_EQ(s.columns("y").unique().all().size(), 3u);
  auto closing = frozen();
  closing.close();
  EXPECT_TRUE(closing.closed());
  EXPECT_THROW(closing.fetchone(), sa::exc::ResourceClosedError);
  EXPECT_EQ(xs(frozen().all()), (Ints{1, 2, 2, 3}));  // others unaffected
}

TEST_P(ResultFrozen, FreezeKeepsColumnsAndUniqueButStartsEachResultAfresh) {
  auto result = select();
  result.columns("y").unique();
  EXPECT_EQ(result.fetchone()->repr(), "('a',)");
  sa::FrozenResult frozen = result.freeze();  // the rows not read yet
  EXPECT_EQ(repr(frozen().all()), "[('b',), ('c',)]");
  EXPECT_EQ(repr(frozen().all()), "[('b',), ('c',)]");
}

TEST_P(ResultFrozen, FrozenPartitions) {
  sa::FrozenResult frozen = select().freeze();
  std::vector<Ints> parts;
  for (const auto& part : frozen().partitions(3)) parts.push_back(xs(part));
  EXPECT_EQ(parts, (std::vector<Ints>{{1, 2, 2}, {3}}));
}

TEST_P(ResultFrozen, MergeChainsTheRowsOfEachInTurn) {
  auto a = select("x = 1");
  auto b = select("x = 2");
  auto c = select("x = 3");
  sa::MergedResult merged = a.merge(b, c);
  EXPECT_EQ(merged.keys(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(xs(merged.all()), (Ints{1, 2, 2, 3}));
  EXPECT_TRUE(b.all().empty());
}

TEST_P(ResultFrozen, MergeUsesTheFirstResultsFiltersAndModifiers) {
  auto a = select("x < 3");
  auto b = select("x > 1");
  a.columns("y").unique();
  auto merged = a.merge(b);
  EXPECT_EQ(repr(merged.all()), "[('a',), ('b',), ('c',)]");
  auto c = select();
  auto d = select();
  EXPECT_EQ(c.merge(d).scalars().all<std::int64_t>(), (Ints{1, 2, 2, 3, 1, 2, 2, 3}));
}

TEST_P(ResultFrozen, MergeChecksTheKeys) {
  auto a = select();
  auto b = conn_->execute(sa::text("SELECT y, x FROM t"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { a.merge(b); }),
            "Can't merge results with different keys: [x, y] and [y, x]");
}

TEST_P(ResultFrozen, ClosingAMergedResultClosesThemAll) {
  auto a = select();
  auto b = select();
  auto merged = a.merge(b);
  EXPECT_EQ(merged.fetchone()->get<std::int64_t>(0), 1);
  merged.close();
  EXPECT_TRUE(merged.closed());
  EXPECT_TRUE(a.closed());
  EXPECT_TRUE(b.closed());
}

TEST_P(ResultFrozen, MergeOfFrozenResults) {
  sa::FrozenResult frozen = select("x = 3").freeze();
  auto one = frozen();
  auto two = frozen();
  EXPECT_EQ(xs(one.merge(two).all()), (Ints{3, 3}));
}

TEST_P(ResultFrozen, WithNewRowsKeepsTheKeysAndSettings) {
  sa::FrozenResult frozen = select().freeze();
  sa::FrozenResult other = frozen.with_new_rows({{10, "x"}, {20, "y"}});
  EXPECT_EQ(other.keys(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(repr(other().all()), "[(10, 'x'), (20, 'y')]");
  EXPECT_EQ(repr(other().all()), "[(10, 'x'), (20, 'y')]");  // any number of times
  EXPECT_EQ(xs(frozen().all()), (Ints{1, 2, 2, 3}));         // the original is unchanged
}

TEST_P(ResultFrozen, RewriteRowsThenWithNewRows) {
  // The ORM's way to change cached rows: take them as lists, change them, freeze the new ones.
  sa::FrozenResult frozen = select().freeze();
  std::vector<std::vector<sa::Value>> rows = frozen.rewrite_rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3], (std::vector<sa::Value>{3, "c"}));
  for (auto& row : rows) row[1] = row[1].as<std::string>() + "!";
  EXPECT_EQ(repr(frozen.with_new_rows(rows)().all()),
            "[(1, 'a!'), (2, 'b!'), (2, 'b!'), (3, 'c!')]");
}

TEST_P(ResultFrozen, WithNewRowsTakesRowsShapedAsTheFrozenKeys) {
  // After columns("y").unique() the frozen rows are (y,) and stay unique.
  auto result = select();
  result.columns("y").unique();
  sa::FrozenResult frozen = result.freeze();
  EXPECT_EQ(frozen.rewrite_rows(), (std::vector<std::vector<sa::Value>>{{"a"}, {"b"}, {"c"}}));
  sa::FrozenResult other = frozen.with_new_rows({{"q"}, {"q"}, {"r"}});
  EXPECT_EQ(other.keys(), (std::vector<std::string>{"y"}));
  EXPECT_EQ(repr(other().all()), "[('q',), ('r',)]");
  EXPECT_EQ(message_of<sa::exc::ArgumentError>([&] {
              frozen.with_new_rows({{"q", 1}});
            }),
            "with_new_rows(): row 0 has 2 values; the result has 1 columns (y)");
}

TEST_P(ResultFrozen, MergedRowcountIsTheSumOfTheParts) {
  // SQLAlchemy's merge() of CursorResults (e.g. batches of one INSERT..RETURNING): rowcount adds
  // up; DML with RETURNING counts its rows once they are read.
  auto a = conn_->execute(sa::text("UPDATE t SET y = 'z' WHERE x = 2 RETURNING x"));
  auto b = conn_->execute(sa::text("UPDATE t SET y = 'z' WHERE x = 3 RETURNING x"));
  auto merged = a.merge(b);
  EXPECT_EQ(xs(merged.all()), (Ints{2, 2, 3}));
  EXPECT_EQ(a.rowcount(), 2);
  EXPECT_EQ(merged.rowcount(), 3);
  // A SELECT's rowcount is the driver's (-1 on sqlite3: then the merge has none either); a result
  // that is not a CursorResult has none.
  auto c = select();
  auto d = select();
  EXPECT_EQ(c.merge(d).rowcount(), is_sqlite() ? -1 : c.rowcount() + d.rowcount());
  sa::FrozenResult frozen = select().freeze();
  auto e = frozen();
  auto f = conn_->execute(sa::text("UPDATE t SET y = 'w' WHERE x = 1 RETURNING x, y"));
  f.all();
  EXPECT_EQ(f.rowcount(), 1);
  EXPECT_EQ(f.merge(e).rowcount(), -1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultFrozen, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
