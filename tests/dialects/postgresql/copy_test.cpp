// copy_from on a Connection (athanor/dialects/postgresql.hpp) against the server of
// $ATHANOR_TEST_POSTGRESQL_URL: it runs in the Connection's transaction, refuses to run outside
// one, and raises the driver's errors wrapped as execute() does. The COPY encoding itself is
// tested at the driver level (driver_batch_test.cpp).
#include "athanor/dialects/postgresql.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

namespace pg = athanor::dialects::postgresql;
using ValueRows = std::vector<std::vector<Value>>;

const std::vector<std::string> kColumns = {"id", "name", "price"};

ValueRows items(int from, int to) {
  ValueRows rows;
  for (int i = from; i < to; ++i) {
    rows.push_back({Value(i), Value("item " + std::to_string(i)), Value(i * 0.5)});
  }
  return rows;
}

class PostgreSQLCopy : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("copy_items", "id int PRIMARY KEY, name text, price float8");
  }
};

TEST_P(PostgreSQLCopy, RowsOfValuesInsideBeginAreCommittedWithIt) {
  auto conn = engine().connect();
  conn.begin([&] { EXPECT_EQ(pg::copy_from(conn, "copy_items", kColumns, items(0, 3)), 3); });
  auto rows = quietly([](Connection& c) {
    return c.exec_driver_sql("SELECT id, name, price FROM copy_items ORDER BY id").all();
  });
  EXPECT_EQ(repr(rows), "[(0, 'item 0', 0.0), (1, 'item 1', 0.5), (2, 'item 2', 1.0)]");
}

TEST_P(PostgreSQLCopy, RowSourceAfterAnAutobeginIsKeptByCommit) {
  auto conn = engine().connect();
  conn.exec_driver_sql("SELECT 1");  // autobegin: "commit as you go"
  int next = 0;
  const auto copied = pg::copy_from(conn, "copy_items", {}, [&](std::span<Value> row) {
    if (next == 1000) return false;
    row[0] = Value(next);
    row[1] = Value();
    row[2] = Value(next * 2.0);
    ++next;
    return true;
  });
  EXPECT_EQ(copied, 1000);
  // Uncommitted: the rows belong to the Connection's transaction.
  EXPECT_EQ(count_rows("copy_items"), 0);
  conn.commit();
  EXPECT_EQ(count_rows("copy_items"), 1000);
  EXPECT_EQ(count_rows("copy_items", "name IS NULL AND price = id * 2"), 1000);
}

TEST_P(PostgreSQLCopy, RollbackDiscardsTheRows) {
  auto conn = engine().connect();
  auto trans = conn.begin();
  EXPECT_EQ(pg::copy_from(conn, "copy_items", kColumns, items(0, 10)), 10);
  trans.rollback();
  EXPECT_EQ(count_rows("copy_items"), 0);
}

TEST_P(PostgreSQLCopy, WithoutATransactionItRaisesAndCopiesNothing) {
  auto conn = engine().connect();
  const std::string message = message_of<exc::InvalidRequestError>(
      [&] { pg::copy_from(conn, "copy_items", kColumns, items(0, 3)); });
  EXPECT_NE(message.find("call begin() first"), std::string::npos) << message;
  EXPECT_FALSE(conn.in_transaction());
  EXPECT_EQ(count_rows("copy_items"), 0);
}

TEST_P(PostgreSQLCopy, ARejectedRowRaisesTheWrappedErrorNamingTheCopy) {
  auto conn = engine().connect();
  auto trans = conn.begin();
  ValueRows rows = items(0, 5);
  rows.push_back({Value(3), Value("duplicate"), Value(1.0)});
  auto e = thrown<exc::IntegrityError>([&] { pg::copy_from(conn, "copy_items", kColumns, rows); });
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->statement(), "COPY copy_items (id, name, price) FROM STDIN");
  EXPECT_EQ(std::string(e->what()).rfind("(libpq.IntegrityError) ", 0), 0u) << e->what();
  ASSERT_TRUE(e->orig());
  EXPECT_THROW(std::rethrow_exception(e->orig()), dbapi::Error);
  // Like any failed statement, it leaves the transaction to be rolled back; then all is usable.
  EXPECT_TRUE(conn.in_transaction());
  trans.rollback();
  conn.begin([&] { EXPECT_EQ(pg::copy_from(conn, "copy_items", kColumns, items(0, 2)), 2); });
  EXPECT_EQ(count_rows("copy_items"), 2);
}

TEST_P(PostgreSQLCopy, ARowOfTheWrongWidthIsAProgrammingError) {
  auto conn = engine().connect();
  auto trans = conn.begin();
  const std::string message = message_of<exc::ProgrammingError>(
      [&] { pg::copy_from(conn, "copy_items", kColumns, ValueRows{{Value(1)}}); });
  EXPECT_NE(message.find("a row has 1 values for 3 columns"), std::string::npos) << message;
}

TEST_P(PostgreSQLCopy, AClosedConnectionRaisesResourceClosedError) {
  auto conn = engine().connect();
  conn.close();
  EXPECT_THROW(pg::copy_from(conn, "copy_items", kColumns, items(0, 1)), exc::ResourceClosedError);
}

INSTANTIATE_TEST_SUITE_P(Server, PostgreSQLCopy, ::testing::ValuesIn(postgresql_backends()),
                         backend_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgreSQLCopy);

TEST(PostgreSQLCopyFrom, AnotherDialectIsAnArgumentError) {
  auto conn = create_engine("sqlite://").connect();
  auto trans = conn.begin();
  const std::string message =
      message_of<exc::ArgumentError>([&] { pg::copy_from(conn, "t", kColumns, items(0, 1)); });
  EXPECT_EQ(message, "copy_from() needs a PostgreSQL connection; this one is sqlite");
}

}  // namespace
}  // namespace athanor::testing
