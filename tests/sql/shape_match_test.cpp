// A statement rebuilt in a loop finds its cached form by comparing its tree with the statement
// that entry was compiled from (Statement::same_shape), not by walking its key. These tests
// execute a statement twice (so the thread remembers its entry), then another one: its echo badge
// says whether an entry served it, and its rows show that it ran with its own values.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <string>
#include <vector>

#include "log_capture.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;

namespace {

class ShapeMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    metadata.create_all(engine);
    conn.execute(sa::insert(users), std::vector<sa::Params>{{{"id", 1}, {"name", "a"}},
                                                            {{"id", 2}, {"name", "b"}},
                                                            {{"id", 3}, {"name", "c"}}});
  }

  struct Run {
    std::string badge;              // "generated", "cached" or what the log showed instead
    std::vector<std::string> rows;  // each row's values joined by ","
    std::string sql;                // the statement as logged
  };
  Run run(const sa::sql::Executable& stmt) {
    LogCapture log;
    Run out;
    for (const sa::Row& row : conn.execute(stmt)) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "," : "") + row[i].repr();
      out.rows.push_back(line);
    }
    for (const std::string& m : log.messages()) {
      if (out.sql.empty() && m.rfind("SELECT", 0) == 0) out.sql = m;
    }
    const int generated = log.count("[generated in ");
    const int cached = log.count("[cached since ");
    out.badge = generated == 1 && cached == 0   ? "generated"
                : cached == 1 && generated == 0 ? "cached"
                                                : "unexpected log";
    return out;
  }
  // Runs `first` twice, then `second`: `second`'s run.
  Run after_remembered(const sa::sql::Executable& first, const sa::sql::Executable& second) {
    run(first);
    EXPECT_EQ(run(first).badge, "cached");
    return run(second);
  }

  sa::MetaData metadata;
  sa::Table users{
      "users",
      metadata,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(50))}};
  sa::Engine engine = sa::create_engine("sqlite://", {.echo = true});
  sa::Connection conn = engine.connect();
};

using Rows = std::vector<std::string>;

}  // namespace

TEST_F(ShapeMatch, TheSameShapeIsServedFromTheEntryWithItsOwnValues) {
  EXPECT_EQ(run(sa::select(users).where(users.c("id") == 1)).badge, "generated");
  for (int id = 1; id <= 3; ++id) {
    const Run r = run(sa::select(users).where(users.c("id") == id));
    EXPECT_EQ(r.badge, "cached");
    EXPECT_EQ(r.rows, Rows{std::to_string(id) + ",'" + std::string(1, 'a' + id - 1) + "'"});
  }
  const Run in = run(sa::select(users.c("id")).where(users.c("id").in_({2, 3})));
  EXPECT_EQ(in.badge, "generated");
  EXPECT_EQ(run(sa::select(users.c("id")).where(users.c("id").in_({1, 3}))).rows, (Rows{"1", "3"}));
}

TEST_F(ShapeMatch, AnotherOperatorOrListLengthOrBindNameIsAnotherEntry) {
  const auto id = users.c("id");
  Run r = after_remembered(sa::select(id).where(id == 1), sa::select(id).where(id != 1));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, (Rows{"2", "3"}));

  r = after_remembered(sa::select(id).where(id.in_({1, 2})),
                       sa::select(id).where(id.in_({1, 2, 3})));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, (Rows{"1", "2", "3"}));

  r = after_remembered(sa::select(id).where(id == sa::bindparam("a", 1)),
                       sa::select(id).where(id == sa::bindparam("b", 2)));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"2"});
}

TEST_F(ShapeMatch, AnotherClauseOrColumnOrFunctionIsAnotherEntry) {
  const auto id = users.c("id");
  Run r = after_remembered(sa::select(id).order_by({id}).limit(2),
                           sa::select(id).order_by({id}).limit(2).offset(1));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, (Rows{"2", "3"}));

  r = after_remembered(sa::select(id).where(id > 1), sa::select(id).where(id > 1).where(id < 3));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"2"});

  r = after_remembered(sa::select(id).where(id == 2), sa::select(users.c("name")).where(id == 2));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"'b'"});

  r = after_remembered(sa::select(sa::func::max(id)), sa::select(sa::func::min(id)));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"1"});

  r = after_remembered(sa::select(users.c("name")).distinct(), sa::select(users.c("name")));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows.size(), 3u);
}

