// Result, CursorResult, ScalarResult, MappingResult and Row (SPEC §12, §14): the fetch methods
// and SQLAlchemy's closing rules (soft close at exhaustion, hard close after first()/one()/
// scalar(), "does not return rows" for DML), rowcount/lastrowid, and row access.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

constexpr const char* kResultClosed = "This result object is closed.";
constexpr const char* kNoRows =
    "This result object does not return rows. It has been closed automatically.";

class Results : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("r", "id INTEGER, name VARCHAR(20), score REAL");
    run_committed(
        "INSERT INTO r (id, name, score) VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, 'c', 3.5)");
    conn_.emplace(engine().connect());
  }
  void TearDown() override {
    conn_.reset();
    BackendTest::TearDown();
  }
  sa::Connection& conn() { return *conn_; }
  sa::CursorResult select_all() {
    return conn().execute(sa::text("SELECT id, name, score FROM r ORDER BY id"));
  }
  sa::CursorResult select_none() {
    return conn().execute(sa::text("SELECT id, name, score FROM r WHERE id < 0"));
  }

 private:
  std::optional<sa::Connection> conn_;
};

using Ids = std::vector<std::int64_t>;
Ids ids(const std::vector<sa::Row>& rows) {
  Ids out;
  for (const sa::Row& r : rows) out.push_back(r.get<std::int64_t>(0));
  return out;
}

// ---- fetching and soft close
// ----------------------------------------------------------------------

TEST_P(Results, IterationAndKeys) {
  auto result = select_all();
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"id", "name", "score"}));
  Ids seen;
  for (const sa::Row& row : result) seen.push_back(row.get<std::int64_t>("id"));
  EXPECT_EQ(seen, (Ids{1, 2, 3}));
  EXPECT_FALSE(result.closed());  // exhaustion only soft-closes
  EXPECT_EQ(result.keys().size(), 3u);
  EXPECT_TRUE(result.all().empty());
}

TEST_P(Results, FetchoneUntilExhaustedThenKeepsReturningNothing) {
  auto result = select_all();
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 1);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 2);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 3);
  EXPECT_FALSE(result.fetchone().has_value());
  EXPECT_FALSE(result.fetchone().has_value());
  EXPECT_FALSE(result.closed());
  EXPECT_TRUE(result.fetchmany(5).empty());
}

TEST_P(Results, Fetchmany) {
  auto result = select_all();
  EXPECT_EQ(ids(result.fetchmany()), Ids{1});  // default: the driver's arraysize, 1
  EXPECT_EQ(ids(result.fetchmany(5)), (Ids{2, 3}));
  EXPECT_TRUE(result.fetchmany(5).empty());
}

// Seed 000 "Batch Processing": fetchmany(batch_size) until it comes back empty.
TEST_P(Results, Seed000BatchProcessing) {
  auto result = select_all();
  std::vector<Ids> batches;
  while (true) {
    auto batch = result.fetchmany(2);
    if (batch.empty()) break;
    batches.push_back(ids(batch));
  }
  EXPECT_EQ(batches, (std::vector<Ids>{{1, 2}, {3}}));
}

TEST_P(Results, AllIsSoftCloseASecondAllIsEmpty) {
  auto result = select_all();
  EXPECT_EQ(ids(result.all()), (Ids{1, 2, 3}));
  EXPECT_FALSE(result.closed());
  EXPECT_TRUE(result.all().empty());
  EXPECT_TRUE(result.fetchall().empty());
  EXPECT_FALSE(result.fetchone().has_value());
}

// ---- first / one / scalar: hard close
// ---------------------------------------------------------------

TEST_P(Results, FirstHardCloses) {
  auto result = select_all();
  auto row = result.first();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->get<std::int64_t>(0), 1);
  EXPECT_TRUE(result.closed());
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchone(); }), kResultClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.all(); }), kResultClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchmany(1); }), kResultClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.first(); }), kResultClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.scalar(); }), kResultClosed);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.begin(); }), kResultClosed);
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"id", "name", "score"}));  // keys still work
  EXPECT_FALSE(select_none().first().has_value());
}

