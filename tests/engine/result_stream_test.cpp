// Streaming (SPEC §7, §14.3; seed 003 "Using Server Side Cursors"): stream_results' growing buffer
// (1, 5, 25, 125, 625, then max_row_buffer), yield_per's fixed one, the options on an engine, a
// connection, a statement or a call, the cursor given back as soon as the rows run out or the
// result goes out of scope, and peak memory while streaming millions of rows.
//
// SQLite only: the driver's trips are observed through a counting SQL function, tick(), that
// SQLite calls once per row it produces. The driver steps one row ahead of what it hands out, as
// pysqlite does: execute() produces the first row, and reading a row steps to the next. So a trip
// that hands out k rows produces the k rows after them, except the last trip, which finds the
// end one row early and produces one fewer.
#include <sqlite3.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class ResultStream : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    conn_.emplace(engine().connect());
    engine().set_echo(false);
    sqlite3_create_function(db(), "tick", 0, SQLITE_UTF8, &ticks_, &tick, nullptr, nullptr);
  }
  void TearDown() override {
    conn_.reset();
    BackendTest::TearDown();
  }
  sqlite3* db() { return static_cast<sqlite3*>(conn_->connection().native_handle()); }
  sa::Connection& conn() { return *conn_; }

  // n generated rows: (n, tick()).
  static std::string generate(long n) {
    return "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " +
           std::to_string(n) + ") SELECT n, tick() AS t FROM g";
  }
  // The sizes of the driver's trips as the rows are read one by one.
  std::vector<long> trips(sa::Result& result) {
    std::vector<long> out;
    long seen = 0;
    auto note = [&] {
      if (ticks_ != seen) out.push_back(ticks_ - seen), seen = ticks_;
    };
    note();  // what creating the result read
    for (const sa::Row& row : result) {
      (void)row;
      note();
    }
    return out;
  }
  // True when some statement of the connection is mid-rows (a cursor still holds it).
  bool statement_busy() {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db(), nullptr); s; s = sqlite3_next_stmt(db(), s)) {
      if (sqlite3_stmt_busy(s)) return true;
    }
    return false;
  }

  long ticks_ = 0;

  static void tick(sqlite3_context* ctx, int, sqlite3_value**) {
    long* ticks = static_cast<long*>(sqlite3_user_data(ctx));
    sqlite3_result_int64(ctx, ++*ticks);
  }

 private:
  std::optional<sa::Connection> conn_;
};

using Trips = std::vector<long>;

TEST_P(ResultStream, PlainCursorReadsOneRowPerTrip) {
  auto result = conn().execute(sa::text(generate(4)));
  // execute() produces row 1; handing out row k produces row k + 1; row 4 finds the end.
  EXPECT_EQ(trips(result), (Trips{1, 1, 1, 1}));
}

TEST_P(ResultStream, StreamResultsGrowsTheBufferUpToMaxRowBuffer) {
  conn().execution_options({{"stream_results", true}});
  auto result = conn().execute(sa::text(generate(3000)));
  // Created: execute() and the one row read then (2 produced); then 5, 25, ... rows a trip; the
  // last trip hands out 219.
  EXPECT_EQ(trips(result), (Trips{2, 5, 25, 125, 625, 1000, 1000, 218}));
}

TEST_P(ResultStream, BufferSizeByRowIndex) {
  // SPEC §14.3: row index → buffer size 0→5, 1→25, 6→125, 31→625, 156→1000; i.e. reading row 1
  // fetches 5 rows, row 6 fetches 25, ...
  conn().execution_options({{"stream_results", true}});
  auto result = conn().execute(sa::text(generate(2000)));
  std::vector<std::pair<long, long>> refills;  // (row index, rows fetched)
  long seen = ticks_, index = 0;
  for (const sa::Row& row : result) {
    (void)row;
    if (ticks_ != seen) refills.emplace_back(index, ticks_ - seen), seen = ticks_;
    ++index;
  }
  EXPECT_EQ(refills, (std::vector<std::pair<long, long>>{
                         {1, 5}, {6, 25}, {31, 125}, {156, 625}, {781, 1000}, {1781, 218}}));
}

TEST_P(ResultStream, MaxRowBufferCapsTheGrowth) {
  auto result = conn().execute(sa::text(generate(100)), {},
                               {{"stream_results", true}, {"max_row_buffer", 27}});
  // min(27, 5 × 5) = 25, then 27 (SQLAlchemy's min(max_row_buffer, size × 5)); the last trip
  // hands out 15.
  EXPECT_EQ(trips(result), (Trips{2, 5, 25, 27, 27, 14}));
}

