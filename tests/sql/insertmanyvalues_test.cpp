// insertmanyvalues (SPEC §16): an executemany insert() with RETURNING or return_defaults() runs as
// batches of multi-row INSERT .. VALUES, each logged with its "insertmanyvalues k/T" badge and
// seen by the cursor events, and every batch's RETURNING rows come back as one result.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "engine/backend_fixture.hpp"
#include "engine/insertmanyvalues.hpp"

namespace athanor::testing {
namespace {

class InsertManyValues : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    track_table("imv_items");
    quietly([&](sa::Connection& conn) { metadata.create_all(conn); });
    log.clear();
  }

  static std::vector<sa::Params> names(int n, int from = 0) {
    std::vector<sa::Params> out;
    for (int i = from; i < from + n; ++i) out.push_back({{"name", "n" + std::to_string(i)}});
    return out;
  }
  // The engine's log from the first INSERT on, cache timings replaced by "...".
  Lines insert_lines() {
    static const std::regex timing(R"(\[generated in \d+\.\d{5}s)");
    Lines out;
    for (const std::string& line : log.raw_lines()) {
      if (out.empty() && !line.starts_with("INSERT")) continue;
      out.push_back(std::regex_replace(line, timing, "[generated in ..."));
    }
    return out;
  }

  sa::MetaData metadata;
  sa::Table items{"imv_items",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(20)),
                      sa::Column("status", sa::String(20), {.server_default = "new"}),
                  }};
};

TEST_P(InsertManyValues, ReturningGivesARowForEveryParameterSetInOrder) {
  auto conn = engine().connect();
  auto result =
      conn.execute(sa::insert(items).returning({items.c("id"), items.c("name")}), names(5));
  EXPECT_EQ(repr(result.all()), "[(1, 'n0'), (2, 'n1'), (3, 'n2'), (4, 'n3'), (5, 'n4')]");
  EXPECT_EQ(insert_lines(),
            (Lines{sql("INSERT INTO imv_items (name) VALUES (?), (?), (?), (?), (?)") +
                       returning("imv_items", {"id", "name"}),
                   "[generated in ... (insertmanyvalues) 1/1 (unordered)] ('n0', 'n1', 'n2', "
                   "'n3', 'n4')"}));
  // One transaction for all batches (sqlite_memory's connections share it: nothing to see there).
  if (independent_connections()) {
    EXPECT_EQ(count_rows("imv_items"), 0);
  }
  conn.commit();
  EXPECT_EQ(count_rows("imv_items"), 5);
}

TEST_P(InsertManyValues, ResultKeysAndColumnsWorkOnTheGatheredRows) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).returning({items.c("name"), items.c("status")}),
                             names(3), {{"insertmanyvalues_page_size", 2}});
  auto rows = result.mappings().all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2]["name"], sa::Value("n2"));
  EXPECT_EQ(rows[2]["status"], sa::Value("new"));
}

TEST_P(InsertManyValues, ReturnDefaultsFillsThePrimaryKeyAndDefaultsRows) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).return_defaults(), names(4),
                             {{"insertmanyvalues_page_size", 3}});
  EXPECT_EQ(repr(result.inserted_primary_key_rows()), "[(1,), (2,), (3,), (4,)]");
  EXPECT_EQ(repr(result.returned_defaults_rows()),
            "[(1, 'new'), (2, 'new'), (3, 'new'), (4, 'new')]");
  // The rows were the execution's, not the caller's.
  EXPECT_TRUE(result.all().empty());
  const Lines lines = insert_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], sql("INSERT INTO imv_items (name) VALUES (?), (?), (?)") +
                          returning("imv_items", {"id", "status"}));
  EXPECT_EQ(lines[3], "[insertmanyvalues 2/2 (unordered)] ('n3',)");
}

TEST_P(InsertManyValues, GivenPrimaryKeysComeBackToo) {
  auto conn = engine().connect();
  auto result = conn.execute(
      sa::insert(items).return_defaults(),
      std::vector<sa::Params>{{{"id", 10}, {"name", "a"}}, {{"id", 20}, {"name", "b"}}});
  EXPECT_EQ(repr(result.inserted_primary_key_rows()), "[(10,), (20,)]");
  // SQLite fetches its autoincrement column even when given: a NULL would still be generated.
  EXPECT_EQ(repr(result.returned_defaults_rows()),
            is_sqlite() ? "[(10, 'new'), (20, 'new')]" : "[('new',), ('new',)]");
}