TEST_P(Results, One) {
  auto result = conn().execute(sa::text("SELECT id FROM r WHERE id = 2"));
  EXPECT_EQ(result.one().get<std::int64_t>(0), 2);
  EXPECT_TRUE(result.closed());

  auto none = select_none();
  EXPECT_EQ(message_of<sa::exc::NoResultFound>([&] { none.one(); }),
            "No row was found when one was required");
  EXPECT_TRUE(none.closed());

  auto many = select_all();
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { many.one(); }),
            "Multiple rows were found when exactly one was required");
  EXPECT_TRUE(many.closed());
}

TEST_P(Results, OneOrNone) {
  EXPECT_EQ(conn().execute(sa::text("SELECT id FROM r WHERE id = 3")).one_or_none()->get<int>(0),
            3);
  auto none = select_none();
  EXPECT_FALSE(none.one_or_none().has_value());
  EXPECT_TRUE(none.closed());
  auto many = select_all();
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { many.one_or_none(); }),
            "Multiple rows were found when one or none was required");
  EXPECT_TRUE(many.closed());
}

TEST_P(Results, Scalar) {
  auto result = select_all();
  EXPECT_EQ(result.scalar(), sa::Value(1));  // no check for more rows
  EXPECT_TRUE(result.closed());
  EXPECT_TRUE(select_none().scalar().is_null());
  EXPECT_EQ(select_none().scalar<std::int64_t>(), std::nullopt);
  EXPECT_EQ(conn().execute(sa::text("SELECT name FROM r WHERE id = 3")).scalar<std::string>(), "c");
  // Seed 000 "Scalar Results": select count(...) .scalar().
  EXPECT_EQ(conn().execute(sa::text("SELECT count(id) FROM r")).scalar<std::int64_t>(), 3);
}

TEST_P(Results, ScalarOneAndScalarOneOrNone) {
  EXPECT_EQ(conn().execute(sa::text("SELECT id FROM r WHERE name = 'b'")).scalar_one<int>(), 2);
  EXPECT_EQ(message_of<sa::exc::NoResultFound>([&] { select_none().scalar_one(); }),
            "No row was found when one was required");
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { select_all().scalar_one(); }),
            "Multiple rows were found when exactly one was required");
  EXPECT_EQ(conn().execute(sa::text("SELECT id FROM r WHERE name = 'c'")).scalar_one_or_none(),
            sa::Value(3));
  EXPECT_TRUE(select_none().scalar_one_or_none().is_null());
  EXPECT_EQ(select_none().scalar_one_or_none<int>(), std::nullopt);
  EXPECT_EQ(message_of<sa::exc::MultipleResultsFound>([&] { select_all().scalar_one_or_none(); }),
            "Multiple rows were found when one or none was required");
  // A NULL value is not "no row".
  auto null_score = conn().execute(sa::text("SELECT score FROM r WHERE id = 2"));
  EXPECT_EQ(null_score.scalar_one<std::optional<double>>(), std::nullopt);
}

TEST_P(Results, CloseIsHardAndIdempotent) {
  auto result = select_all();
  result.fetchone();
  result.close();
  result.close();
  EXPECT_TRUE(result.closed());
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchone(); }), kResultClosed);
  EXPECT_EQ(result.keys().size(), 3u);
}

// ---- scalars() / mappings()
// -----------------------------------------------------------------------