// A subquery's column stands for the subquery, whose literals the walk must list: the
// comparison leaves such columns to the walk, even the same column object.
TEST_F(ShapeMatch, ASubquerysColumnCarriesTheSubquerysOwnValues) {
  const auto id = users.c("id");
  const auto above_1 = sa::select(id).where(id > 1).subquery("sq").c("id");
  const Run r = after_remembered(sa::select(above_1), sa::select(above_1));
  EXPECT_EQ(r.badge, "cached");
  EXPECT_EQ(r.rows, (Rows{"2", "3"}));
  const auto above_2 = sa::select(id).where(id > 2).subquery("sq").c("id");
  const Run other = run(sa::select(above_2));
  EXPECT_EQ(other.badge, "cached");  // one structure: one entry
  EXPECT_EQ(other.rows, Rows{"3"});
}

TEST_F(ShapeMatch, ASchemaTranslateMapIsPartOfTheKey) {
  const auto plain = [&](int id) { return sa::select(users.c("id")).where(users.c("id") == id); };
  const auto translated = plain(1).execution_options(
      {{"schema_translate_map", sa::schema_translate_map({{std::nullopt, "main"}})}});
  const Run r = after_remembered(plain(1), translated);
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"1"});
  EXPECT_NE(r.sql.find("FROM main.users"), std::string::npos) << r.sql;
  const Run back = run(plain(2));
  EXPECT_EQ(back.badge, "cached");
  EXPECT_EQ(back.sql.find("main."), std::string::npos) << back.sql;
}

// The entry keeps the statement it was compiled from. Building on that statement afterwards
// copies it: changed in place, the entry would compare later statements with the wrong tree.
TEST_F(ShapeMatch, BuildingOnACachedStatementLeavesTheEntrysPrototypeAlone) {
  const auto id = users.c("id");
  auto stmt = sa::select(id).where(id > 1);
  run(stmt);
  EXPECT_EQ(run(stmt).badge, "cached");
  const auto narrower = std::move(stmt).where(id < 3);
  EXPECT_EQ(run(narrower).rows, Rows{"2"});
  // Remember the one-clause entry again, then run a two-clause statement: it must not match it.
  const Run r =
      after_remembered(sa::select(id).where(id > 1), sa::select(id).where(id > 2).where(id < 3));
  EXPECT_EQ(r.badge, "cached");  // narrower's entry, found by the walk
  EXPECT_EQ(r.rows, Rows{});
}

// The same for the clauses a statement keeps apart (ORDER BY, LIMIT, OFFSET, ...): building on
// them copies them too.
TEST_F(ShapeMatch, BuildingOnACachedStatementsClausesLeavesTheEntrysPrototypeAlone) {
  const auto id = users.c("id");
  auto stmt = sa::select(id).order_by({id}).limit(3);
  run(stmt);
  EXPECT_EQ(run(stmt).badge, "cached");
  const auto shorter = std::move(stmt).offset(1);
  EXPECT_EQ(run(shorter).rows, (Rows{"2", "3"}));
  // Remember the entry without OFFSET again, then run a statement with one: it must not match it.
  const Run r = after_remembered(sa::select(id).order_by({id}).limit(3),
                                 sa::select(id).order_by({id}).limit(3).offset(2));
  EXPECT_EQ(r.badge, "cached");  // shorter's entry, found by the walk
  EXPECT_EQ(r.rows, Rows{"3"});
}

// select(table)'s columns are compared by the table they come from: another table of the same
// columns, or the table joined to another, is another entry.
TEST_F(ShapeMatch, AWholeTablesColumnsAreComparedByItsTable) {
  sa::Table others(
      "others", metadata,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(50))});
  others.create(conn);
  conn.execute(sa::insert(others).values({{"id", 7}, {"name", "x"}}));
  const auto of_users = [&](int id) { return sa::select(users).where(users.c("id") == id); };
  Run r = after_remembered(of_users(1), sa::select(others).where(others.c("id") == 7));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{"7,'x'"});
  r = after_remembered(of_users(1), sa::select(users)
                                        .join(others, users.c("name") == others.c("name"))
                                        .where(users.c("id") == 1));
  EXPECT_EQ(r.badge, "generated");
  EXPECT_EQ(r.rows, Rows{});
  EXPECT_EQ(run(of_users(2)).rows, Rows{"2,'b'"});
}

// A WHERE keeps two criteria inline; a third takes the list's growth path and must count too,
// in the comparison as in the SQL.
TEST_F(ShapeMatch, ACriterionPastTheInlineRoomCounts) {
  const auto id = users.c("id");
  const auto three = [&](int above, int below, int other_than) {
    return sa::select(id).where(id > above).where(id < below).where(id != other_than);
  };
  EXPECT_EQ(run(three(0, 4, 1)).rows, (Rows{"2", "3"}));
  const Run r = run(three(0, 3, 2));
  EXPECT_EQ(r.badge, "cached");
  EXPECT_EQ(r.rows, Rows{"1"});
}