TEST_P(InsertManyValues, BatchesFollowThePageSizeWithOneLogPairAndEventPairEach) {
  std::vector<std::string> calls;
  sa::Engine& e = engine();
  sa::event::listen(
      e, sa::event::before_cursor_execute,
      [&](sa::Connection&, sa::dbapi::Cursor&, std::string& statement,
          sa::CursorParameters& parameters, sa::ExecutionContext& context, bool executemany) {
        calls.push_back(fmt::format("before {} | {} set(s) of {} | {} {}", statement,
                                    parameters.size(), parameters.front().size(), executemany,
                                    context.executemany));
      });
  sa::event::listen(
      e, sa::event::after_cursor_execute,
      [&](sa::Connection&, sa::dbapi::Cursor&, const std::string& statement,
          const sa::CursorParameters& parameters, sa::ExecutionContext&, bool executemany) {
        calls.push_back(
            fmt::format("after {} | {} set(s) | {}", statement, parameters.size(), executemany));
      });
  auto conn = e.connect();
  auto result = conn.execute(sa::insert(items).returning({items.c("id")}), names(7),
                             {{"insertmanyvalues_page_size", 3}});
  EXPECT_EQ(repr(result.all()), "[(1,), (2,), (3,), (4,), (5,), (6,), (7,)]");

  const std::string three =
      sql("INSERT INTO imv_items (name) VALUES (?), (?), (?)") + returning("imv_items", {"id"});
  const std::string one =
      sql("INSERT INTO imv_items (name) VALUES (?)") + returning("imv_items", {"id"});
  EXPECT_EQ(
      insert_lines(),
      (Lines{three, "[generated in ... (insertmanyvalues) 1/3 (unordered)] ('n0', 'n1', 'n2')",
             three, "[insertmanyvalues 2/3 (unordered)] ('n3', 'n4', 'n5')", one,
             "[insertmanyvalues 3/3 (unordered)] ('n6',)"}));
  // before_cursor_execute sees each batch; after_cursor_execute the statement as compiled with
  // every parameter set, as SQLAlchemy 2.0 passes them.
  EXPECT_EQ(calls, (Lines{"before " + three + " | 1 set(s) of 3 | true true",
                          "after " + one + " | 7 set(s) | true",
                          "before " + three + " | 1 set(s) of 3 | true true",
                          "after " + one + " | 7 set(s) | true",
                          "before " + one + " | 1 set(s) of 1 | true true",
                          "after " + one + " | 7 set(s) | true"}));
}

TEST_P(InsertManyValues, PageSizeIsNotPartOfTheCacheKey) {
  auto conn = engine().connect();
  const auto stmt = [&] { return sa::insert(items).returning({items.c("id")}); };
  conn.execute(stmt(), names(4), {{"insertmanyvalues_page_size", 2}});
  log.clear();
  conn.execute(stmt(), names(3, 4), {{"insertmanyvalues_page_size", 3}});
  const Lines lines = insert_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], sql("INSERT INTO imv_items (name) VALUES (?), (?), (?)") +
                          returning("imv_items", {"id"}));
  EXPECT_TRUE(std::regex_match(
      lines[1], std::regex(R"(\[cached since \S+s ago \(insertmanyvalues\) 1/1 \(unordered\)\] )"
                           R"(\('n4', 'n5', 'n6'\))")))
      << lines[1];
}

TEST_P(InsertManyValues, CreateEngineSetsThePageSize) {
  sa::Engine paged = make_engine({.echo = true, .insertmanyvalues_page_size = 2});
  auto conn = paged.connect();
  metadata.create_all(conn);  // sqlite_memory: this engine's own database
  log.clear();
  conn.execute(sa::insert(items).returning({items.c("id")}), names(3));
  const Lines lines = insert_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3], "[insertmanyvalues 2/2 (unordered)] ('n2',)");
  EXPECT_EQ(
      message_of<sa::exc::ArgumentError>([&] { make_engine({.insertmanyvalues_page_size = 0}); }),
      "insertmanyvalues_page_size must be a positive integer, not 0");
}

