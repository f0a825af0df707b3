// The libpq driver's bulk paths against a real server: RETURNING and rowcount, executemany
// (multi-row VALUES batches and pipeline mode), and copy_from.
#include <gtest/gtest.h>

#include <string>

#include "dialects/postgresql/driver.hpp"
#include "dialects/postgresql/driver_test_support.hpp"

namespace {

using namespace athanor;
using athanor::testing::pg::PgDriverTest;
using athanor::testing::pg::Rows;
using dbapi::ErrorKind;
namespace pq = athanor::dialects::postgresql;

class PgBatch : public PgDriverTest {
 protected:
  void SetUp() override {
    PgDriverTest::SetUp();
    if (IsSkipped()) return;
    c_ = connect();
    cur_ = c_->cursor();
    cur_->execute("CREATE TEMP TABLE items (id int PRIMARY KEY, name text, price float8)");
  }
  std::vector<std::vector<Value>> items(int from, int to) {
    std::vector<std::vector<Value>> rows;
    for (int i = from; i < to; ++i) {
      rows.push_back(
          {Value(i), i % 7 ? Value("item " + std::to_string(i)) : Value(), Value(i * 0.5)});
    }
    return rows;
  }
  Value count() { return scalar(*c_, "SELECT count(*) FROM items"); }
  // How many statements of the session hold a multi-row VALUES list.
  std::string multi_row_statements() {
    return peek(*c_,
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE "
                "'%VALUES ($1, $2, $3), ($4, $5, $6)%'");
  }

  dbapi::ConnectionPtr c_;
  dbapi::CursorPtr cur_;
};

TEST_F(PgBatch, ReturningRowsAreReadableAndRowcountCountsThem) {
  cur_->execute("INSERT INTO items VALUES ($1, $2, $3), ($4, $5, $6) RETURNING id, name",
                {Value(1), Value("a"), Value(1.0), Value(2), Value("b"), Value(2.0)});
  EXPECT_EQ(cur_->rowcount(), 2);
  EXPECT_FALSE(cur_->lastrowid().has_value());
  EXPECT_EQ(cur_->fetchall(), (Rows{{Value(1), Value("a")}, {Value(2), Value("b")}}));
}

TEST_F(PgBatch, RowcountOfUpdateAndDelete) {
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", items(0, 10));
  cur_->execute("UPDATE items SET price = price + 1 WHERE id < $1", {Value(4)});
  EXPECT_EQ(cur_->rowcount(), 4);
  cur_->execute("DELETE FROM items WHERE id >= 8");
  EXPECT_EQ(cur_->rowcount(), 2);
  cur_->execute("UPDATE items SET price = 0 WHERE false");
  EXPECT_EQ(cur_->rowcount(), 0);
}

TEST_F(PgBatch, ExecutemanyInsertIsRewrittenIntoMultiRowValues) {
  const auto rows = items(0, 2500);
  cur_->executemany("INSERT INTO items (id, name, price) VALUES ($1, $2, $3)", rows);
  EXPECT_EQ(cur_->rowcount(), 2500);
  EXPECT_EQ(count(), Value(2500));
  // Batches of 1000 rows: one statement for the full batches, one for the 500 left.
  EXPECT_EQ(multi_row_statements(), "2");
  EXPECT_EQ(
      query(*c_, "SELECT id, name, price FROM items WHERE id IN (7, 2498) ORDER BY id"),
      (Rows{{Value(7), Value(), Value(3.5)}, {Value(2498), Value("item 2498"), Value(1249.0)}}));
}

TEST_F(PgBatch, MultiRowBatchesStayUnderTheParameterLimit) {
  cur_->execute("CREATE TEMP TABLE wide (" + [] {
    std::string cols;
    for (int i = 0; i < 40; ++i) cols += (i ? ", c" : "c") + std::to_string(i) + " int";
    return cols;
  }() + ")");
  std::string sql = "INSERT INTO wide VALUES (";
  for (int i = 1; i <= 40; ++i) sql += (i > 1 ? ", $" : "$") + std::to_string(i);
  sql += ")";
  std::vector<std::vector<Value>> rows(2000, std::vector<Value>(40, Value(1)));
  cur_->executemany(sql, rows);  // 819 rows per batch: 32,760 parameters
  EXPECT_EQ(cur_->rowcount(), 2000);
  EXPECT_EQ(scalar(*c_, "SELECT count(*) FROM wide"), Value(2000));
}

TEST_F(PgBatch, ExecutemanyWithMixedKindsAndNullsInAColumn) {
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)",
                    {{Value(1), Value(), Value()},
                     {Value(std::int64_t{2}), Value("b"), Value(1.5)},
                     {Value(3), Value(), Value(2)}});
  EXPECT_EQ(query(*c_, "SELECT price FROM items ORDER BY id"),
            (Rows{{Value()}, {Value(1.5)}, {Value(2.0)}}));
}

