// CursorResult details (SPEC §14.1): rowcount for UPDATE/DELETE/executemany and DML with
// RETURNING, returns_rows, the inserted_primary_key seam; and rows that cost nothing — iterating
// and reading typed values allocates nothing per row, a row kept past its batch owns its values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class ResultCursor : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "id INTEGER PRIMARY KEY, name VARCHAR(60), score REAL");
    run_committed(
        "INSERT INTO t (id, name, score) VALUES (1, 'a', 1.0), (2, 'b', 2.0), (3, 'c', 3.0), "
        "(4, 'd', 4.0)");
    conn_.emplace(engine().connect());
  }
  void TearDown() override {
    conn_.reset();
    BackendTest::TearDown();
  }
  sa::Connection& conn() { return *conn_; }

 private:
  std::optional<sa::Connection> conn_;
};

TEST_P(ResultCursor, RowcountOfUpdateAndDelete) {
  auto update = conn().execute(sa::text("UPDATE t SET score = score + 1 WHERE id > 1"));
  EXPECT_TRUE(update.supports_sane_rowcount());
  EXPECT_EQ(update.rowcount(), 3);
  EXPECT_FALSE(update.returns_rows());
  EXPECT_FALSE(update.closed());
  auto none = conn().execute(sa::text("UPDATE t SET score = 0 WHERE id > 100"));
  EXPECT_EQ(none.rowcount(), 0);
  auto del = conn().execute(sa::text("DELETE FROM t WHERE id = :id"), {{"id", 4}});
  EXPECT_EQ(del.rowcount(), 1);
  EXPECT_EQ(conn().exec_driver_sql("DELETE FROM t WHERE id > 2").rowcount(), 1);
}

TEST_P(ResultCursor, RowcountOfExecutemanyIsTheSum) {
  auto result = conn().execute(sa::text("UPDATE t SET score = 0 WHERE id <= :id"),
                               std::vector<sa::Params>{{{"id", 1}}, {{"id", 2}}, {{"id", 3}}});
  EXPECT_TRUE(result.supports_sane_multi_rowcount());
  EXPECT_EQ(result.rowcount(), 1 + 2 + 3);
  EXPECT_FALSE(result.returns_rows());
}

// rowcount of a SELECT is the driver's: sqlite3 says -1, libpq (as psycopg2) the rows returned.
TEST_P(ResultCursor, RowcountOfSelectIsTheDrivers) {
  auto result = conn().execute(sa::text("SELECT id FROM t"));
  EXPECT_TRUE(result.returns_rows());
  result.all();
  EXPECT_EQ(result.rowcount(), is_sqlite() ? -1 : 4);
}

TEST_P(ResultCursor, DmlWithoutReturningRaisesOnEveryFetch) {
  auto result = conn().execute(sa::text("DELETE FROM t WHERE id = 1"));
  const std::string no_rows =
      "This result object does not return rows. It has been closed automatically.";
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.fetchone(); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.keys(); }), no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.partitions(2).begin(); }),
            no_rows);
  EXPECT_EQ(message_of<sa::exc::ResourceClosedError>([&] { result.yield_per(5).all(); }), no_rows);
  EXPECT_FALSE(result.closed());
}

TEST_P(ResultCursor, DmlWithReturningCountsItsRowsOnceRead) {
  auto result =
      conn().exec_driver_sql("UPDATE t SET score = -score WHERE id < 3 RETURNING id, score");
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.scalars().all<std::int64_t>().size(), 2u);
  EXPECT_EQ(result.rowcount(), 2);
}

// While its rows are read a result answers rowcount and lastrowid from its cursor; once the
// cursor has gone back, with what the cursor last said.
TEST_P(ResultCursor, RowcountAndLastrowidBeforeAndAfterTheRowsAreRead) {
  auto result =
      conn().exec_driver_sql("INSERT INTO t (id, name) VALUES (20, 'x'), (21, 'y') RETURNING id");
  EXPECT_EQ(result.rowcount(), is_sqlite() ? -1 : 2);  // sqlite3 counts once the rows are read
  const std::optional<std::int64_t> lastrowid = result.lastrowid();
  EXPECT_EQ(lastrowid.has_value(), is_sqlite());
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 20);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 21);
  EXPECT_FALSE(result.fetchone().has_value());
  EXPECT_EQ(result.rowcount(), 2);
  EXPECT_EQ(result.lastrowid(), lastrowid);
  // A splice of the exhausted result keeps both.
  auto other = conn().exec_driver_sql("SELECT 7 AS id");
  auto spliced = result.splice_vertically(other);
  EXPECT_EQ(spliced.rowcount(), 2);
  EXPECT_EQ(spliced.lastrowid(), lastrowid);
}

