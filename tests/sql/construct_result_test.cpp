// What executing a construct gives back on real SQLite: the columns an insert() renders from the
// first parameter set, callable defaults per row, CursorResult's insert/update facts (SPEC §14.1),
// Row and Result lookups by Column, result processors, and the connection's schema_translate_map.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "log_capture.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;

namespace {

template <typename E, typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no exception";
}

struct Schema {
  int stamped = 0;  // how many times the callable default ran
  sa::MetaData metadata;
  sa::Table users{
      "users",
      metadata,
      {
          sa::Column("id", sa::Integer(), {.primary_key = true}),
          sa::Column("name", sa::String(50)),
          sa::Column("email", sa::String(100)),
          sa::Column("active", sa::Boolean(), {.default_ = true}),
          sa::Column("serial", sa::Integer(), {.default_ = std::function<sa::Value()>([this] {
                                                 return sa::Value(++stamped);
                                               })}),
          sa::Column("created", sa::sql::DateTime(), {.server_default = "2024-01-02 03:04:05"}),
      }};
};

class ConstructResult : public ::testing::Test {
 protected:
  void SetUp() override { s.metadata.create_all(engine); }
  Schema s;
  sa::Engine engine = sa::create_engine("sqlite://", {.echo = true});
};

}  // namespace

TEST_F(ConstructResult, InsertWithoutValuesRendersTheFirstParameterSetsColumns) {
  LogCapture log;
  auto conn = engine.connect();
  conn.execute(sa::insert(s.users), std::vector<sa::Params>{{{"name", "a"}, {"email", "a@x"}},
                                                            {{"name", "b"}, {"email", "b@x"}}});
  EXPECT_EQ(log.count("INSERT INTO users (name, email, active, serial) VALUES (?, ?, ?, ?)"), 1);
  conn.execute(sa::insert(s.users), {{"name", "c"}});
  EXPECT_EQ(log.count("INSERT INTO users (name, active, serial) VALUES (?, ?, ?)"), 1);
  // A different set of keys is a different cache entry; the same keys reuse it.
  conn.execute(sa::insert(s.users), {{"name", "d"}});
  EXPECT_EQ(log.count("[generated in "), 2);
  EXPECT_EQ(conn.execute(sa::select(sa::func::count()).select_from(s.users)).scalar_one(),
            sa::Value(4));
}

TEST_F(ConstructResult, CallableDefaultRunsOncePerRowAlsoForExecutemany) {
  auto conn = engine.connect();
  conn.execute(sa::insert(s.users).values({{"name", "one"}}));
  EXPECT_EQ(s.stamped, 1);
  std::vector<sa::Params> rows;
  for (int i = 0; i < 3; ++i) rows.push_back({{"name", "many" + std::to_string(i)}});
  conn.execute(sa::insert(s.users), rows);
  EXPECT_EQ(s.stamped, 4);
  auto serials = conn.execute(sa::select(s.users.c("serial")).order_by({s.users.c("id")}))
                     .scalars()
                     .all<std::int64_t>();
  EXPECT_EQ(serials, (std::vector<std::int64_t>{1, 2, 3, 4}));
}

TEST_F(ConstructResult, InsertedPrimaryKeyAndParameters) {
  auto conn = engine.connect();
  auto first = conn.execute(sa::insert(s.users).values({{"name", "alice"}}));
  EXPECT_TRUE(first.is_insert());
  EXPECT_EQ(first.inserted_primary_key().repr(), "(1,)");
  EXPECT_EQ(first.inserted_primary_key().mapping()["id"], sa::Value(1));
  auto given = conn.execute(sa::insert(s.users).values({{"id", 7}, {"name", "bob"}}));
  EXPECT_EQ(given.inserted_primary_key()["id"], sa::Value(7));
  ASSERT_EQ(given.last_inserted_params().size(), 1u);
  EXPECT_EQ(given.last_inserted_params()[0].repr(),
            "{'id': 7, 'name': 'bob', 'active': True, 'serial': 2}");
  EXPECT_EQ(given.prefetch_cols(), (std::vector<std::string>{"active", "serial"}));
  EXPECT_EQ(given.postfetch_cols(), std::vector<std::string>{"created"});
  EXPECT_FALSE(given.returned_defaults().has_value());

  auto many = conn.execute(sa::insert(s.users),
                           std::vector<sa::Params>{{{"name", "c"}}, {{"id", 20}, {"name", "d"}}});
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { many.inserted_primary_key(); }),
            "This statement was an executemany call; if primary key returning is supported, "
            "please use .inserted_primary_key_rows.");
  // The statement is compiled for the first set's keys, so the second set's "id" is not
  // rendered (as in SQLAlchemy); generated keys of an executemany are not known.
  ASSERT_EQ(many.inserted_primary_key_rows().size(), 2u);
  EXPECT_EQ(many.inserted_primary_key_rows()[0].repr(), "(None,)");
  EXPECT_EQ(many.inserted_primary_key_rows()[1].repr(), "(None,)");
  EXPECT_EQ(many.last_inserted_params()[1].repr(), "{'name': 'd', 'active': True, 'serial': 4}");
}