TEST_P(ResultStream, FetchmanyFetchesExactlyWhatItNeeds) {
  conn().execution_options({{"stream_results", true}});
  auto result = conn().execute(sa::text(generate(100)));
  EXPECT_EQ(ticks_, 2);                       // row 1 read at creation, row 2 ahead
  EXPECT_EQ(result.fetchmany(4).size(), 4u);  // 1 buffered + 3 more, not a refill of 5
  EXPECT_EQ(ticks_, 5);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 5);
  EXPECT_EQ(ticks_, 10);                      // the schedule goes on where it was: 5 rows
  EXPECT_EQ(result.fetchmany().size(), 95u);  // no size: all remaining
}

TEST_P(ResultStream, YieldPerMethodFixesTheBuffer) {
  auto result = conn().execute(sa::text(generate(250)));
  result.yield_per(100);
  // Trips of 100 rows (the first starts with the row execute() produced); the last hands out 50.
  EXPECT_EQ(trips(result), (Trips{1, 100, 100, 49}));
}

TEST_P(ResultStream, YieldPerAfterFetchoneKeepsTheRestBuffered) {
  // SPEC §14.3: after fetchone() with yield_per(100) the buffer holds 99.
  auto result = conn().execute(sa::text(generate(500)));
  result.yield_per(100);
  result.fetchone();
  EXPECT_EQ(ticks_, 101);  // rows 1-100 read, row 101 ahead
  for (int i = 0; i < 99; ++i) result.fetchone();
  EXPECT_EQ(ticks_, 101);
  result.fetchone();
  EXPECT_EQ(ticks_, 201);
  EXPECT_EQ(result.fetchmany().size(), 100u);  // fetchmany() defaults to yield_per
}

TEST_P(ResultStream, YieldPerBelowOneReadsEverything) {
  auto result = conn().execute(sa::text(generate(300)));
  result.yield_per(0);
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 1);
  EXPECT_EQ(ticks_, 300);
}

TEST_P(ResultStream, YieldPerOptionOnTextFixesTheBuffer) {
  // Seed 003 promises yield_per's fixed buffer for a text() SELECT (overriding SPEC §19.12, where
  // SQLAlchemy only streams up to N): trips of 30 rows; the last hands out 10.
  auto result = conn().execute(sa::text(generate(100)), {}, {{"yield_per", 30}});
  EXPECT_EQ(trips(result), (Trips{1, 30, 30, 30, 9}));
}

TEST_P(ResultStream, YieldPerOptionOnDriverSqlOnlyStreamsUpToN) {
  // SPEC §7 / §19.12: for driver SQL the option means stream_results with max_row_buffer = N, but
  // is not applied as Result.yield_per(N).
  auto driver =
      conn().exec_driver_sql(generate(100), std::vector<sa::Value>{}, {{"yield_per", 30}});
  EXPECT_EQ(trips(driver), (Trips{2, 5, 25, 30, 30, 8}));  // the last trip hands out 9
  auto rest = conn().exec_driver_sql(generate(10), std::vector<sa::Value>{}, {{"yield_per", 3}});
  EXPECT_EQ(rest.fetchmany().size(), 10u);  // fetchmany() default: all remaining
}

TEST_P(ResultStream, YieldPerOptionOnASelectConstructFixesTheBuffer) {
  sa::MetaData metadata;
  sa::Table numbers("numbers", metadata, {sa::Column("n", sa::Integer(), {.primary_key = true})});
  metadata.create_all(conn());
  std::vector<sa::Params> rows;
  for (int n = 1; n <= 25; ++n) rows.push_back({{"n", n}});
  conn().execute(numbers.insert(), rows);
  auto result = conn().execute(sa::select(numbers.c("n")), {}, {{"yield_per", 10}});
  EXPECT_EQ(result.fetchmany().size(), 10u);  // fetchmany() defaults to yield_per
  std::vector<std::size_t> sizes;
  for (const auto& partition : result.partitions()) sizes.push_back(partition.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 5}));
}

