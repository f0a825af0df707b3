// return_defaults() on insert() / update() (SPEC §14.1): the compiler adds RETURNING for the
// new row's primary key and the columns the server fills, the execution reads that row into
// CursorResult::returned_defaults(); columns the server fills that are not fetched are
// postfetch_cols() and make lastrow_has_defaults() true. Both backends have RETURNING.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class ReturnDefaults : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    track_table("rd_items");
    quietly([&](sa::Connection& conn) { metadata.create_all(conn); });
    log.clear();
  }

  sa::MetaData metadata;
  sa::Table items{"rd_items",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(20)),
                      sa::Column("status", sa::String(20), {.server_default = "new"}),
                      sa::Column("counter", sa::Integer(), {.default_ = 5}),
                      sa::Column("note", sa::String(20)),
                  }};
};

TEST_P(ReturnDefaults, InsertFetchesTheKeyAndEveryColumnTheClientDidNotFill) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).values({{"name", "a"}}).return_defaults());
  EXPECT_TRUE(logged(sql("INSERT INTO rd_items (name, counter) VALUES (?, ?)") +
                     returning("rd_items", {"id", "status", "note"})));
  ASSERT_TRUE(result.returned_defaults().has_value());
  EXPECT_EQ(result.returned_defaults()->repr(), "(1, 'new', None)");
  EXPECT_EQ(result.returned_defaults()->mapping()["status"], sa::Value("new"));
  EXPECT_EQ(result.returned_defaults_rows().size(), 1u);
  EXPECT_EQ(result.inserted_primary_key().repr(), "(1,)");
  EXPECT_EQ(result.prefetch_cols(), std::vector<std::string>{"counter"});
  EXPECT_TRUE(result.postfetch_cols().empty());
  EXPECT_FALSE(result.lastrow_has_defaults());
  // The caller sees no rows: they were the execution's.
  EXPECT_TRUE(result.all().empty());
}

TEST_P(ReturnDefaults, NamedColumnsAreFetchedWithThePrimaryKey) {
  auto conn = engine().connect();
  auto result =
      conn.execute(sa::insert(items).values({{"name", "a"}}).return_defaults({items.c("status")}));
  EXPECT_TRUE(logged(sql("INSERT INTO rd_items (name, counter) VALUES (?, ?)") +
                     returning("rd_items", {"id", "status"})));
  EXPECT_EQ(result.returned_defaults()->repr(), "(1, 'new')");
  EXPECT_EQ(result.inserted_primary_key().repr(), "(1,)");
}

TEST_P(ReturnDefaults, WithoutItServerDefaultsAreLeftForLater) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::insert(items).values({{"name", "a"}}));
  EXPECT_EQ(result.postfetch_cols(), std::vector<std::string>{"status"});
  EXPECT_TRUE(result.lastrow_has_defaults());
  if (is_sqlite()) {
    EXPECT_FALSE(result.returned_defaults().has_value());
  } else {
    // PostgreSQL's own RETURNING for the primary key is what it fetched.
    EXPECT_EQ(result.returned_defaults()->repr(), "(1,)");
  }
}

TEST_P(ReturnDefaults, UpdateFetchesTheNamedColumnsAndExpressions) {
  auto conn = engine().connect();
  conn.execute(sa::insert(items).values({{"id", 1}, {"name", "a"}}));
  auto named = conn.execute(sa::update(items)
                                .where(items.c("id") == 1)
                                .values({{"name", "b"}})
                                .return_defaults({items.c("status"), items.c("name")}));
  EXPECT_TRUE(logged(sql("UPDATE rd_items SET name=? WHERE rd_items.id = ?") +
                     returning("rd_items", {"status"})));
  EXPECT_EQ(named.returned_defaults()->repr(), "('new',)");
  EXPECT_EQ(named.rowcount(), 1);

  auto counted = conn.execute(sa::update(items)
                                  .values({{"counter", items.c("counter") + 1}})
                                  .return_defaults({items.c("counter")}));
  EXPECT_EQ(counted.returned_defaults()->repr(), "(6,)");
  EXPECT_TRUE(counted.postfetch_cols().empty());

  // Without columns, an update fetches only what the server computes: here, nothing.
  auto plain = conn.execute(sa::update(items).values({{"note", "n"}}).return_defaults());
  EXPECT_FALSE(plain.returned_defaults().has_value());
  EXPECT_FALSE(plain.returns_rows());
}

TEST_P(ReturnDefaults, ExecutemanyAsksForTheRowsList) {
  auto conn = engine().connect();
  auto many = conn.execute(sa::insert(items).return_defaults(),
                           std::vector<sa::Params>{{{"name", "a"}}, {{"name", "b"}}});
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { many.returned_defaults(); }),
            "This statement was an executemany call; if return defaults is supported, please "
            "use .returned_defaults_rows.");
  // An UPDATE..RETURNING cannot run as executemany.
  const std::string refused = message_of<sa::exc::InvalidRequestError>([&] {
    conn.execute(sa::update(items).return_defaults({items.c("status")}),
                 std::vector<sa::Params>{{{"name", "x"}}, {{"name", "y"}}});
  });
  EXPECT_NE(refused.find("does not support UPDATE..RETURNING when executemany is used"),
            std::string::npos)
      << refused;
}

TEST_P(ReturnDefaults, NotTogetherWithReturning) {
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>(
                [&] { sa::insert(items).return_defaults().returning({items.c("id")}); }),
            "return_defaults() is already configured on this statement");
}

INSTANTIATE_TEST_SUITE_P(Backends, ReturnDefaults, ::testing::ValuesIn(all_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
