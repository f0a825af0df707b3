// The libpq driver's server-side cursors (named cursors read FETCH by FETCH) and multi-statement
// execution, against a real server.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "dialects/postgresql/driver_test_support.hpp"

namespace {

using namespace athanor;
using athanor::testing::pg::PgDriverTest;
using athanor::testing::pg::Rows;
using dbapi::ErrorKind;

class PgStream : public PgDriverTest {};

// The process's peak resident set (VmHWM) in bytes, after resetting it to the current RSS when
// `reset` (Linux's clear_refs "5"); -1 when unavailable.
long peak_rss(bool reset) {
  if (reset) {
    std::ofstream clear("/proc/self/clear_refs");
    if (!(clear << "5" << std::flush)) return -1;
  }
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  }
  return -1;
}

const char* kRows =
    "SELECT n, 'row number ' || n AS name, n * 0.5::float8 AS value FROM generate_series(1, $1) n";

TEST_F(PgStream, ServerSideCursorStreamsTwoMillionRowsInFlatMemory) {
  auto c = connect();
  if (peak_rss(true) < 0) GTEST_SKIP() << "no /proc/self/clear_refs to reset the peak RSS";

  // The yardstick: 100,000 rows read by a plain cursor, which receives them all at execute.
  constexpr std::int64_t buffered_rows = 100'000;
  const long before_buffered = peak_rss(true);
  {
    auto cur = c->cursor();
    cur->execute(kRows, {Value(buffered_rows)});
    std::vector<Value> row(3);
    std::int64_t n = 0;
    while (cur->fetch_into(row)) ++n;
    EXPECT_EQ(n, buffered_rows);
  }
  const long buffered_growth = peak_rss(false) - before_buffered;
  EXPECT_GT(buffered_growth, buffered_rows * 40);  // libpq's copy of every row

  constexpr std::int64_t streamed_rows = 2'000'000;
  const long before = peak_rss(true);
  auto cur = c->server_side_cursor();
  ASSERT_NE(cur, nullptr);
  cur->execute(kRows, {Value(streamed_rows)});
  ASSERT_NE(cur->description(), nullptr);
  EXPECT_EQ(cur->description()->columns.at(1).name, "name");
  std::vector<Value> rows(3 * 1000);
  std::int64_t count = 0, sum = 0;
  double total = 0;
  for (std::size_t got; (got = cur->fetch_many_into(rows, 3, 1000)) > 0;) {
    for (std::size_t i = 0; i < got; ++i) {
      sum += rows[i * 3].as<std::int64_t>();
      total += rows[i * 3 + 2].as<double>();
    }
    count += static_cast<std::int64_t>(got);
  }
  const long growth = peak_rss(false) - before;
  EXPECT_EQ(count, streamed_rows);
  EXPECT_EQ(sum, streamed_rows * (streamed_rows + 1) / 2);
  EXPECT_EQ(total, static_cast<double>(sum) * 0.5);
#ifndef __SANITIZE_ADDRESS__
  // 20 times more rows than the yardstick, in less memory than it took.
  EXPECT_LT(growth, buffered_growth);
#endif
  RecordProperty("streamed_peak_growth_bytes", std::to_string(growth));
  RecordProperty("buffered_100k_peak_growth_bytes", std::to_string(buffered_growth));
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_cursors"), "0");  // closed at the end
}

TEST_F(PgStream, ServerSideCursorReadsAcrossFetchBatchesAndClosesEarly) {
  auto c = connect();
  auto cur = c->server_side_cursor();
  cur->execute(kRows, {Value(4500)});
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_cursors"), "1");
  EXPECT_EQ(cur->fetchmany(2), (Rows{{Value(1), Value("row number 1"), Value(0.5)},
                                     {Value(2), Value("row number 2"), Value(1.0)}}));
  EXPECT_EQ(cur->fetchall().size(), 4498u);
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_cursors"), "0");
  const auto serial = cur->description()->serial;
  cur->execute(kRows, {Value(10)});
  EXPECT_EQ(cur->description()->serial, serial);  // shared per statement
  EXPECT_EQ(cur->fetchone()->at(0), Value(1));
  cur->close();
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_cursors"), "0");
}

