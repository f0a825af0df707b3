// The RETURNING the compiler adds on its own, and what bends it: Table(implicit_returning=false)
// vetoes it (PostgreSQL then fetches a generated key from its sequence before the INSERT),
// return_defaults(supplemental_cols) adds columns whose rows the caller reads too, and on SQLite
// a NULL given for the autoincrement primary key is still generated and reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class ReturningOptions : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    track_table("ro_items");
    track_table("ro_plain");
    quietly([&](sa::Connection& conn) { metadata.create_all(conn); });
    log.clear();
  }

  sa::MetaData metadata;
  sa::Table items{"ro_items",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(20)),
                      sa::Column("status", sa::String(20), {.server_default = "new"}),
                  }};
  sa::Table plain{"ro_plain",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(20)),
                      sa::Column("status", sa::String(20), {.server_default = "new"}),
                  },
                  {.implicit_returning = false}};
};

// ---- Table(implicit_returning=false) ------------------------------------------------------------

TEST_P(ReturningOptions, NoImplicitReturningLeavesTheInsertBare) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(plain).values({{"name", "a"}}).return_defaults());
  EXPECT_FALSE(result.returned_defaults().has_value());
  EXPECT_EQ(result.postfetch_cols(), std::vector<std::string>{"status"});
  if (is_sqlite()) {
    EXPECT_TRUE(logged(sql("INSERT INTO ro_plain (name) VALUES (?)")));
    EXPECT_EQ(result.inserted_primary_key().repr(), "(1,)");  // from cursor.lastrowid
  } else {
    // No lastrowid: the SERIAL column's sequence gives the key first, and the INSERT binds it.
    const std::vector<std::string> lines = log.lines();
    const std::size_t nextval =
        std::find(lines.begin(), lines.end(), "select nextval('\"ro_plain_id_seq\"')") -
        lines.begin();
    ASSERT_LT(nextval + 3, lines.size());
    EXPECT_EQ(lines[nextval + 2], "BEGIN (implicit)");  // as SQLAlchemy: the key comes first
    EXPECT_EQ(lines[nextval + 3], sql("INSERT INTO ro_plain (id, name) VALUES (?, ?)"));
    EXPECT_EQ(result.prefetch_cols(), std::vector<std::string>{"id"});
    EXPECT_EQ(result.inserted_primary_key().repr(), "(1,)");
    EXPECT_EQ(conn.exec_driver_sql("SELECT id, name FROM ro_plain").all().at(0).repr(), "(1, 'a')");
  }
  log.clear();
  auto many = conn.execute(sa::insert(plain).return_defaults(),
                           std::vector<sa::Params>{{{"name", "b"}}, {{"name", "c"}}});
  EXPECT_TRUE(many.returned_defaults_rows().empty());
  if (is_sqlite()) {
    // executemany: a plain one, nothing fetched.
    EXPECT_EQ(log.lines().at(0), sql("INSERT INTO ro_plain (name) VALUES (?)"));
    EXPECT_EQ(repr(many.inserted_primary_key_rows()), "[(None,), (None,)]");
  } else {
    // return_defaults() asks for every row's key: each is fetched before the rows go.
    EXPECT_TRUE(logged(sql("INSERT INTO ro_plain (id, name) VALUES (?, ?)")));
    EXPECT_EQ(repr(many.inserted_primary_key_rows()), "[(2,), (3,)]");
  }
}

TEST_P(ReturningOptions, NoImplicitReturningFindsTheKeyOfATableWithLongNames) {
  // 40 + 30 characters: too long for the SERIAL sequence's name, which the server cut to fit.
  sa::MetaData long_metadata;
  const std::string name = "ro_" + std::string(37, 't');
  sa::Table t{name,
              long_metadata,
              {sa::Column(std::string(30, 'c'), sa::Integer(), {.primary_key = true}),
               sa::Column("name", sa::String(20))},
              {.implicit_returning = false}};
  track_table(name);
  quietly([&](sa::Connection& conn) { t.create(conn); });
  auto conn = engine().connect();
  conn.execute(sa::insert(t).values({{"name", "a"}}));
  auto result = conn.execute(sa::insert(t).values({{"name", "b"}}));
  EXPECT_EQ(result.inserted_primary_key().repr(), "(2,)");
}

TEST_P(ReturningOptions, NoImplicitReturningKeepsExplicitReturning) {
  auto conn = engine().connect();
  auto result =
      conn.execute(sa::insert(plain).values({{"name", "a"}}).returning({plain.c("status")}));
  EXPECT_TRUE(
      logged(sql("INSERT INTO ro_plain (name) VALUES (?)") + returning("ro_plain", {"status"})));
  EXPECT_EQ(repr(result.all()), "[('new',)]");
}

