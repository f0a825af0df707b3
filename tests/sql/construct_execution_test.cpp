// Executing constructs against real SQLite: seed 000's examples, the compiled cache's badges,
// cache keys, client-side defaults and DDL (create_all / drop_all / has_table).
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <optional>
#include <string>
#include <vector>

#include "log_capture.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;

namespace {

struct Schema {
  sa::MetaData metadata;
  sa::Table users{"users",
                  metadata,
                  {
                      sa::Column("id", sa::Integer(), {.primary_key = true}),
                      sa::Column("name", sa::String(50)),
                      sa::Column("email", sa::String(100)),
                      sa::Column("status", sa::String(20)),
                      sa::Column("active", sa::Boolean(), {.default_ = true}),
                  }};
  sa::Table orders{"orders",
                   metadata,
                   {
                       sa::Column("id", sa::Integer(), {.primary_key = true}),
                       sa::Column("user_id", sa::Integer(), sa::ForeignKey("users.id")),
                       sa::Column("total", sa::Integer()),
                   }};
};

}  // namespace

TEST(ConstructExecution, SeedExamplesInsertSelectUpdateDelete) {
  Schema s;
  auto engine = sa::create_engine("sqlite://");
  s.metadata.create_all(engine);
  engine.begin([&](sa::Connection& conn) {
    conn.execute(s.users.insert().values({{"name", "alice"}}));
    conn.execute(s.orders.insert().values({{"user_id", 1}, {"total", 100}}));
    conn.execute(sa::insert(s.users).values({{"name", "bob"}, {"email", "bob@example.com"}}));
    conn.execute(sa::update(s.users).where(s.users.c("id") == 2).values({{"name", "Bobby"}}));
  });
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(sa::select(s.users.c("name")).where(s.users.c("id") == 2))
                .scalar_one()
                .as<std::string>(),
            "Bobby");
  EXPECT_EQ(conn.execute(sa::select(sa::func::count(s.users.c("id")))).scalar().as<std::int64_t>(),
            2);
  // The client-side default of `active` was applied (stored as 1 by SQLite).
  EXPECT_EQ(conn.execute(sa::select(s.users.c("active")).where(s.users.c("id") == 1))
                .scalar_one()
                .as<std::int64_t>(),
            1);
  auto found =
      conn.execute(sa::select(s.users.c("id")).where(s.users.c("email") == "bob@example.com"));
  EXPECT_EQ(found.scalar_one().as<std::int64_t>(), 2);
  EXPECT_TRUE(conn.execute(sa::select(s.users.c("id")).where(s.users.c("email") == "nobody"))
                  .scalar_one_or_none()
                  .is_null());
  auto joined = conn.execute(sa::select(s.users.c("name"), s.orders.c("total")).join(s.orders));
  auto rows = joined.all();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1].as<std::int64_t>(), 100);
  auto del = conn.execute(sa::delete_(s.users).where(s.users.c("id") == 2));
  EXPECT_EQ(del.rowcount(), 1);
  conn.rollback();
}

TEST(ConstructExecution, SeedBulkInsertAndBulkUpdateWithBindparam) {
  Schema s;
  auto engine = sa::create_engine("sqlite://");
  s.metadata.create_all(engine);
  std::vector<sa::Params> rows;
  for (int i = 0; i < 1000; ++i) {
    rows.push_back({{"name", "user_" + std::to_string(i)},
                    {"email", "user_" + std::to_string(i) + "@example.com"}});
  }
  // The seed's conn.execute(users.insert(), rows): the columns come from the first set's keys.
  engine.begin([&](sa::Connection& conn) { conn.execute(s.users.insert(), rows); });
  auto stmt = sa::update(s.users)
                  .where(s.users.c("id") == sa::bindparam("uid"))
                  .values({{"status", sa::bindparam("s")}});
  engine.begin([&](sa::Connection& conn) {
    auto r = conn.execute(stmt, std::vector<sa::Params>{{{"uid", 1}, {"s", "active"}},
                                                        {{"uid", 2}, {"s", "inactive"}},
                                                        {{"uid", 3}, {"s", "active"}}});
    EXPECT_EQ(r.rowcount(), 3);
  });
  auto conn = engine.connect();
  EXPECT_EQ(conn.execute(sa::select(sa::func::count(s.users.c("id")))).scalar().as<std::int64_t>(),
            1000);
  EXPECT_EQ(conn.execute(sa::select(s.users.c("status")).where(s.users.c("id") == 2))
                .scalar_one()
                .as<std::string>(),
            "inactive");
  auto upd = conn.execute(
      sa::update(s.users).where(s.users.c("status") == sa::null).values({{"status", "inactive"}}));
  EXPECT_EQ(upd.rowcount(), 997);
  // LIMIT / OFFSET travel as binds.
  auto page =
      conn.execute(sa::select(s.users.c("id")).order_by({s.users.c("id")}).limit(2).offset(10));
  auto ids = page.all();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0][0].as<std::int64_t>(), 11);
  auto in = conn.execute(
      sa::select(sa::func::count()).select_from(s.users).where(s.users.c("id").in_({1, 2, 5})));
  EXPECT_EQ(in.scalar().as<std::int64_t>(), 3);
}

