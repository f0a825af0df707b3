// The PostgreSQL compiler's key fetched before an INSERT (no server needed): without RETURNING
// and without lastrowid, the autoincrement column's value comes from its SERIAL sequence, named
// and schema-qualified as CREATE TABLE made it. tests/sql/returning_options_test.cpp runs it.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <string>

#include "dialects/postgresql/dialect.hpp"

namespace athanor::testing {
namespace {

namespace sa = athanor;

std::unique_ptr<sql::Compiled> compile(const sql::Statement& stmt,
                                       const ExecutionOptions* options = nullptr) {
  const auto dialect = dialects::postgresql::make_dialect();
  return stmt.compile_fresh(dialect.get(), nullptr, options);
}

TEST(PostgreSQLCompiler, KeyWithoutReturningComesFromTheSerialSequence) {
  sa::MetaData m;
  sa::Table t(
      "remote", m,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("value", sa::String(20))},
      {.schema = "remote_owner", .implicit_returning = false});
  const auto stmt = sa::insert(t).values({{"value", "x"}});
  const auto c = compile(stmt);
  EXPECT_EQ(c->sql, "INSERT INTO remote_owner.remote (id, value) VALUES ($1, $2)");
  EXPECT_EQ(c->prefetch_cols, std::vector<std::string>{"id"});
  ASSERT_EQ(c->preexecuted_defaults.size(), 1u);
  EXPECT_EQ(c->preexecuted_defaults[0].bind_name, "id");
  EXPECT_EQ(c->preexecuted_defaults[0].sql, "select nextval('\"remote_owner\".\"remote_id_seq\"')");

  const ExecutionOptions translated{
      {"schema_translate_map", sa::schema_translate_map({{"remote_owner", "tenant"}})}};
  EXPECT_EQ(compile(stmt, &translated)->preexecuted_defaults.at(0).sql,
            "select nextval('\"tenant\".\"remote_id_seq\"')");
}

TEST(PostgreSQLCompiler, LongSequenceNamesAreCutAsTheServerCutsThem) {
  sa::MetaData m;
  const std::string table(40, 't');
  const std::string column(30, 'c');
  sa::Table t(table, m,
              {sa::Column(column, sa::Integer(), {.primary_key = true}),
               sa::Column("name", sa::String(20))},
              {.implicit_returning = false});
  const auto c = compile(sa::insert(t).values({{"name", "a"}}));
  ASSERT_EQ(c->preexecuted_defaults.size(), 1u);
  EXPECT_EQ(c->preexecuted_defaults[0].sql,
            "select nextval('\"" + std::string(29, 't') + "_" + std::string(29, 'c') + "_seq\"')");
}

TEST(PostgreSQLCompiler, AKeyServerDefaultIsEvaluatedOnItsOwn) {
  sa::MetaData m;
  sa::Table t("coded", m,
              {sa::Column("id", sa::Integer(),
                          {.primary_key = true, .server_default = "7", .autoincrement = true}),
               sa::Column("name", sa::String(20))},
              {.implicit_returning = false});
  const auto c = compile(sa::insert(t).values({{"name", "a"}}));
  ASSERT_EQ(c->preexecuted_defaults.size(), 1u);
  EXPECT_EQ(c->preexecuted_defaults[0].sql, "select '7'");
}

TEST(PostgreSQLCompiler, NothingIsFetchedBeforehandWhenTheInsertCanTellTheKey) {
  sa::MetaData m;
  sa::Table returning(
      "returning_t", m,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(20))});
  sa::Table plain(
      "plain_t", m,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(20))},
      {.implicit_returning = false});
  // RETURNING tells it; a given key needs nothing; executemany and multi-row VALUES report none.
  EXPECT_TRUE(compile(sa::insert(returning).values({{"name", "a"}}))->preexecuted_defaults.empty());
  EXPECT_TRUE(
      compile(sa::insert(plain).values({{"id", 5}, {"name", "a"}}))->preexecuted_defaults.empty());
  const auto dialect = dialects::postgresql::make_dialect();
  const Params first{{"name", "a"}};
  EXPECT_TRUE(sa::insert(plain)
                  .compile_fresh(dialect.get(), &first, nullptr, /*executemany=*/true)
                  ->preexecuted_defaults.empty());
  const std::vector<sa::ValuesMap> rows{{{"name", "a"}}, {{"name", "b"}}};
  EXPECT_TRUE(compile(sa::insert(plain).values(rows))->preexecuted_defaults.empty());
}

}  // namespace
}  // namespace athanor::testing