TEST_F(PgBatch, ExecutemanyOtherStatementsRunPipelined) {
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", items(0, 3000));
  std::vector<std::vector<Value>> updates;
  for (int i = 0; i < 3000; i += 2) updates.push_back({Value(i * 2.0), Value(i)});
  cur_->executemany("UPDATE items SET price = $1 WHERE id = $2", updates);
  EXPECT_EQ(cur_->rowcount(), 1500);
  EXPECT_EQ(scalar(*c_, "SELECT sum(price)::int8 FROM items WHERE id % 2 = 0"),
            Value(std::int64_t{2 * (1499 * 1500)}));
  // Also with ON CONFLICT, which is not rewritten.
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                    items(2990, 3010));
  EXPECT_EQ(cur_->rowcount(), 10);
  EXPECT_EQ(count(), Value(3010));
  EXPECT_EQ(multi_row_statements(), "1");  // only the first executemany's: 3 full batches
}

TEST_F(PgBatch, ExecutemanyPipelinesWithoutCacheToo) {
  auto c = connect({{"prepared_statement_cache_size", 0}});
  auto cur = c->cursor();
  cur->execute("CREATE TEMP TABLE t (x int)");
  cur->executemany("INSERT INTO t VALUES ($1)", {{Value(1)}, {Value(2)}, {Value(3)}});
  EXPECT_EQ(cur->rowcount(), 3);
  cur->executemany("DELETE FROM t WHERE x = $1", {{Value(1)}, {Value(3)}, {Value(9)}});
  EXPECT_EQ(cur->rowcount(), 2);
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_prepared_statements"), "0");
}

TEST_F(PgBatch, ErrorMidBatchRaisesAndRollbackLeavesNothing) {
  c_->commit();
  auto rows = items(0, 2500);
  rows[1700][0] = Value(5);  // duplicate key in the second batch
  try {
    cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", rows);
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::integrity_error);
    EXPECT_EQ(e.native_code(), "23505");
  }
  c_->rollback();
  EXPECT_EQ(count(), Value(0));

  // The pipeline: the failing row aborts the rest of its segment; the connection stays usable.
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", items(0, 10));
  c_->commit();
  std::vector<std::vector<Value>> updates;
  for (int i = 0; i < 2500; ++i) updates.push_back({Value(i % 10), Value(i == 1200 ? 0 : 1)});
  try {
    cur_->executemany("UPDATE items SET price = 100 / $2 WHERE id = $1", updates);
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::data_error);
    EXPECT_EQ(e.native_code(), "22012");
  }
  c_->rollback();
  EXPECT_EQ(scalar(*c_, "SELECT count(*) FROM items WHERE price = 100"), Value(0));
  cur_->executemany("UPDATE items SET price = 1 WHERE id = $1", {{Value(1)}, {Value(2)}});
  EXPECT_EQ(cur_->rowcount(), 2);
}