TEST(ConstructCache, SameStructureDifferentValuesIsOneEntry) {
  Schema s;
  auto a = sa::select(s.users).where(s.users.c("id") == 1);
  auto b = sa::select(s.users).where(s.users.c("id") == 2);
  auto c = sa::select(s.users).where(s.users.c("name") == "x");
  EXPECT_EQ(a.cache_key(), b.cache_key());
  EXPECT_NE(a.cache_key(), c.cache_key());
  EXPECT_NE(a.cache_key(), sa::select(s.users).where(s.users.c("id") > 1).cache_key());
  EXPECT_NE(sa::select(s.users).limit(1).cache_key(), a.cache_key());
  EXPECT_EQ(sa::select(s.users).limit(1).cache_key(), sa::select(s.users).limit(9).cache_key());
  EXPECT_TRUE(sa::CreateTable(s.users).cache_key().empty());
  // select(table) keys the whole column list by the table: still distinct from other FROMs.
  EXPECT_NE(sa::select(s.users).cache_key(), sa::select(s.orders).cache_key());
  EXPECT_NE(sa::select(s.users).cache_key(), sa::select(s.users.c("id")).cache_key());
  EXPECT_NE(sa::select(s.users).cache_key(), sa::select(s.users.alias("u")).cache_key());
  EXPECT_EQ(sa::select(s.users).cache_key(), sa::select(s.users).cache_key());
}

TEST(ConstructCache, EchoShowsGeneratedOnceThenCached) {
  Schema s;
  auto engine = sa::create_engine("sqlite://", {.echo = true});
  s.metadata.create_all(engine);
  LogCapture log;
  auto conn = engine.connect();
  for (int i = 1; i <= 3; ++i) {
    auto r = conn.execute(sa::select(s.users).where(s.users.c("id") == i));
    r.all();
  }
  EXPECT_EQ(log.count("[generated in "), 1);
  EXPECT_EQ(log.count("[cached since "), 2);
  EXPECT_EQ(log.count("(3,)"), 1);  // each execution binds its own value

  conn.execution_options({{"compiled_cache", sa::Value()}});
  conn.execute(sa::select(s.users).where(s.users.c("id") == 4)).all();
  EXPECT_EQ(log.count("[caching disabled "), 1);
}

TEST(ConstructDdl, CreateAllDropAllInDependencyOrderWithNoKeyBadge) {
  Schema s;
  auto engine = sa::create_engine("sqlite://", {.echo = true});
  LogCapture log;
  {
    auto conn = engine.connect();
    s.metadata.create_all(conn);
    EXPECT_TRUE(sa::sql::has_table(conn, s.users));
    EXPECT_TRUE(sa::sql::has_table(conn, s.orders));
    s.metadata.create_all(conn);  // checkfirst: nothing more to create
    conn.commit();
  }
  EXPECT_EQ(log.count("CREATE TABLE users"), 1);
  EXPECT_EQ(log.count("CREATE TABLE orders"), 1);
  EXPECT_EQ(log.count("[no key "), 2);
  std::size_t users_at = 0, orders_at = 0;
  const std::vector<std::string> lines = log.messages();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("CREATE TABLE users") != std::string::npos) users_at = i;
    if (lines[i].find("CREATE TABLE orders") != std::string::npos) orders_at = i;
  }
  EXPECT_LT(users_at, orders_at);
  EXPECT_EQ(log.count("PRAGMA main.table_info(\"users\")"), 3);  // 2 create_all + has_table
  {
    auto conn = engine.connect();
    s.metadata.drop_all(conn);
    EXPECT_FALSE(sa::sql::has_table(conn, s.users));
    conn.commit();
  }
  std::size_t drop_users = 0, drop_orders = 0;
  const std::vector<std::string> after_drop = log.messages();
  for (std::size_t i = 0; i < after_drop.size(); ++i) {
    if (after_drop[i] == "\nDROP TABLE users") drop_users = i;
    if (after_drop[i] == "\nDROP TABLE orders") drop_orders = i;
  }
  EXPECT_LT(drop_orders, drop_users);
}

