// Seed 000 ("Connections") beyond its transaction examples (those are in transaction_test.cpp),
// and seed 003's "Basic Usage". The page's select()/insert()/update()/delete() constructs are
// written as the equivalent text(); what each example prints is asserted.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class Seed000 : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("users",
                 "id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(50), age INTEGER, "
                 "active BOOLEAN, status VARCHAR(20)");
    run_committed(
        "INSERT INTO users (id, name, email, age, active, status) VALUES "
        "(1, 'alice', 'alice@example.com', 30, TRUE, 'new'), "
        "(2, 'bob', 'bob@example.com', 17, FALSE, 'new'), "
        "(3, 'carol', 'carol@example.com', 41, FALSE, 'new')");
  }
};

// "Basic Execution": SELECT, INSERT, UPDATE, DELETE, then commit ("Must commit for DML").
TEST_P(Seed000, BasicExecution) {
  {
    auto conn = engine().connect();
    auto result = conn.execute(sa::text("SELECT id, name, email FROM users"));
    EXPECT_EQ(result.all().size(), 3u);
    result =
        conn.execute(sa::text("INSERT INTO users (id, name, email) VALUES (:id, :name, :email)"),
                     {{"id", 4}, {"name", "bob"}, {"email", "bob2@example.com"}});
    EXPECT_EQ(result.rowcount(), 1);
    result = conn.execute(sa::text("UPDATE users SET name = :name WHERE id = :id"),
                          {{"name", "Bobby"}, {"id", 1}});
    EXPECT_EQ(result.rowcount(), 1);
    result = conn.execute(sa::text("DELETE FROM users WHERE id = :id"), {{"id", 2}});
    EXPECT_EQ(result.rowcount(), 1);
    conn.commit();
  }
  EXPECT_EQ(count_rows("users"), 3);
  EXPECT_EQ(count_rows("users", "name = 'Bobby' AND id = 1"), 1);
}

// "Parameterized Execution".
TEST_P(Seed000, ParameterizedExecution) {
  const auto stmt = sa::text("SELECT * FROM users WHERE name = :name AND age > :age");
  auto conn = engine().connect();
  auto result = conn.execute(stmt, {{"name", "alice"}, {"age", 18}});
  std::vector<std::string> printed;
  for (const sa::Row& row : result) printed.push_back(row.repr());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0].rfind("(1, 'alice', 'alice@example.com', 30, ", 0), 0u) << printed[0];
  EXPECT_EQ(log.lines()[1], sql("SELECT * FROM users WHERE name = ? AND age > ?"));
  EXPECT_EQ(log.lines()[2], "[generated in ...] ('alice', 18)");
}

// "Fetching Results" and "Accessing Row Data".
TEST_P(Seed000, FetchingAndAccessingRows) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("SELECT id, name, email FROM users WHERE id = 1"));
  auto row = result.fetchone();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ("ID: " + (*row)["id"].repr() + ", Name: " + (*row)["name"].as<std::string>(),
            "ID: 1, Name: alice");
  // Attribute access / index access / dictionary-like access / as tuple / as dictionary.
  EXPECT_EQ((*row)["email"], sa::Value("alice@example.com"));
  EXPECT_EQ((*row)[0], sa::Value(1));
  EXPECT_EQ((*row)[1], sa::Value("alice"));
  EXPECT_EQ(row->mapping()["id"], sa::Value(1));
  EXPECT_EQ(row->mapping()["name"], sa::Value("alice"));
  EXPECT_EQ(row->repr(), "(1, 'alice', 'alice@example.com')");
  EXPECT_EQ(row->asdict().repr(), "{'id': 1, 'name': 'alice', 'email': 'alice@example.com'}");
}

// "Scalar Results".
TEST_P(Seed000, ScalarResults) {
  auto conn = engine().connect();
  const auto count = conn.execute(sa::text("SELECT count(users.id) FROM users")).scalar();
  EXPECT_EQ("Total users: " + count.repr(), "Total users: 3");
  const auto user_id = conn.execute(sa::text("SELECT users.id FROM users WHERE users.email = :e"),
                                    {{"e", "bob@example.com"}})
                           .scalar_one<std::int64_t>();
  EXPECT_EQ(user_id, 2);
  EXPECT_EQ(conn.execute(sa::text("SELECT users.id FROM users WHERE users.email = :e"),
                         {{"e", "nobody@example.com"}})
                .scalar_one_or_none<std::int64_t>(),
            std::nullopt);
  EXPECT_THROW(
      conn.execute(sa::text("SELECT id FROM users WHERE email = :e"), {{"e", "nobody@example.com"}})
          .scalar_one(),
      sa::exc::NoResultFound);
}

// "Result Metadata": keys(), rowcount of an UPDATE, the id of an INSERT.
TEST_P(Seed000, ResultMetadata) {
  auto conn = engine().connect();
  auto result = conn.execute(sa::text("SELECT id, name, email FROM users"));
  EXPECT_EQ(result.keys(), (std::vector<std::string>{"id", "name", "email"}));
  result = conn.execute(sa::text("UPDATE users SET status = :status WHERE active = :active"),
                        {{"status", "inactive"}, {"active", false}});
  EXPECT_EQ("Updated " + std::to_string(result.rowcount()) + " rows", "Updated 2 rows");
  if (is_sqlite()) {
    result = conn.execute(sa::text("INSERT INTO users (name) VALUES (:name)"), {{"name", "alice"}});
    ASSERT_TRUE(result.lastrowid().has_value());
    EXPECT_EQ(*result.lastrowid(), 4);  // INTEGER PRIMARY KEY: the next rowid
  }
}

// "Connection Reuse": several results open on one connection, consumed afterwards.
TEST_P(Seed000, ConnectionReuse) {
  auto conn = engine().connect();
  auto users_result = conn.execute(sa::text("SELECT id FROM users ORDER BY id"));
  auto names_result = conn.execute(sa::text("SELECT name FROM users ORDER BY id"));
  auto ages_result = conn.execute(sa::text("SELECT age FROM users ORDER BY id"));
  EXPECT_EQ(users_result.scalars().all<int>(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(names_result.scalars().all<std::string>(),
            (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(ages_result.scalars().all<int>(), (std::vector<int>{30, 17, 41}));
}

// Seed 003 "Basic Usage": connection.execute(text("select username from users")).
TEST_P(Seed000, Seed003BasicUsage) {
  std::vector<std::string> printed;
  {
    auto connection = engine().connect();
    auto result = connection.execute(sa::text("select name AS username from users"));
    for (const sa::Row& row : result)
      printed.push_back("username: " + row.get<std::string>("username"));
  }
  EXPECT_EQ(printed, (Lines{"username: alice", "username: bob", "username: carol"}));
  EXPECT_EQ(engine().pool().checkedout(), 0);  // released to the pool at the end of the block
}

INSTANTIATE_TEST_SUITE_P(Backends, Seed000, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
