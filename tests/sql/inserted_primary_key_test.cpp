// What a compiled insert() reports about the row it made (SPEC §14.1), on every backend:
// PostgreSQL fetches a generated primary key with the RETURNING clause its compiler adds
// (SQLAlchemy's implicit returning) and reads that row itself; SQLite reads cursor.lastrowid for
// an autoincrement column and uses RETURNING only where lastrowid cannot help. Given keys come
// from the parameters; executemany reports NULL for generated values.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class InsertedPrimaryKey : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    for (const char* name : {"ipk_serial", "ipk_composite", "ipk_coded"}) track_table(name);
    quietly([&](sa::Connection& conn) { metadata.create_all(conn); });
    log.clear();
  }

  sa::MetaData metadata;
  sa::Table serial{"ipk_serial",
                   metadata,
                   {
                       sa::Column("id", sa::Integer(), {.primary_key = true}),
                       sa::Column("name", sa::String(20)),
                   }};
  sa::Table composite{"ipk_composite",
                      metadata,
                      {
                          sa::Column("a", sa::Integer(), {.primary_key = true}),
                          sa::Column("b", sa::String(10), {.primary_key = true}),
                          sa::Column("name", sa::String(20)),
                      }};
  // A primary key the server fills that is not an autoincrement column: no lastrowid helps.
  sa::Table coded{
      "ipk_coded",
      metadata,
      {
          sa::Column("code", sa::String(10), {.primary_key = true, .server_default = "k1"}),
          sa::Column("name", sa::String(20)),
      }};
};

TEST_P(InsertedPrimaryKey, GeneratedSerialKeyOfEachSingleRowInsert) {
  auto conn = engine().connect();
  auto first = conn.execute(sa::insert(serial).values({{"name", "a"}}));
  EXPECT_EQ(first.inserted_primary_key().repr(), "(1,)");
  EXPECT_EQ(first.inserted_primary_key()["id"], sa::Value(1));
  auto second = conn.execute(sa::insert(serial).values({{"name", "b"}}));
  EXPECT_EQ(second.inserted_primary_key().repr(), "(2,)");
  EXPECT_EQ(second.rowcount(), 1);
  if (is_sqlite()) {
    EXPECT_TRUE(logged("INSERT INTO ipk_serial (name) VALUES (?)"));
    EXPECT_FALSE(second.returns_rows());
    EXPECT_FALSE(second.returned_defaults().has_value());
  } else {
    EXPECT_TRUE(logged("INSERT INTO ipk_serial (name) VALUES ($1) RETURNING ipk_serial.id"));
    // The cursor had rows, but the execution read them: the caller gets none.
    EXPECT_TRUE(second.returns_rows());
    EXPECT_TRUE(second.all().empty());
    ASSERT_TRUE(second.returned_defaults().has_value());
    EXPECT_EQ(second.returned_defaults()->repr(), "(2,)");
  }
  EXPECT_EQ(conn.execute(sa::select(serial.c("name")).where(serial.c("id") == 2)).scalar_one(),
            sa::Value("b"));
}

TEST_P(InsertedPrimaryKey, GivenKeyComesFromTheParametersWithoutReturning) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(serial).values({{"id", 10}, {"name", "x"}}));
  EXPECT_EQ(result.inserted_primary_key().repr(), "(10,)");
  EXPECT_FALSE(result.returns_rows());
  EXPECT_TRUE(logged(sql("INSERT INTO ipk_serial (id, name) VALUES (?, ?)")));
  // The same through execution parameters.
  auto by_params = conn.execute(sa::insert(serial), {{"id", 11}, {"name", "y"}});
  EXPECT_EQ(by_params.inserted_primary_key().repr(), "(11,)");
}

TEST_P(InsertedPrimaryKey, CompositeKeyInTablePrimaryKeyOrder) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(composite).values({{"b", "x"}, {"a", 7}, {"name", "n"}}));
  EXPECT_EQ(result.inserted_primary_key().repr(), "(7, 'x')");
  EXPECT_EQ(result.inserted_primary_key().fields(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(logged(sql("INSERT INTO ipk_composite (a, b, name) VALUES (?, ?, ?)")));
}

TEST_P(InsertedPrimaryKey, ServerDefaultKeyIsFetchedWithReturningOnBothBackends) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(coded).values({{"name", "n"}}));
  EXPECT_EQ(result.inserted_primary_key().repr(), "('k1',)");
  // SQLite's RETURNING columns are not table-qualified.
  EXPECT_TRUE(logged(is_sqlite() ? "INSERT INTO ipk_coded (name) VALUES (?) RETURNING code"
                                 : "INSERT INTO ipk_coded (name) VALUES ($1) RETURNING "
                                   "ipk_coded.code"));
}

TEST_P(InsertedPrimaryKey, ExecutemanyHasNoReturningAndReportsNullForGeneratedKeys) {
  auto conn = engine().connect();
  auto many =
      conn.execute(sa::insert(serial), std::vector<sa::Params>{{{"name", "a"}}, {{"name", "b"}}});
  EXPECT_TRUE(logged(sql("INSERT INTO ipk_serial (name) VALUES (?)")));
  EXPECT_EQ(repr(many.inserted_primary_key_rows()), "[(None,), (None,)]");
  EXPECT_TRUE(many.returned_defaults_rows().empty());
  EXPECT_EQ(conn.execute(sa::select(sa::func::count()).select_from(serial)).scalar_one(),
            sa::Value(2));

  auto given =
      conn.execute(sa::insert(serial),
                   std::vector<sa::Params>{{{"id", 5}, {"name", "c"}}, {{"id", 6}, {"name", "d"}}});
  EXPECT_EQ(repr(given.inserted_primary_key_rows()), "[(5,), (6,)]");

  // The single-row form of the same statement is its own compiled form, with RETURNING on
  // PostgreSQL, whose sequence went on from 2; SQLite's next rowid follows the largest.
  auto one = conn.execute(sa::insert(serial), {{"name", "e"}});
  EXPECT_EQ(one.inserted_primary_key().repr(), is_sqlite() ? "(7,)" : "(3,)");
}

INSTANTIATE_TEST_SUITE_P(Backends, InsertedPrimaryKey, ::testing::ValuesIn(all_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
