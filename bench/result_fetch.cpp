// Issue 4's figure: read 1,000,000 rows of (integer, text, real) from an in-memory SQLite table,
// touching every value. Contenders, in one run: the raw sqlite3 C API (the limit), Athanor
// iterating a Result (plain cursor, and with yield_per(1000)), SQLiteCpp, SOCI, and SQLAlchemy
// 1.4 (Debian's python3-sqlalchemy, run by /usr/bin/python3 from this program).
//
// `bench_result_fetch N` runs only contender N (0 raw, 1 Athanor, 2 Athanor yield_per, 3
// SQLiteCpp, 4 SOCI) under callgrind's instrumentation, for instruction counts per row:
//   valgrind --tool=callgrind --instr-atstart=no build/bench/bench/bench_result_fetch 1
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <athanor/athanor.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_util.hpp"
#include "result_fetch.hpp"
#include "sqlite_raw.hpp"

namespace sa = athanor;

namespace {

using namespace result_fetch;

void fill(sqlite3* db) {
  sqlite3_exec(db, sqlite_bench::create_sql, nullptr, nullptr, nullptr);
  sqlite3_exec(db, sqlite_bench::fill_sql(table_rows).c_str(), nullptr, nullptr, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  const int only = argc > 1 ? std::atoi(argv[1]) : -1;
  Sink sink;

  // raw sqlite3, inside one open transaction as a Connection runs (autobegin)
  sqlite3* raw_db = sqlite_bench::open_raw_memory();
  fill(raw_db);
  sqlite3_exec(raw_db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* raw_stmt;
  sqlite3_prepare_v2(raw_db, select_sql, -1, &raw_stmt, nullptr);

  auto engine = sa::create_engine("sqlite://");
  auto conn = engine.connect();
  fill(static_cast<sqlite3*>(conn.connection().native_handle()));
  const auto stmt = sa::text(select_sql);
  const auto athanor_pass = [&](std::int64_t yield_per) {
    auto result = conn.execute(stmt);
    if (yield_per) result.yield_per(yield_per);
    for (const sa::Row& row : result) {
      sink.add(row.get<std::int64_t>(0), row.get<std::string_view>(1), row.get<double>(2));
    }
  };

  SQLite::Database cpp_db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  fill(cpp_db.getHandle());
  SQLite::Statement cpp_stmt(cpp_db, select_sql);

  std::vector<bench::Contender> contenders = {
      {"raw sqlite3 C API (prepared once)",
       [&] {
         while (sqlite3_step(raw_stmt) == SQLITE_ROW) {
           sink.ints += sqlite3_column_int64(raw_stmt, 0);
           const auto* name = sqlite3_column_text(raw_stmt, 1);
           sink.chars += static_cast<std::size_t>(sqlite3_column_bytes(raw_stmt, 1)) + name[0];
           sink.reals += sqlite3_column_double(raw_stmt, 2);
         }
         sqlite3_reset(raw_stmt);
       }},
      {"Athanor Result iteration", [&] { athanor_pass(0); }},
      {"Athanor Result, yield_per(1000)", [&] { athanor_pass(1000); }},
      {"SQLiteCpp Statement",
       [&] {
         while (cpp_stmt.executeStep()) {
           sink.ints += cpp_stmt.getColumn(0).getInt64();
           const char* name = cpp_stmt.getColumn(1).getText();
           sink.chars += static_cast<std::size_t>(cpp_stmt.getColumn(1).getBytes()) + name[0];
           sink.reals += cpp_stmt.getColumn(2).getDouble();
         }
         cpp_stmt.reset();
       }},
      {"SOCI statement", make_soci_pass(sink)},
  };
  if (only >= 0 && only < static_cast<int>(contenders.size())) {
    bench::run_instrumented(contenders[static_cast<std::size_t>(only)]);
    std::printf("%s: %ld rows (checksum %lld)\n",
                contenders[static_cast<std::size_t>(only)].name.c_str(),
                static_cast<long>(table_rows), sink.ints);
    return 0;
  }
  bench::measure(contenders, 5, table_rows);
  contenders.push_back({"SQLAlchemy 1.4 text() (python3)", nullptr,
                        bench::python_peer_ns("sqlalchemy_result_fetch.py")});

  bench::print_table("result fetch: 1,000,000 rows of (integer, text, real), every value read",
                     contenders, contenders.front().best_ns_per_op);
  std::printf("  (checksum %lld %zu %.1f)\n", sink.ints, sink.chars, sink.reals);

  sqlite3_finalize(raw_stmt);
  sqlite3_close(raw_db);
  return 0;
}