TEST_F(PgBatch, UnsendableRowInAPipelineSendsNothingOfItsSegment) {
  cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", items(0, 3));
  c_->commit();
  c_->set_autocommit(true);
  std::vector<std::vector<Value>> updates = {{Value("a"), Value(0)},
                                             {Value(std::string("b\0c", 3)), Value(1)}};
  try {
    cur_->executemany("UPDATE items SET name = $1 WHERE id = $2", updates);
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::data_error);
  }
  EXPECT_EQ(scalar(*c_, "SELECT name FROM items WHERE id = 0"), Value());  // row 0 not sent
  EXPECT_EQ(scalar(*c_, "SELECT count(*) FROM items"), Value(3));
}

TEST_F(PgBatch, ExecutemanyRowsOfTheWrongWidthAreProgrammingError) {
  try {
    cur_->executemany("INSERT INTO items VALUES ($1, $2, $3)", {{Value(1), Value("x")}});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
  }
}

// ---- copy_from --------------------------------------------------------------------------------

TEST_F(PgBatch, CopyFromEscapesAwkwardTextNullsAndBytes) {
  cur_->execute("CREATE TEMP TABLE awkward (id int, s text, b bytea, d date, f float8)");
  Blob bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<std::byte>(i));
  const std::vector<std::string> texts = {
      "tab\there", "new\nline", "carriage\rreturn",     "back\\slash", "\\N", "",
      "ünïcødé ✓", "\\.",       "trailing backslash\\", "\t\n\r\\"};
  std::vector<std::vector<Value>> rows;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    rows.push_back({Value(static_cast<int>(i)), Value(texts[i]), Value(bytes),
                    Value(Date{std::chrono::year{2000 + static_cast<int>(i)} / 1 / 1}),
                    Value(0.1 * static_cast<double>(i))});
  }
  rows.push_back({Value(99), Value(), Value(), Value(), Value()});
  const std::vector<std::string> columns = {"id", "s", "b", "d", "f"};
  EXPECT_EQ(pq::copy_from(*c_, "awkward", columns, rows), static_cast<std::int64_t>(rows.size()));
  EXPECT_EQ(query(*c_, "SELECT id, s, b, d, f FROM awkward ORDER BY id"), rows);
}

TEST_F(PgBatch, CopyFromARowSourceIntoEveryColumn) {
  int next = 0;
  const auto copied = pq::copy_from(*c_, "items", {}, [&](std::span<Value> row) {
    if (next == 100000) return false;
    row[0] = Value(next);
    row[1] = Value("row " + std::to_string(next));
    row[2] = Value(next * 0.25);
    ++next;
    return true;
  });
  EXPECT_EQ(copied, 100000);
  EXPECT_EQ(count(), Value(100000));
  EXPECT_EQ(scalar(*c_, "SELECT name FROM items WHERE id = 77777"), Value("row 77777"));
  EXPECT_TRUE(c_->in_transaction());
}

TEST_F(PgBatch, CopyFromRejectedRowRaisesAndConnectionRecovers) {
  c_->commit();
  std::vector<std::vector<Value>> rows = items(0, 5);
  rows.push_back({Value(3), Value("dup"), Value(1.0)});
  const std::vector<std::string> columns = {"id", "name", "price"};
  try {
    pq::copy_from(*c_, "items", columns, rows);
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::integrity_error);
  }
  c_->rollback();
  EXPECT_EQ(count(), Value(0));
  try {
    pq::copy_from(*c_, "items", columns, std::vector<std::vector<Value>>{{Value(1)}});
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
  }
  c_->rollback();
  EXPECT_EQ(pq::copy_from(*c_, "items", columns, items(0, 3)), 3);
}

TEST_F(PgBatch, CopyFromAnExceptionInTheRowSourceAbortsTheCopy) {
  c_->commit();
  int next = 0;
  EXPECT_THROW(pq::copy_from(*c_, "items", {},
                             [&](std::span<Value> row) -> bool {
                               if (next == 3) throw std::runtime_error("source failed");
                               row[0] = Value(next++);
                               row[1] = Value();
                               row[2] = Value();
                               return true;
                             }),
               std::runtime_error);
  c_->rollback();
  EXPECT_EQ(count(), Value(0));
  EXPECT_EQ(scalar(*c_, "SELECT 1"), Value(1));
}

}  // namespace
