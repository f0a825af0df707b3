// select(t).where(t.c("id") == id) built and executed 200,000 times (the statement rebuilt every
// call: cache-key computation and compiled-cache lookup included) against the raw sqlite3 C API
// and against the same statement as text(). Results in bench/RESULTS.md.
//
// `bench_select_construct N` runs only contender N (0 raw, 1 text(), 2 select()) for 20,000
// operations with callgrind's collection on around it alone, for instruction counts per operation:
//   valgrind --tool=callgrind --instr-atstart=no build/bench/bench/bench_select_construct 2
#include <sqlite3.h>

#include <athanor/athanor.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_util.hpp"
#include "sqlite_raw.hpp"

namespace sa = athanor;

namespace {

long ops = 200'000;
constexpr int rows = 10'000;

void fill(sqlite3* db) {
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(50), value INTEGER)",
               nullptr, nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (id, name, value) VALUES (?, ?, ?)", -1, &ins, nullptr);
  for (int i = 1; i <= rows; ++i) {
    const std::string name = "name_" + std::to_string(i);
    sqlite3_bind_int(ins, 1, i);
    sqlite3_bind_text(ins, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 3, i * 7);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  long long sink = 0;
  const int only = argc > 1 ? std::atoi(argv[1]) : -1;

  sqlite3* db = sqlite_bench::open_raw_memory();
  fill(db);
  sqlite3_stmt* sel = nullptr;
  sqlite3_prepare_v2(db, "SELECT t.id, t.name, t.value FROM t WHERE t.id = ?", -1, &sel, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);

  auto engine = sa::create_engine("sqlite://");
  sa::MetaData metadata;
  sa::Table t("t", metadata,
              {sa::Column("id", sa::Integer(), {.primary_key = true}),
               sa::Column("name", sa::String(50)), sa::Column("value", sa::Integer())});
  auto conn = engine.connect();
  conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(50), value INTEGER)");
  for (int i = 1; i <= rows; ++i) {
    conn.execute(
        sa::insert(t).values({{"id", i}, {"name", "name_" + std::to_string(i)}, {"value", i * 7}}));
  }
  // Committed like the raw contender's fill: the timed statements then run in a transaction of
  // their own over clean pages, on both sides.
  conn.commit();
  const auto text = sa::text("SELECT t.id, t.name, t.value FROM t WHERE t.id = :id");

  std::vector<bench::Contender> contenders = {
      {"raw sqlite3 C API, prepared once (in BEGIN)",
       [&] {
         for (long i = 0; i < ops; ++i) {
           sqlite3_bind_int64(sel, 1, i % rows + 1);
           while (sqlite3_step(sel) == SQLITE_ROW) {
             sink += sqlite3_column_int64(sel, 0) + sqlite3_column_int64(sel, 2);
             sink += sqlite3_column_bytes(sel, 1);
           }
           sqlite3_reset(sel);
         }
       }},
      {"Athanor text(), cached",
       [&] {
         for (long i = 0; i < ops; ++i) {
           for (const sa::Row& row : conn.execute(text, {{"id", i % rows + 1}})) {
             sink += row[0].as<std::int64_t>() + row[2].as<std::int64_t>();
             sink += static_cast<long long>(row[1].as<std::string_view>().size());
           }
         }
       }},
      {"Athanor select(t).where(...) rebuilt",
       [&] {
         for (long i = 0; i < ops; ++i) {
           for (const sa::Row& row :
                conn.execute(sa::select(t).where(t.c("id") == (i % rows + 1)))) {
             sink += row[0].as<std::int64_t>() + row[2].as<std::int64_t>();
             sink += static_cast<long long>(row[1].as<std::string_view>().size());
           }
         }
       }},
  };
  if (only >= 0 && only < static_cast<int>(contenders.size())) {
    ops = 20'000;
    bench::run_instrumented(contenders[static_cast<std::size_t>(only)]);
    std::printf("%s: %ld operations (checksum %lld)\n",
                contenders[static_cast<std::size_t>(only)].name.c_str(), ops, sink);
    return 0;
  }
  bench::measure(contenders, 5, ops);
  bench::print_table("select construct, 200,000 point selects", contenders,
                     contenders.front().best_ns_per_op);
  std::printf("(checksum %lld)\n", sink);
  sqlite3_finalize(sel);
  sqlite3_close(db);
  return 0;
}