TEST_P(ResultStream, YieldPerOptionOnDmlConstructWithReturningOnlyStreams) {
  // SPEC §7: an INSERT/UPDATE/DELETE construct never gets yield_per as Result.yield_per, even
  // with RETURNING rows.
  sa::MetaData metadata;
  sa::Table numbers("numbers", metadata, {sa::Column("n", sa::Integer(), {.primary_key = true})});
  metadata.create_all(conn());
  std::vector<sa::Params> rows;
  for (int n = 1; n <= 25; ++n) rows.push_back({{"n", n}});
  conn().execute(numbers.insert(), rows);
  auto result = conn().execute(
      sa::update(numbers).values({{"n", numbers.c("n") + 100}}).returning({numbers.c("n")}), {},
      {{"yield_per", 10}});
  EXPECT_TRUE(result.returns_rows());
  EXPECT_EQ(result.fetchmany().size(), 25u);  // a streamed result's default: all remaining
}

TEST_P(ResultStream, SeedYieldPerPartitionsOfAtMostN) {
  // Seed 003, "Streaming with a fixed buffer via yield_per":
  //   with conn.execution_options(yield_per=100).execute(text("select * from table")) as result:
  //       for partition in result.partitions(): ...  # at most 100 rows each
  // The rows are read from the database 100 at a time, as the partitions are handed out.
  constexpr long total = 1234;
  std::vector<std::size_t> sizes;
  std::vector<long> read_ahead;  // rows produced by the database beyond those handed out
  std::int64_t expected = 1;
  bool in_order = true;
  long handed_out = 0;
  {
    auto result = conn().execution_options({{"yield_per", 100}}).execute(sa::text(generate(total)));
    for (const auto& partition : result.partitions()) {
      sizes.push_back(partition.size());
      handed_out += static_cast<long>(partition.size());
      read_ahead.push_back(ticks_ - handed_out);
      for (const sa::Row& row : partition)
        in_order = in_order && row.get<std::int64_t>(0) == expected++;
    }
    EXPECT_FALSE(result.closed());  // soft-closed at exhaustion; the scope closes it
  }
  EXPECT_TRUE(in_order);
  EXPECT_EQ(handed_out, total);
  std::vector<std::size_t> want(12, 100);
  want.push_back(34);
  EXPECT_EQ(sizes, want);
  // Each partition is one trip of 100 rows: one row ahead of them, none past the last.
  std::vector<long> ahead(12, 1);
  ahead.push_back(0);
  EXPECT_EQ(read_ahead, ahead);
  EXPECT_FALSE(statement_busy());
}

TEST_P(ResultStream, OptionsOnEngineConnectionStatementAndCall) {
  // Whether the result `execute` makes reads 1, 5, then the last 4 of 10 rows (producing 2, 5 and
  // 3: one row ahead).
  auto streamed = [&](auto execute) {
    ticks_ = 0;
    auto result = execute();
    return trips(result) == Trips{2, 5, 3};
  };
  const auto ten = sa::text(generate(10));
  const auto ten_streamed = ten.execution_options({{"stream_results", true}});
  EXPECT_FALSE(streamed([&] { return conn().execute(ten); }));
  EXPECT_TRUE(streamed([&] { return conn().execute(ten, {}, {{"stream_results", true}}); }));
  EXPECT_TRUE(streamed([&] { return conn().execute(ten_streamed); }));
  // A call overrides the statement.
  EXPECT_FALSE(streamed([&] {
    return conn().execute(ten_streamed, {}, {{"stream_results", false}});
  }));
  conn().execution_options({{"stream_results", true}});
  EXPECT_TRUE(streamed([&] { return conn().execute(ten); }));
  conn().execution_options({{"stream_results", false}});
  EXPECT_FALSE(streamed([&] { return conn().execute(ten_streamed); }));  // connection wins

  sa::Engine streaming = engine().execution_options({{"stream_results", true}});
  auto other = streaming.connect();
  sqlite3* other_db = static_cast<sqlite3*>(other.connection().native_handle());
  sqlite3_create_function(other_db, "tick", 0, SQLITE_UTF8, &ticks_, &tick, nullptr, nullptr);
  EXPECT_TRUE(streamed([&] { return other.execute(ten); }));
}

TEST_P(ResultStream, AllOnAStreamingResultFetchesEverything) {
  auto result = conn().execute(sa::text(generate(1234)), {}, {{"stream_results", true}});
  EXPECT_EQ(result.fetchone()->get<std::int64_t>(0), 1);
  EXPECT_EQ(result.all().size(), 1233u);
  EXPECT_EQ(ticks_, 1234);
}