TEST_P(Results, ScalarsByIndexAndByName) {
  {
    auto result = select_all();
    EXPECT_EQ(result.scalars().all<std::int64_t>(), (Ids{1, 2, 3}));
  }
  {
    auto result = select_all();
    const std::vector<sa::Value> names = result.scalars(1).all();
    EXPECT_EQ(names, (std::vector<sa::Value>{"a", "b", "c"}));
  }
  {
    auto result = select_all();
    auto scores = result.scalars("score");
    EXPECT_EQ(scores.fetchmany(2), (std::vector<sa::Value>{1.5, sa::null}));
    EXPECT_EQ(*scores.first(), sa::Value(3.5));
    EXPECT_TRUE(scores.closed());
  }
  auto result = select_all();
  EXPECT_THROW(result.scalars("nope"), sa::exc::NoSuchColumnError);
}

TEST_P(Results, ScalarsShareTheCursorWithTheirResult) {
  auto result = select_all();
  EXPECT_EQ(result.fetchone()->get<int>(0), 1);
  auto ids_left = result.scalars();
  std::vector<std::int64_t> seen;
  for (const sa::Value& v : ids_left) seen.push_back(v.as<std::int64_t>());
  EXPECT_EQ(seen, (Ids{2, 3}));
  EXPECT_FALSE(result.fetchone().has_value());
  EXPECT_EQ(
      conn().scalars(sa::text("SELECT id FROM r WHERE id > :n ORDER BY id"), {{"n", 1}}).all<int>(),
      (std::vector<int>{2, 3}));
  EXPECT_EQ(conn().scalar(sa::text("SELECT name FROM r WHERE id = :n"), {{"n", 1}}),
            sa::Value("a"));
}

TEST_P(Results, ScalarsOneAndOneOrNone) {
  EXPECT_EQ(conn().execute(sa::text("SELECT id FROM r WHERE id = 1")).scalars().one(),
            sa::Value(1));
  EXPECT_FALSE(select_none().scalars().one_or_none().has_value());
  EXPECT_THROW(select_all().scalars().one(), sa::exc::MultipleResultsFound);
  EXPECT_FALSE(select_none().scalars().first().has_value());
}

// On a temporary result the view takes the result over (ASan checks nothing dangles).
TEST_P(Results, ViewsOfATemporaryResultStillWork) {
  const auto all_ids = conn().execute(sa::text("SELECT id FROM r ORDER BY id")).scalars().all();
  EXPECT_EQ(all_ids, (std::vector<sa::Value>{1, 2, 3}));
  Ids seen;
  for (const sa::RowMapping& m : select_all().mappings()) seen.push_back(m.get<std::int64_t>("id"));
  EXPECT_EQ(seen, (Ids{1, 2, 3}));
  std::vector<std::string> names;
  for (const sa::Value& v : select_all().scalars("name")) names.push_back(v.as<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(select_all().mappings().all().size(), 3u);
}

TEST_P(Results, Mappings) {
  auto result = select_all();
  auto maps = result.mappings();
  EXPECT_EQ(maps.keys(), (std::vector<std::string>{"id", "name", "score"}));
  auto first = maps.fetchone();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ((*first)["name"], sa::Value("a"));
  EXPECT_TRUE(first->contains("score"));
  EXPECT_FALSE(first->contains("nope"));
  EXPECT_EQ(first->repr(), "{'id': 1, 'name': 'a', 'score': 1.5}");
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { (*first)["nope"]; }),
            "Could not locate column in row for column 'nope'");
  const auto rest = maps.all();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_TRUE(rest[0]["score"].is_null());
  EXPECT_EQ(rest[1].get<std::string>("name"), "c");
  EXPECT_FALSE(maps.fetchone().has_value());
  EXPECT_FALSE(select_none().mappings().first().has_value());
  EXPECT_EQ(select_all().mappings().first()->get<int>("id"), 1);
}

// ---- results without rows
// -------------------------------------------------------------------------