TEST_F(PgStream, AtEndWithTheLastRowWhenTheDriverCanTell) {
  auto c = connect();
  auto buffered = c->cursor();  // all rows in memory at execute
  buffered->execute(kRows, {Value(2)});
  EXPECT_FALSE(buffered->at_end());
  buffered->fetchone();
  EXPECT_FALSE(buffered->at_end());
  buffered->fetchone();
  EXPECT_TRUE(buffered->at_end());

  auto streamed = c->server_side_cursor();
  streamed->execute(kRows, {Value(3)});
  EXPECT_EQ(streamed->fetchmany(3).size(), 3u);
  EXPECT_TRUE(streamed->at_end());  // its one batch came back short

  // A batch as large as the driver asks for (2,000 rows) leaves the end unknown until the next.
  streamed->execute(kRows, {Value(2000)});
  EXPECT_EQ(streamed->fetchmany(2000).size(), 2000u);
  EXPECT_FALSE(streamed->at_end());
  EXPECT_EQ(streamed->fetchone(), std::nullopt);
  EXPECT_TRUE(streamed->at_end());
}

TEST_F(PgStream, ServerSideCursorWorksInAutocommitMode) {
  auto c = connect();
  c->set_autocommit(true);
  auto cur = c->server_side_cursor();
  cur->execute(kRows, {Value(5000)});
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(cur->fetchall().size(), 5000u);
  EXPECT_EQ(peek(*c, "SELECT count(*) FROM pg_cursors"), "0");
}

TEST_F(PgStream, ServerSideCursorEndedByCommitSaysSo) {
  auto c = connect();
  auto cur = c->server_side_cursor();
  cur->execute(kRows, {Value(5000)});
  c->commit();
  EXPECT_EQ(cur->fetchmany(2000).size(), 2000u);  // the batch already received
  try {
    cur->fetchone();
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::programming_error);
  }
}

TEST_F(PgStream, ServerSideCursorRunsOtherStatementsDirectly) {
  auto c = connect();
  auto cur = c->server_side_cursor();
  cur->execute("CREATE TEMP TABLE s (x int)");
  cur->execute("INSERT INTO s VALUES (1), (2) RETURNING x");
  EXPECT_EQ(cur->rowcount(), 2);
  EXPECT_EQ(cur->fetchall(), (Rows{{Value(1)}, {Value(2)}}));
}

TEST_F(PgStream, SeveralStatementsWithoutParametersAndNextset) {
  auto c = connect();
  auto cur = c->cursor();
  cur->execute(
      "CREATE TEMP TABLE m (x int); INSERT INTO m VALUES (1), (2); SELECT x FROM m "
      "ORDER BY x; SELECT 'two; statements' AS s");
  EXPECT_EQ(cur->description(), nullptr);  // CREATE TABLE
  ASSERT_TRUE(cur->nextset());
  EXPECT_EQ(cur->rowcount(), 2);  // INSERT
  ASSERT_TRUE(cur->nextset());
  EXPECT_EQ(cur->fetchall(), (Rows{{Value(1)}, {Value(2)}}));
  ASSERT_TRUE(cur->nextset());
  EXPECT_EQ(cur->description()->columns.at(0).name, "s");
  EXPECT_EQ(cur->fetchall(), (Rows{{Value("two; statements")}}));
  EXPECT_FALSE(cur->nextset());
  EXPECT_TRUE(c->in_transaction());
  c->rollback();
  EXPECT_THROW(query(*c, "SELECT x FROM m"), dbapi::Error);
}

TEST_F(PgStream, ErrorInALaterStatementOfSeveralIsRaised) {
  auto c = connect();
  try {
    query(*c, "SELECT 1; SELECT 1/0");
    FAIL();
  } catch (const dbapi::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::data_error);
  }
  c->rollback();
  EXPECT_EQ(scalar(*c, "SELECT 2"), Value(2));
}

}  // namespace