TEST(ConstructCompile, SchemaTranslateMapAtCompileTime) {
  sa::MetaData m;
  sa::Table user_table(
      "user", m,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(50))});
  auto stmt = user_table.select().execution_options(
      {{"schema_translate_map", sa::schema_translate_map({{std::nullopt, "user_schema_one"}})}});
  EXPECT_EQ(stmt.str(),
            "SELECT user_schema_one.\"user\".id, user_schema_one.\"user\".name \nFROM "
            "user_schema_one.\"user\"");
}

TEST(ConstructCompile, CompiledCarriesDmlFactsForResults) {
  Schema s;
  auto engine = sa::create_engine("sqlite://");
  auto compiled = sa::insert(s.users).values({{"name", "x"}}).compile_fresh(&engine.dialect());
  EXPECT_TRUE(compiled->is_insert);
  EXPECT_EQ(compiled->primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(compiled->prefetch_cols, std::vector<std::string>{"active"});
  auto sel = sa::select(s.users.c("active")).compile_fresh(&engine.dialect());
  ASSERT_EQ(sel->result_processors.size(), 1u);
  ASSERT_NE(sel->result_processors[0], nullptr);
  EXPECT_EQ(sel->result_processors[0](sa::Value(1)), sa::Value(true));
}

// select(table) lists the table's columns without a share of the table each: its FROM list holds
// the table for them, so the statement alone keeps the whole schema it names alive.
TEST(ConstructExecution, SelectOfATableOutlivesTheTableAndItsMetaData) {
  auto engine = sa::create_engine("sqlite://");
  auto conn = engine.connect();
  conn.exec_driver_sql("CREATE TABLE gone (id INTEGER PRIMARY KEY, name VARCHAR(20))");
  conn.exec_driver_sql("INSERT INTO gone (id, name) VALUES (1, 'kept')");
  std::optional<sa::Select> stmt;
  {
    sa::MetaData metadata;
    sa::Table gone("gone", metadata,
                   {sa::Column("id", sa::Integer(), {.primary_key = true}),
                    sa::Column("name", sa::String(20))});
    stmt = sa::select(gone);  // no WHERE: its column would hold the table too
  }
  EXPECT_EQ(stmt->str(), "SELECT gone.id, gone.name \nFROM gone");
  const sa::Row row = conn.execute(*stmt).one();
  EXPECT_EQ(row["name"].as<std::string>(), "kept");
}

// A construct's literal travels under its bind name, and a parameter of that name given to the
// execution takes its place, as SQLAlchemy's construct_params() lets it. A cache hit binds the
// literals by placeholder and the parameters by name: the two must agree.
TEST(ConstructExecution, AnExecutionParameterNamedLikeALiteralReplacesIt) {
  Schema s;
  auto engine = sa::create_engine("sqlite://");
  s.metadata.create_all(engine);
  auto conn = engine.connect();
  conn.execute(sa::insert(s.users),
               std::vector<sa::Params>{{{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}});
  const auto name_of = [&](int id) {
    return sa::select(s.users.c("name")).where(s.users.c("id") == id);
  };
  EXPECT_EQ(conn.execute(name_of(1)).scalar().as<std::string>(), "a");
  EXPECT_EQ(conn.execute(name_of(1), {{"id_1", 2}}).scalar().as<std::string>(), "b");
  EXPECT_EQ(conn.execute(name_of(1)).scalar().as<std::string>(), "a");  // the literal again
}
