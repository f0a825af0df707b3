// Issue 5's bulk-load figure: 200,000 rows of (integer, text, double) loaded into an empty
// PostgreSQL table with COPY. Contenders, in one run: raw libpq COPY FROM STDIN (the limit),
// Athanor's COPY bulk-load call (copy_from on a Connection, fed prebuilt Value rows or a callback),
// and libpqxx 6.4's `stream_to`. The table is truncated, untimed,
// before every pass; each pass is one transaction, commit included.
// Run it pinned to one core with the server (tools/bench.sh does): see pg_bench.hpp.
#include <athanor/athanor.hpp>
#include <athanor/dialects/postgresql.hpp>
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

  // Athanor: copy_from on the Connection inside conn.begin(), fed either the
  // rows as Values built outside the timing, or each row converted from the caller's struct by a
  // callback during the COPY.
  auto engine = sa::create_engine(url);
  auto conn = engine.connect();
  std::vector<std::vector<sa::Value>> value_rows;
  value_rows.reserve(rows.size());
  for (const Row& row : rows) value_rows.push_back({row.a, row.b, row.c});

  std::vector<bench::Contender> contenders = {
      {"raw libpq COPY FROM STDIN (text format)", [&] { pg_bulk::raw_copy(raw.get(), rows); }},
      {"Athanor copy_from, rows of Values",
       [&] {
         auto tx = conn.begin();
         sa::dialects::postgresql::copy_from(conn, "bench_bulk", columns, value_rows);
         tx.commit();
       }},
      {"Athanor copy_from, row callback",
       [&] {
         auto tx = conn.begin();
         std::size_t next = 0;
         sa::dialects::postgresql::copy_from(conn, "bench_bulk", columns,
                                             [&](std::span<sa::Value> out) {
                                               if (next == rows.size()) return false;
                                               const Row& row = rows[next++];
                                               out[0].set_integer(row.a);
                                               out[1].set_text(row.b);
                                               out[2].set_real(row.c);
                                               return true;
                                             });
         tx.commit();
       }},
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