TEST_P(ResultStream, CursorGoesBackAsSoonAsTheRowsRunOut) {
  auto plain = conn().execute(sa::text(generate(2)));
  plain.fetchone();
  EXPECT_TRUE(statement_busy());  // row 2 is ahead
  plain.fetchone();
  EXPECT_FALSE(statement_busy());  // reading the last row stepped to the end, as pysqlite does
  EXPECT_FALSE(plain.fetchone().has_value());

  auto batched = conn().execute(sa::text(generate(5)));
  batched.yield_per(10);
  EXPECT_EQ(batched.fetchone()->get<std::int64_t>(0), 1);
  // The trip for 10 rows found only 5: the statement is back while 4 rows remain to hand out.
  EXPECT_FALSE(statement_busy());
  EXPECT_EQ(batched.all().size(), 4u);
}

TEST_P(ResultStream, AResultScopeClosesItsCursorWhenAnExceptionLeavesTheLoop) {
  for (const bool stream : {false, true}) {
    SCOPED_TRACE(stream ? "stream_results" : "plain");
    long read = 0;
    try {
      auto result = conn().execute(sa::text(generate(10000)), {}, {{"stream_results", stream}});
      for (const sa::Row& row : result) {
        if (row.get<std::int64_t>(0) == 50) throw std::runtime_error("stop");
        ++read;
      }
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(read, 49);
    EXPECT_FALSE(statement_busy());
  }
}

// ---- memory
// ---------------------------------------------------------------------------------------

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

// Memory, not storage, is measured: the in-memory backend alone keeps the suite fast.
class ResultStreamMemory : public ResultStream {};

TEST_P(ResultStreamMemory, StreamingFiveMillionRowsKeepsPeakMemoryFlat) {
  const std::string sql =
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {}) "
      "SELECT n, 'row number ' || n AS name, n * 0.5 AS value FROM g";
  auto rows_sql = [&](long n) {
    return std::string(sql).replace(sql.find("{}"), 2, std::to_string(n));
  };
  if (peak_rss(true) < 0) GTEST_SKIP() << "no /proc/self/clear_refs to reset the peak RSS";

  // The yardstick: a buffered read of 100,000 rows raises the peak by at least their Values.
  constexpr long buffered_rows = 100'000;
  const long before_buffered = peak_rss(true);
  std::size_t kept = conn().exec_driver_sql(rows_sql(buffered_rows)).all().size();
  const long buffered_growth = peak_rss(false) - before_buffered;
  EXPECT_EQ(kept, static_cast<std::size_t>(buffered_rows));
  const long per_row = 3 * static_cast<long>(sizeof(sa::Value));
  EXPECT_GE(buffered_growth, buffered_rows * per_row);

  // 50 times more rows, streamed 1,000 at a time: the peak must stay below what even the
  // yardstick's 100,000 buffered rows cost.
  constexpr long streamed_rows = 5'000'000;
  const long before = peak_rss(true);
  auto result = conn().exec_driver_sql(rows_sql(streamed_rows));
  result.yield_per(1000);
  long count = 0;
  std::int64_t sum = 0;
  std::size_t chars = 0;
  double total = 0;
  for (const sa::Row& row : result) {
    sum += row.get<std::int64_t>(0);
    chars += row.get<std::string_view>(1).size();
    total += row.get<double>(2);
    ++count;
  }
  const long growth = peak_rss(false) - before;
  EXPECT_EQ(count, streamed_rows);
  EXPECT_EQ(sum, streamed_rows * (streamed_rows + 1) / 2);
  EXPECT_GT(chars, 0u);
  EXPECT_GT(total, 0.0);
  // AddressSanitizer keeps freed memory resident (its quarantine) by design, so the resident peak
  // says nothing about streaming there; the sanitizer build still streams and checks every row.
#ifndef __SANITIZE_ADDRESS__
  EXPECT_LT(growth, buffered_rows * per_row);
#endif
  RecordProperty("streamed_peak_growth_bytes", std::to_string(growth));
  RecordProperty("buffered_100k_peak_growth_bytes", std::to_string(buffered_growth));
}

INSTANTIATE_TEST_SUITE_P(SQLite, ResultStream, ::testing::ValuesIn(sqlite_backends()),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(SQLite, ResultStreamMemory, ::testing::Values(sqlite_backends().front()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
