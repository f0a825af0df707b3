// Issue 5's bulk-load figure: 200,000 rows of (integer, text, double) loaded into an empty
// PostgreSQL table with COPY. Contenders, in one run: raw libpq COPY FROM STDIN (the limit),
// Athanor's COPY bulk-load call, and libpqxx 6.4's `stream_to`. The table is truncated, untimed,
// before every pass; each pass is one transaction, commit included.
// Run it pinned to one core with the server (tools/bench.sh does): see pg_bench.hpp.
#include <athanor/athanor.hpp>
#include <pqxx/pqxx>

#include <string>
#include <tuple>
#include <vector>

#include "bench_util.hpp"
#include "pg_bench.hpp"
#include "pg_bulk.hpp"

namespace sa = athanor;

int main() {
  using pg_bulk::Row;
  const std::string url = pg_bench::server_url();
  const std::vector<Row> rows = pg_bulk::make_rows(pg_bulk::total_rows);

  pg_bench::RawConnection admin(url);
  pg_bulk::create_table(admin);
  const auto truncate = [&] { admin.exec("TRUNCATE bench_bulk"); };

  pg_bench::RawConnection raw(url);
  pqxx::connection pqxx_conn(url);
  const std::vector<std::string> columns = {"a", "b", "c"};

  std::vector<bench::Contender> contenders = {
      {"raw libpq COPY FROM STDIN (text format)", [&] { pg_bulk::raw_copy(raw.get(), rows); }},
      {"libpqxx 6.4 stream_to",
       [&] {
         pqxx::work tx(pqxx_conn);
         pqxx::stream_to stream(tx, "bench_bulk", columns);
         for (const Row& row : rows) stream << std::make_tuple(row.a, row.b, row.c);
         stream.complete();
         tx.commit();
       }},
  };
  bench::measure(contenders, pg_bulk::rounds, pg_bulk::total_rows, truncate);
  truncate();

  bench::print_table(
      "PostgreSQL COPY bulk load: 200,000 rows of (integer, text, double) into an "
      "empty table, ns per row",
      contenders, contenders.front().best_ns_per_op, /*with_client_cpu=*/true);
  return 0;
}