TEST_P(Results, DmlResultDoesNotReturnRows) {
  auto result = conn().execute(sa::text("UPDATE r SET score = 0 WHERE id > 1"));
  EXPECT_FALSE(result.returns_rows());
  EXPECT_FALSE(result.closed());
  EXPECT_EQ(result.rowcount(), 2);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchone(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchmany(2); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.all(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.first(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.one(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.one_or_none(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.scalar(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.scalar_one(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.begin(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.keys(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.scalars().all(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.mappings().all(); }), kNoRows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchone(); }), kNoRows);
  EXPECT_FALSE(result.closed());
  auto ddl = conn().execute(sa::text("CREATE TABLE r2 (x INTEGER)"));
  track_table("r2");
  EXPECT_FALSE(ddl.returns_rows());
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { ddl.all(); }), kNoRows);
}

TEST_P(Results, EmptySelectStillReturnsRows) {
  auto result = select_none();
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.keys().size(), 3u);
  EXPECT_TRUE(result.all().empty());
}

// ---- rowcount / lastrowid -----------------------------------------------------------------------

TEST_P(Results, Rowcount) {
  EXPECT_EQ(conn().execute(sa::text("UPDATE r SET name = 'z' WHERE id >= 2")).rowcount(), 2);
  EXPECT_EQ(conn().execute(sa::text("UPDATE r SET name = 'z' WHERE id < 0")).rowcount(), 0);
  EXPECT_EQ(conn().execute(sa::text("DELETE FROM r WHERE id = 3")).rowcount(), 1);
  // executemany: summed over the parameter sets.
  auto many =
      conn().execute(sa::text("UPDATE r SET score = :s WHERE id = :id"),
                     std::vector<sa::Params>{
                         {{"s", 1}, {"id", 1}}, {{"s", 2}, {"id", 2}}, {{"s", 3}, {"id", 99}}});
  EXPECT_EQ(many.rowcount(), 2);
  EXPECT_EQ(conn().exec_driver_sql("DELETE FROM r WHERE id = 1").rowcount(), 1);
  EXPECT_TRUE(many.supports_sane_rowcount());
  EXPECT_TRUE(many.supports_sane_multi_rowcount());
}

// ---- Row ----------------------------------------------------------------------------------------

TEST_P(Results, RowAccess) {
  const sa::Row row = *select_all().first();
  EXPECT_EQ(row.size(), 3u);
  EXPECT_EQ(row[0], sa::Value(1));
  EXPECT_EQ(row[-1], sa::Value(1.5));  // negative counts from the end
  EXPECT_EQ(row[-3], sa::Value(1));
  EXPECT_THROW(row[3], std::out_of_range);
  EXPECT_THROW(row[-4], std::out_of_range);
  EXPECT_EQ(row["name"], sa::Value("a"));
  EXPECT_EQ(row.get<std::int64_t>("id"), 1);
  EXPECT_EQ(row.get<std::string>(1), "a");
  EXPECT_DOUBLE_EQ(row.get<double>("score"), 1.5);
  EXPECT_THROW(row.get<std::int64_t>("name"), sa::exc::ValueTypeError);
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { row["nope"]; }),
            "Could not locate column in row for column 'nope'");
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { row.get<int>("nope"); }),
            "Could not locate column in row for column 'nope'");
  EXPECT_EQ(row.fields(), (std::vector<std::string>{"id", "name", "score"}));
  EXPECT_EQ(row.asdict(), (sa::Params{{"id", 1}, {"name", "a"}, {"score", 1.5}}));
  EXPECT_EQ(row.mapping()["score"], sa::Value(1.5));
  EXPECT_EQ(row.mapping().keys(), row.fields());
  EXPECT_EQ(row.repr(), "(1, 'a', 1.5)");
  std::vector<sa::Value> values(row.begin(), row.end());
  EXPECT_EQ(values, (std::vector<sa::Value>{1, "a", 1.5}));
}