TEST_F(ConstructResult, WrongStatementKindsRaiseAsSqlalchemyDoes) {
  auto conn = engine.connect();
  auto text = conn.execute(sa::text("INSERT INTO users (name) VALUES ('t')"));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { text.inserted_primary_key_rows(); }),
            "Statement is not a compiled expression construct.");
  auto sel = conn.execute(sa::select(s.users));
  EXPECT_FALSE(sel.is_insert());
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { sel.inserted_primary_key(); }),
            "Statement is not an insert() expression construct.");
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { sel.prefetch_cols(); }),
            "Statement is not an insert() or update() expression construct.");
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { sel.last_updated_params(); }),
            "Statement is not an update() expression construct.");
  auto returning =
      conn.execute(sa::insert(s.users).values({{"name", "r"}}).returning({s.users.c("id")}));
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { returning.inserted_primary_key(); }),
            "Can't call inserted_primary_key when returning() is used.");
  EXPECT_EQ(returning.scalar_one(), sa::Value(2));
  auto upd =
      conn.execute(sa::update(s.users).where(s.users.c("id") == 2).values({{"name", "renamed"}}));
  EXPECT_FALSE(upd.is_insert());
  EXPECT_EQ(upd.last_updated_params()[0].repr(), "{'name': 'renamed', 'id_1': 2}");
  EXPECT_EQ(message_of<sa::exc::InvalidRequestError>([&] { upd.last_inserted_params(); }),
            "Statement is not an insert() expression construct.");
}

TEST_F(ConstructResult, RowsAndResultsAreFoundByColumn) {
  auto conn = engine.connect();
  conn.execute(sa::insert(s.users).values({{"name", "alice"}, {"email", "a@x"}}));
  const auto name = s.users.c("name");
  auto row = conn.execute(sa::select(s.users)).one();
  EXPECT_EQ(row[name], sa::Value("alice"));
  EXPECT_EQ(row.get<std::string>(s.users.c("email")), "a@x");
  EXPECT_EQ(row.mapping()[s.users.c("id")], sa::Value(1));
  // A different statement object of the same structure (a cache hit) still finds them.
  auto again = conn.execute(sa::select(s.users)).one();
  EXPECT_EQ(again[s.users.c("name")], sa::Value("alice"));

  auto picked = conn.execute(sa::select(s.users)).columns(s.users.c("email"), name).one();
  EXPECT_EQ(picked.repr(), "('a@x', 'alice')");
  EXPECT_EQ(picked[name], sa::Value("alice"));
  auto scalars = conn.execute(sa::select(s.users)).scalars(s.users.c("email")).all();
  EXPECT_EQ(scalars, std::vector<sa::Value>{sa::Value("a@x")});

  auto only_id = conn.execute(sa::select(s.users.c("id"))).one();
  EXPECT_EQ(message_of<sa::exc::NoSuchColumnError>([&] { only_id[name]; }),
            "Could not locate column in row for column 'users.name'");
  auto alias = s.users.alias("u");
  auto aliased = conn.execute(sa::select(alias.c("name"))).one();
  EXPECT_EQ(aliased[alias.c("name")], sa::Value("alice"));
  EXPECT_THROW(aliased[name], sa::exc::NoSuchColumnError);  // users.name is not u.name
}

TEST_F(ConstructResult, BooleanAndDateTimeComeBackTyped) {
  auto conn = engine.connect();
  conn.execute(sa::insert(s.users).values({{"name", "alice"}, {"active", false}}));
  auto row = conn.execute(sa::select(s.users.c("active"), s.users.c("created"))).one();
  EXPECT_EQ(row[0].kind(), sa::Value::Kind::boolean);
  EXPECT_EQ(row[0], sa::Value(false));
  ASSERT_EQ(row[1].kind(), sa::Value::Kind::datetime);
  EXPECT_EQ(row[1].as<sa::DateTime>(),
            sa::DateTime(std::chrono::local_days(std::chrono::year(2024) / 1 / 2)) +
                std::chrono::hours(3) + std::chrono::minutes(4) + std::chrono::seconds(5));
  // The same columns through text() come back as SQLite stores them.
  auto raw = conn.execute(sa::text("SELECT active, created FROM users")).one();
  EXPECT_EQ(raw[0].kind(), sa::Value::Kind::integer);
  EXPECT_EQ(raw[1].kind(), sa::Value::Kind::text);
}

TEST_F(ConstructResult, ConnectionSchemaTranslateMapAppliesAtCompileTime) {
  LogCapture log;
  auto conn = engine.connect();
  conn.exec_driver_sql("ATTACH DATABASE ':memory:' AS tenant");
  conn.exec_driver_sql(
      "CREATE TABLE tenant.users (id INTEGER PRIMARY KEY, name VARCHAR(50), "
      "email VARCHAR(100), active BOOLEAN, serial INTEGER, created DATETIME)");
  conn.execution_options(
      {{"schema_translate_map", sa::schema_translate_map({{std::nullopt, "tenant"}})}});
  conn.execute(sa::insert(s.users).values({{"name", "in tenant"}}));
  EXPECT_EQ(log.count("INSERT INTO tenant.users (name, active, serial) VALUES (?, ?, ?)"), 1);
  EXPECT_EQ(conn.execute(sa::select(s.users.c("name"))).scalar_one(), sa::Value("in tenant"));
  EXPECT_EQ(conn.exec_driver_sql("SELECT count(*) FROM main.users").scalar_one(), sa::Value(0));
}