TEST_P(ResultCursor, InsertedPrimaryKeySeamForTheExpressionLanguage) {
  auto result = conn().execute(sa::text("INSERT INTO t (id, name) VALUES (10, 'x')"));
  EXPECT_FALSE(result.is_insert());  // text() is not an insert() construct
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { result.inserted_primary_key(); }),
            "Statement is not a compiled expression construct.");
  sa::CursorResult::InsertInfo info;
  info.compiled = true;
  result.insert_info() = info;
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { result.inserted_primary_key(); }),
            "Statement is not an insert() expression construct.");
  auto meta = std::make_shared<const sa::ResultMetadata>(std::vector<std::string>{"id"});
  info.is_insert = true;
  sa::CursorResult::InsertInfo::Records records;
  records.inserted_primary_key_rows = {sa::Row(meta, {10})};
  info.records = std::make_shared<const sa::CursorResult::InsertInfo::Records>(std::move(records));
  result.insert_info() = info;
  EXPECT_TRUE(result.is_insert());
  EXPECT_EQ(result.inserted_primary_key().repr(), "(10,)");
  EXPECT_EQ(result.inserted_primary_key().mapping()["id"].as<std::int64_t>(), 10);
}

// ---- splicing (SQLAlchemy 2.0's CursorResult.splice_horizontally / splice_vertically) --------

TEST_P(ResultCursor, SpliceHorizontallyJoinsRowByRow) {
  // Seed 003's example: the RETURNING rows of two INSERTs side by side, as a JOIN would show them.
  create_table("users_s", "user_id INTEGER PRIMARY KEY, user_name VARCHAR(30)");
  create_table("addresses_s",
               "address_id INTEGER PRIMARY KEY, address VARCHAR(30), user_id INTEGER");
  auto r1 = conn().execute(
      sa::text("INSERT INTO users_s (user_id, user_name) VALUES (1, 'john'), (2, 'jack') "
               "RETURNING user_name, user_id"));
  auto r2 = conn().execute(
      sa::text("INSERT INTO addresses_s (address_id, address, user_id) VALUES "
               "(1, 'foo@bar.com', 1), (2, 'bar@bat.com', 2) RETURNING address_id, address, "
               "user_id"));
  sa::CursorResult spliced = r1.splice_horizontally(r2);
  EXPECT_TRUE(r1.all().empty());  // both were read to the end
  EXPECT_TRUE(r2.all().empty());
  EXPECT_EQ(spliced.keys(),
            (std::vector<std::string>{"user_name", "user_id", "address_id", "address", "user_id"}));
  EXPECT_EQ(spliced.rowcount(), 2);  // r1's
  auto rows = spliced.all();
  EXPECT_EQ(repr(rows), "[('john', 1, 1, 'foo@bar.com', 1), ('jack', 2, 2, 'bar@bat.com', 2)]");
  // A name both results have is ambiguous; the others and every position still work.
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { (void)rows[0]["user_id"]; }),
            "Ambiguous column name 'user_id' in result set column descriptions");
  EXPECT_TRUE(rows[0].mapping().contains("user_id"));
  EXPECT_EQ(rows[1]["address"].as<std::string>(), "bar@bat.com");
  EXPECT_EQ(rows[1][4].as<std::int64_t>(), 2);
}

TEST_P(ResultCursor, SpliceHorizontallyNeedsAsManyRows) {
  auto two = conn().execute(sa::text("SELECT id FROM t WHERE id <= 2"));
  auto three = conn().execute(sa::text("SELECT name FROM t WHERE id <= 3"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { two.splice_horizontally(three); }),
            "Can't splice results with different numbers of rows horizontally: 2 and 3");
}

TEST_P(ResultCursor, SpliceVerticallyAppendsTheRows) {
  auto first = conn().execute(sa::text("SELECT id, name FROM t WHERE id <= 2 ORDER BY id"));
  auto second = conn().execute(sa::text("SELECT id, name FROM t WHERE id > 2 ORDER BY id"));
  EXPECT_EQ(first.fetchone()->repr(), "(1, 'a')");  // only the remaining rows are spliced
  const std::int64_t first_rowcount = first.rowcount();
  sa::CursorResult spliced = first.splice_vertically(second);
  EXPECT_TRUE(spliced.returns_rows());
  EXPECT_EQ(spliced.keys(), (std::vector<std::string>{"id", "name"}));
  // Fully buffered: fetchmany() defaults to every row.
  EXPECT_EQ(repr(spliced.fetchmany()), "[(2, 'b'), (3, 'c'), (4, 'd')]");
  EXPECT_TRUE(spliced.fetchmany().empty());
  EXPECT_FALSE(spliced.closed());
  // The first result's: a SELECT's, as the driver reports it (-1 on sqlite3, 2 on libpq).
  EXPECT_EQ(spliced.rowcount(), first_rowcount);
  EXPECT_EQ(first_rowcount, is_sqlite() ? -1 : 2);
}