TEST_P(InsertManyValues, BeforeCursorExecuteMayRewriteABatch) {
  sa::Engine& e = engine();
  sa::event::listen(e, sa::event::before_cursor_execute,
                    [&](sa::Connection&, sa::dbapi::Cursor&, std::string&,
                        sa::CursorParameters& parameters, sa::ExecutionContext&, bool) {
                      for (sa::Value& v : parameters.front()) v = v.as<std::string>() + "!";
                    });
  auto conn = e.connect();
  auto result = conn.execute(sa::insert(items).returning({items.c("name")}), names(2));
  EXPECT_EQ(repr(result.all()), "[('n0!',), ('n1!',)]");
}

TEST_P(InsertManyValues, LongBatchStatementsAreLoggedTruncated) {
  auto conn = engine().connect();
  conn.execute(sa::insert(items).returning({items.c("id")}), names(120));
  std::string values;
  for (int i = 0; i < 120; ++i) values += i ? ", (?)" : "(?)";
  const std::string full =
      sql("INSERT INTO imv_items (name) VALUES " + values) + returning("imv_items", {"id"});
  ASSERT_GT(full.size(), 500u);
  const std::string shown = full.substr(0, 250) + " ... " + std::to_string(full.size() - 350) +
                            " characters truncated ... " + full.substr(full.size() - 100);
  const Lines lines = insert_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], shown);
  // More than 100 parameters are shown as the first and last 50.
  EXPECT_NE(lines[1].find("'n49' ... 20 parameters truncated ... 'n70'"), std::string::npos)
      << lines[1];
}

TEST_P(InsertManyValues, PreserveRowcountCountsEveryBatch) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).returning({items.c("id")}), names(5),
                             {{"insertmanyvalues_page_size", 2}, {"preserve_rowcount", true}});
  EXPECT_EQ(result.rowcount(), 5);
}

TEST_P(InsertManyValues, AnErrorNamesTheBatchThatFailed) {
  auto conn = engine().connect();
  std::vector<sa::Params> rows{
      {{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}, {{"id", 1}, {"name", "c"}}};
  auto error = thrown<sa::exc::IntegrityError>([&] {
    conn.execute(sa::insert(items).returning({items.c("id")}), rows,
                 {{"insertmanyvalues_page_size", 2}});
  });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->statement(),
            sql("INSERT INTO imv_items (id, name) VALUES (?, ?)") + returning("imv_items", {"id"}));
  EXPECT_EQ(error->params(), "(1, 'c')");
}

TEST_P(InsertManyValues, TurnedOffReturningExecutemanyIsRefused) {
  sa::Engine off = make_engine({.echo = true, .use_insertmanyvalues = false});
  auto conn = off.connect();
  metadata.create_all(conn);  // sqlite_memory: this engine's own database
  const std::string dialect = std::string(off.name()) + "+" + std::string(off.driver());
  auto error = thrown<sa::exc::StatementError>(
      [&] { conn.execute(sa::insert(items).returning({items.c("id")}), names(2)); });
  ASSERT_TRUE(error.has_value());
  const std::string message = "Dialect " + dialect +
                              " with current server capabilities does not support "
                              "INSERT..RETURNING when executemany is used";
  EXPECT_EQ(std::string(error->what()),
            "(athanor.exc.InvalidRequestError) " + message + "\n[SQL: " +
                sql("INSERT INTO imv_items (name) VALUES (?)") + returning("imv_items", {"id"}) +
                "]\n[parameters: [{'name': 'n0'}, {'name': 'n1'}]]");
  try {
    std::rethrow_exception(error->orig());
  } catch (const sa::exc::InvalidRequestError& orig) {
    EXPECT_EQ(std::string(orig.what()), message);
  }
  // Nothing ran, and return_defaults() goes without RETURNING: generated keys are unknown.
  auto result = conn.execute(sa::insert(items).return_defaults(), names(2));
  EXPECT_EQ(repr(result.inserted_primary_key_rows()), "[(None,), (None,)]");
  EXPECT_TRUE(result.returned_defaults_rows().empty());
}

TEST_P(InsertManyValues, WithoutReturningItStaysAPlainExecutemany) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items), names(3));
  EXPECT_EQ(insert_lines(), (Lines{sql("INSERT INTO imv_items (name) VALUES (?)"),
                                   "[generated in ...] [('n0',), ('n1',), ('n2',)]"}));
  EXPECT_FALSE(result.returns_rows());
  EXPECT_EQ(repr(result.inserted_primary_key_rows()), "[(None,), (None,), (None,)]");
}