TEST_P(ReturningOptions, ImplicitReturningStaysForOtherTables) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).values({{"name", "a"}}).return_defaults());
  EXPECT_TRUE(logged(sql("INSERT INTO ro_items (name) VALUES (?)") +
                     returning("ro_items", {"id", "status"})));
  EXPECT_EQ(result.returned_defaults()->repr(), "(1, 'new')");
}

// ---- return_defaults(supplemental_cols) ---------------------------------------------------------

TEST_P(ReturningOptions, SupplementalColumnsComeBackToTheCallerToo) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items)
                                 .values({{"name", "a"}})
                                 .return_defaults({}, {.supplemental_cols = {items.c("name")}}));
  // The table's own columns go in table order.
  EXPECT_TRUE(logged(sql("INSERT INTO ro_items (name) VALUES (?)") +
                     returning("ro_items", {"id", "name", "status"})));
  EXPECT_EQ(result.returned_defaults()->repr(), "(1, 'a', 'new')");
  EXPECT_EQ(result.inserted_primary_key().repr(), "(1,)");
  auto rows = result.mappings().all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], sa::Value("a"));
  EXPECT_EQ(rows[0]["status"], sa::Value("new"));
}

TEST_P(ReturningOptions, SupplementalExpressionsFollowTheColumns) {
  auto conn = engine().connect();
  auto result = conn.execute(
      sa::insert(items)
          .values({{"name", "a"}})
          .return_defaults({items.c("status")},
                           {.supplemental_cols = {(items.c("id") * 10).label("tenfold")}}));
  EXPECT_EQ(repr(result.all()), "[(1, 'new', 10)]");
  EXPECT_EQ(result.returned_defaults()->mapping()["tenfold"], sa::Value(10));
}

TEST_P(ReturningOptions, SupplementalColumnsWithExecutemany) {
  auto conn = engine().connect();
  auto result =
      conn.execute(sa::insert(items).return_defaults({}, {.supplemental_cols = {items.c("name")}}),
                   std::vector<sa::Params>{{{"name", "a"}}, {{"name", "b"}}, {{"name", "c"}}},
                   {{"insertmanyvalues_page_size", 2}});
  EXPECT_EQ(repr(result.inserted_primary_key_rows()), "[(1,), (2,), (3,)]");
  EXPECT_EQ(repr(result.returned_defaults_rows()),
            "[(1, 'a', 'new'), (2, 'b', 'new'), (3, 'c', 'new')]");
  EXPECT_EQ(repr(result.all()), "[(1, 'a', 'new'), (2, 'b', 'new'), (3, 'c', 'new')]");
}

TEST_P(ReturningOptions, SupplementalColumnsOnUpdate) {
  auto conn = engine().connect();
  conn.execute(sa::insert(items).values({{"id", 1}, {"name", "a"}}));
  auto result = conn.execute(
      sa::update(items)
          .where(items.c("id") == 1)
          .values({{"name", "b"}})
          .return_defaults({items.c("status")}, {.supplemental_cols = {items.c("name")}}));
  EXPECT_EQ(result.returned_defaults()->repr(), "('new', 'b')");
  EXPECT_EQ(repr(result.all()), "[('new', 'b')]");
}

// ---- NULL for the autoincrement primary key -----------------------------------------------------

TEST_P(ReturningOptions, NullPrimaryKeyIsGeneratedOnSQLite) {
  auto conn = engine().connect();
  if (!is_sqlite()) {
    // PostgreSQL takes the NULL as given: a NOT NULL violation, as with SQLAlchemy.
    EXPECT_FALSE(message_of<sa::exc::IntegrityError>([&] {
                   conn.execute(sa::insert(items), {{"id", sa::Value()}, {"name", "a"}});
                 }).empty());
    return;
  }
  auto one = conn.execute(sa::insert(items), {{"id", sa::Value()}, {"name", "a"}});
  EXPECT_EQ(one.inserted_primary_key().repr(), "(1,)");
  // With RETURNING the generated key is fetched even though the column was given.
  log.clear();
  auto fetched =
      conn.execute(sa::insert(items).return_defaults(), {{"id", sa::Value()}, {"name", "b"}});
  EXPECT_EQ(log.lines().at(0),
            "INSERT INTO ro_items (id, name) VALUES (?, ?) RETURNING id, status");
  EXPECT_EQ(fetched.inserted_primary_key().repr(), "(2,)");
  auto many = conn.execute(
      sa::insert(items).return_defaults(),
      std::vector<sa::Params>{{{"id", sa::Value()}, {"name", "c"}}, {{"id", 9}, {"name", "d"}}});
  EXPECT_EQ(repr(many.inserted_primary_key_rows()), "[(3,), (9,)]");
}

INSTANTIATE_TEST_SUITE_P(Backends, ReturningOptions, ::testing::ValuesIn(all_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