TEST_P(Results, RowStructuredBindingsAndNulls) {
  auto result = select_all();
  std::vector<std::string> printed;
  for (const sa::Row& row : result) {
    auto [id, name, score] = row.as<std::int64_t, std::string, std::optional<double>>();
    printed.push_back(std::to_string(id) + name + (score ? std::to_string(*score) : "NULL"));
  }
  EXPECT_EQ(printed, (std::vector<std::string>{"1a1.500000", "2bNULL", "3c3.500000"}));
  const sa::Row second = select_all().all().at(1);
  EXPECT_EQ(second.get<std::optional<double>>("score"), std::nullopt);
  EXPECT_THROW(second.get<double>("score"), sa::exc::ValueTypeError);  // NULL into a double
  EXPECT_THROW((second.as<std::int64_t, std::string>()), sa::exc::ArgumentError);  // arity
}

TEST_P(Results, RowsCompareAsTuples) {
  const auto a = select_all().all();
  const auto b = select_all().all();
  EXPECT_EQ(a, b);
  EXPECT_NE(a[0], a[1]);
}

// Owning rows outlive their result and even the connection (ASan checks).
TEST_P(Results, OwningCopiesSurviveTheResult) {
  std::vector<sa::Row> rows;
  std::optional<sa::Row> first;
  sa::Row kept;
  std::optional<sa::RowMapping> mapping;
  {
    auto result = select_all();
    for (const sa::Row& row : result) {
      if (row.get<int>(0) == 2) kept = row;  // a copy of the view
    }
    rows = select_all().all();
    first = select_all().first();
    mapping = select_all().mappings().fetchone();
  }
  conn().close();
  EXPECT_EQ(repr(rows), "[(1, 'a', 1.5), (2, 'b', None), (3, 'c', 3.5)]");
  EXPECT_EQ(first->repr(), "(1, 'a', 1.5)");
  EXPECT_EQ(kept.repr(), "(2, 'b', None)");
  EXPECT_EQ(kept["name"], sa::Value("b"));
  EXPECT_EQ(kept.mapping()["id"], sa::Value(2));
  EXPECT_EQ((*mapping)["name"], sa::Value("a"));
}

// Textual SQL with a repeated column name: the last one wins, without an ambiguity error.
TEST_P(Results, DuplicateNamesInTextualSqlLastWins) {
  auto row = conn().execute(sa::text("SELECT id AS v, name AS v FROM r WHERE id = 1")).one();
  EXPECT_EQ(row.fields(), (std::vector<std::string>{"v", "v"}));
  EXPECT_EQ(row["v"], sa::Value("a"));
}

TEST_P(Results, MovedResultKeepsItsPlace) {
  auto result = select_all();
  EXPECT_EQ(result.fetchone()->get<int>(0), 1);
  sa::CursorResult moved = std::move(result);
  EXPECT_EQ(ids(moved.all()), (Ids{2, 3}));
  result = select_all();  // a moved-from result can be assigned again
  EXPECT_EQ(ids(result.fetchmany(1)), Ids{1});
}

INSTANTIATE_TEST_SUITE_P(Backends, Results, ::testing::ValuesIn(all_backends()), backend_name);

// ---- SQLite only --------------------------------------------------------------------------------

class SQLiteOnlyResults : public Results {};

// What the DBAPI reports here is driver-defined: sqlite3 says -1 for a SELECT and 1 for an INSERT.
TEST_P(SQLiteOnlyResults, RowcountOfSelectAndInsertAndLastrowid) {
  EXPECT_EQ(select_all().rowcount(), -1);
  auto insert = conn().execute(sa::text("INSERT INTO r (id, name) VALUES (4, 'd')"));
  EXPECT_EQ(insert.rowcount(), 1);
  ASSERT_TRUE(insert.lastrowid().has_value());
  EXPECT_EQ(
      *insert.lastrowid(),
      conn().execute(sa::text("SELECT rowid FROM r WHERE id = 4")).scalar_one<std::int64_t>());
}

INSTANTIATE_TEST_SUITE_P(SQLite, SQLiteOnlyResults, ::testing::ValuesIn(sqlite_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