TEST_P(InsertManyValues, UpdateAndDeleteReturningCannotRunAsExecutemany) {
  auto conn = engine().connect();
  const std::string dialect = std::string(engine().name()) + "+" + std::string(engine().driver());
  const std::string update = message_of<sa::exc::StatementError>([&] {
    conn.execute(
        sa::update(items)
            .where(items.c("id") == sa::bindparam("key"))
            .values({{"name", sa::bindparam("new_name")}})
            .returning({items.c("id")}),
        std::vector<sa::Params>{{{"key", 1}, {"new_name", "x"}}, {{"key", 2}, {"new_name", "y"}}});
  });
  EXPECT_TRUE(update.starts_with("(athanor.exc.InvalidRequestError) Dialect " + dialect +
                                 " with current server capabilities does not support "
                                 "UPDATE..RETURNING when executemany is used"))
      << update;
  const std::string del = message_of<sa::exc::StatementError>([&] {
    conn.execute(
        sa::delete_(items).where(items.c("id") == sa::bindparam("key")).returning({items.c("id")}),
        std::vector<sa::Params>{{{"key", 1}}, {{"key", 2}}});
  });
  EXPECT_NE(del.find("does not support DELETE..RETURNING when executemany is used"),
            std::string::npos)
      << del;
}

TEST_P(InsertManyValues, SortByParameterOrderGoesRowByRow) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).returning({items.c("id"), items.c("name")},
                                                         {.sort_by_parameter_order = true}),
                             names(3));
  EXPECT_EQ(repr(result.all()), "[(1, 'n0'), (2, 'n1'), (3, 'n2')]");
  const std::string one =
      sql("INSERT INTO imv_items (name) VALUES (?)") + returning("imv_items", {"id", "name"});
  EXPECT_EQ(insert_lines(),
            (Lines{one,
                   "[generated in ... (insertmanyvalues) 1/3 (ordered; batch not supported)] "
                   "('n0',)",
                   one, "[insertmanyvalues 2/3 (ordered; batch not supported)] ('n1',)", one,
                   "[insertmanyvalues 3/3 (ordered; batch not supported)] ('n2',)"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, InsertManyValues, ::testing::ValuesIn(all_backends()),
                         backend_name);

// ---- the batch arithmetic, without the database ------------------------------------------------

TEST(InsertManyValuesBatches, PageSizeShrinksToFitTheParameterLimit) {
  // SPEC §16.2: 40 parameters per row under 32700 → 817 rows a batch (2000 rows: 817, 817, 366).
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(1000, 32700, 40, 40), 817u);
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(1000, 32700, 3, 3), 1000u);
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(5, 32700, 3, 3), 5u);
  // SQLite before 3.32: 999.
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(1000, 999, 4, 4), 249u);
  // Parameters outside VALUES (in RETURNING) count once per batch.
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(1000, 100, 12, 10), 9u);
  // A row wider than the limit still goes, one at a time.
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(1000, 10, 20, 20), 1u);
  // No parameters in the VALUES group: the page size alone.
  EXPECT_EQ(sa::detail::insertmanyvalues_batch_size(7, 10, 0, 0), 7u);
}

TEST(InsertManyValuesBatches, NumericPlaceholdersAreRenumberedPerRow) {
  sa::sql::Compiled c;
  c.sql = "INSERT INTO t (a, b) VALUES ($1, lower($2)) RETURNING t.a, \"x$1\", t.b + $3";
  const std::size_t begin = c.sql.find('(', c.sql.find("VALUES"));
  const std::size_t end = c.sql.find(" RETURNING");
  c.values_group = {begin, end, 0, 2};
  EXPECT_EQ(sa::detail::insertmanyvalues_sql(c, sa::Paramstyle::numeric_dollar, 3),
            "INSERT INTO t (a, b) VALUES ($1, lower($2)), ($3, lower($4)), ($5, lower($6)) "
            "RETURNING t.a, \"x$1\", t.b + $7");
  EXPECT_EQ(sa::detail::insertmanyvalues_sql(c, sa::Paramstyle::numeric_dollar, 1), c.sql);

  sa::sql::Compiled q;
  q.sql = "INSERT INTO t (a) VALUES (?) RETURNING a";
  q.values_group = {q.sql.find("(?)"), q.sql.find("(?)") + 3, 0, 1};
  EXPECT_EQ(sa::detail::insertmanyvalues_sql(q, sa::Paramstyle::qmark, 2),
            "INSERT INTO t (a) VALUES (?), (?) RETURNING a");
}

}  // namespace
}  // namespace athanor::testing
