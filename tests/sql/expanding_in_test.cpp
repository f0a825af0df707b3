// IN lists expand to one placeholder per value when executed; on numbered paramstyles
// (PostgreSQL's "$1") SQLAlchemy numbers the expanded values after the statement's other binds,
// so the values must reach the driver in that order, whatever the lists' lengths.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class ExpandingIn : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    track_table("xin_items");
    quietly([&](sa::Connection& conn) {
      metadata.create_all(conn);
      conn.execute(sa::insert(items), std::vector<sa::Params>{{{"id", 1}, {"name", "a"}},
                                                              {{"id", 2}, {"name", "b"}},
                                                              {{"id", 3}, {"name", "c"}},
                                                              {{"id", 4}, {"name", "d"}}});
    });
    log.clear();
  }

  sa::MetaData metadata;
  sa::Table items{"xin_items",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(20)),
                  }};
};

TEST_P(ExpandingIn, ValuesAreBoundInTheOrderTheirNumbersSay) {
  auto conn = engine().connect();
  auto ids = [&](std::vector<sa::Value> in, std::vector<sa::Value> not_in) {
    auto stmt = sa::select(items.c("id"))
                    .where(items.c("id").in_(std::move(in)) && items.c("name") != "b" &&
                           items.c("id").not_in(std::move(not_in)) && items.c("id") > 0)
                    .order_by({items.c("id")});
    return conn.execute(stmt).scalars().all<std::int64_t>();
  };
  EXPECT_EQ(ids({1, 2, 4}, {4}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids({1, 3}, {2, 4}), (std::vector<std::int64_t>{1, 3}));

  const Lines lines = log.lines();
  const std::string expected =
      is_sqlite() ? "SELECT xin_items.id \nFROM xin_items \nWHERE xin_items.id IN (?, ?, ?) AND "
                    "xin_items.name != ? AND (xin_items.id NOT IN (?)) AND xin_items.id > ? "
                    "ORDER BY xin_items.id"
                  : "SELECT xin_items.id \nFROM xin_items \nWHERE xin_items.id IN ($3, $4, $5) "
                    "AND xin_items.name != $1 AND (xin_items.id NOT IN ($6)) AND xin_items.id > "
                    "$2 ORDER BY xin_items.id";
  EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end());
  const std::string params = is_sqlite() ? "[generated in ...] (1, 2, 4, 'b', 4, 0)"
                                         : "[generated in ...] ('b', 0, 1, 2, 4, 4)";
  EXPECT_NE(std::find(lines.begin(), lines.end(), params), lines.end());
}

INSTANTIATE_TEST_SUITE_P(Backends, ExpandingIn, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