TEST_P(ResultCursor, SplicedResultsHaveEveryResultMethod) {
  auto a = conn().execute(sa::text("SELECT id, name FROM t WHERE id <= 2 ORDER BY id"));
  auto b = conn().execute(sa::text("SELECT id, name FROM t WHERE id <= 2 ORDER BY id"));
  auto spliced = a.splice_vertically(b);
  EXPECT_EQ(spliced.columns("name").unique().scalars().all<std::string>(),
            (std::vector<std::string>{"a", "b"}));
  auto c = conn().execute(sa::text("SELECT id FROM t ORDER BY id"));
  auto d = conn().execute(sa::text("SELECT name FROM t ORDER BY id"));
  auto side_by_side = c.splice_horizontally(d);
  EXPECT_EQ(side_by_side.mappings().first()->repr(), "{'id': 1, 'name': 'a'}");
  EXPECT_TRUE(side_by_side.closed());  // first() closes, as for any result
}

TEST_P(ResultCursor, SpliceVerticallyNeedsTheSameKeys) {
  auto a = conn().execute(sa::text("SELECT id, name FROM t"));
  auto b = conn().execute(sa::text("SELECT name, id FROM t"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { a.splice_vertically(b); }),
            "Can't splice results with different keys vertically: [id, name] and [name, id]");
  auto dml = conn().execute(sa::text("UPDATE t SET score = 0 WHERE id = 1"));
  EXPECT_THROW(a.splice_vertically(dml), sa::exc::ResourceClosedError);
  EXPECT_EQ(a.all().size(), 4u);  // nothing was read from either before the check failed
}

// ---- rows that cost nothing
// ----------------------------------------------------------------------

TEST_P(ResultCursor, IteratingTypedValuesAllocatesNothingPerRow) {
  run_committed(
      "WITH RECURSIVE g(n) AS (SELECT 1000 UNION ALL SELECT n + 1 FROM g WHERE n < 3999) "
      "INSERT INTO t (id, name, score) "
      "SELECT n, 'a name long enough to live on the heap ' || n, n * 0.25 FROM g");
  for (const bool batched : {false, true}) {
    SCOPED_TRACE(batched ? "yield_per(100)" : "plain");
    auto result = conn().execute(sa::text("SELECT id, name, score FROM t ORDER BY id"));
    if (batched) result.yield_per(100);
    auto it = result.begin();
    // The first rows size the buffer and its strings; after them nothing may allocate.
    for (int i = 0; i < 200; ++i) ++it;
    std::int64_t ids = 0;
    std::size_t chars = 0;
    double scores = 0;
    long rows = 0;
    const long before = g_allocations.load();
    for (; it != result.end(); ++it) {
      ids += it->get<std::int64_t>(0);
      chars += it->get<std::string_view>(1).size();
      scores += it->get<double>(2);
      ++rows;
    }
    const long allocations = g_allocations.load() - before;
    EXPECT_EQ(rows, 3004 - 200);
    EXPECT_GT(ids + static_cast<std::int64_t>(chars) + static_cast<std::int64_t>(scores), 0);
    // The end of the rows gives the buffer back to the connection (one slot at most).
    EXPECT_LE(allocations, 1);
  }
}

TEST_P(ResultCursor, ARowKeptPastItsBatchOwnsItsValues) {
  auto result = conn().execute(sa::text("SELECT id, name FROM t ORDER BY id"));
  std::vector<sa::Row> kept;
  for (const sa::Row& row : result) kept.push_back(row);  // copies: owning rows
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0].repr(), "(1, 'a')");
  EXPECT_EQ(kept[3].get<std::string>("name"), "d");
  EXPECT_EQ(kept[3].fields(), (std::vector<std::string>{"id", "name"}));
  const sa::Row moved = std::move(kept[1]);
  EXPECT_EQ(moved.repr(), "(2, 'b')");
}

TEST_P(ResultCursor, RowsShareTheirResultsKeys) {
  auto rows = conn().execute(sa::text("SELECT id, name FROM t")).all();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(&rows[0].metadata(), &rows[3].metadata());
}

INSTANTIATE_TEST_SUITE_P(Backends, ResultCursor, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
