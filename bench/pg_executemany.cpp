// Issue 5's executemany figure: 200,000 rows of (integer, text, double) inserted into an empty
// PostgreSQL table, against raw libpq COPY (the limit). Contenders, in one run: raw COPY, raw
// libpq 1000-row multi-VALUES, raw libpq pipeline mode (one round trip per 1000 rows), Athanor's
// `conn.execute(text("INSERT ..."), rows)`, and psycopg2 `execute_values`, SQLAlchemy 1.4
// `insert()` and `text()` executemany (Python peers; SQLAlchemy's text() goes row by row, so it
// runs fewer rows and reports per row). The table is truncated, untimed, before every pass; each
// contender's pass is one transaction, commit included.
// Run it pinned to one core with the server (tools/bench.sh does): see pg_bench.hpp.
#include <athanor/athanor.hpp>

#include <cstdio>
#include <string>

#include "bench_util.hpp"
#include "pg_bench.hpp"
#include "pg_bulk.hpp"

namespace sa = athanor;

namespace {

using pg_bulk::Row;

constexpr int batch_rows = 1000;

// Formats one batch's parameters as text, NUL-terminated, and points `values` at them.
void format_batch(const Row* rows, int count, std::string& text, std::vector<int>& offsets,
                  std::vector<const char*>& values) {
  text.clear();
  offsets.clear();
  for (int i = 0; i < count; ++i) {
    offsets.push_back(static_cast<int>(text.size()));
    pg_bench::append_number(text, rows[i].a);
    text += '\0';
    offsets.push_back(static_cast<int>(text.size()));
    text += rows[i].b;
    text += '\0';
    offsets.push_back(static_cast<int>(text.size()));
    pg_bench::append_number(text, rows[i].c);
    text += '\0';
  }
  values.clear();
  for (const int off : offsets) values.push_back(text.data() + off);
}

std::string multi_values_sql(int rows) {
  std::string sql = "INSERT INTO bench_bulk (a, b, c) VALUES ";
  for (int i = 0; i < rows; ++i) {
    if (i > 0) sql += ", ";
    sql += "($" + std::to_string(3 * i + 1) + ", $" + std::to_string(3 * i + 2) + ", $" +
           std::to_string(3 * i + 3) + ")";
  }
  return sql;
}

// One prepared 1000-row INSERT per batch (the row count divides evenly).
void raw_multi_values(const pg_bench::RawConnection& conn, const std::vector<Row>& rows) {
  std::string text;
  std::vector<int> offsets;
  std::vector<const char*> values;
  conn.exec("BEGIN");
  for (std::size_t start = 0; start < rows.size(); start += batch_rows) {
    format_batch(&rows[start], batch_rows, text, offsets, values);
    pg_bench::checked(conn.get(),
                      PQexecPrepared(conn.get(), "multi", static_cast<int>(values.size()),
                                     values.data(), nullptr, nullptr, 0),
                      "multi-VALUES INSERT");
  }
  conn.exec("COMMIT");
}

// A prepared one-row INSERT sent once per row in pipeline mode, a sync (and so one round trip)
// per 1000 rows.
void raw_pipeline(const pg_bench::RawConnection& conn, const std::vector<Row>& rows) {
  PGconn* pg = conn.get();
  std::string text;
  std::vector<int> offsets;
  std::vector<const char*> values;
  conn.exec("BEGIN");
  if (PQenterPipelineMode(pg) != 1) throw std::runtime_error("PQenterPipelineMode failed");
  for (std::size_t start = 0; start < rows.size(); start += batch_rows) {
    format_batch(&rows[start], batch_rows, text, offsets, values);
    for (int i = 0; i < batch_rows; ++i) {
      if (PQsendQueryPrepared(pg, "one", 3, &values[3 * i], nullptr, nullptr, 0) != 1) {
        throw std::runtime_error(std::string("PQsendQueryPrepared: ") + PQerrorMessage(pg));
      }
    }
    if (PQpipelineSync(pg) != 1) throw std::runtime_error("PQpipelineSync failed");
    // Each query's result is followed by a null; the batch ends at the sync's own result.
    for (;;) {
      PGresult* res = PQgetResult(pg);
      if (res == nullptr) continue;
      const bool synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
      pg_bench::checked(pg, res, "pipelined INSERT");
      if (synced) break;
    }
  }
  if (PQexitPipelineMode(pg) != 1) throw std::runtime_error("PQexitPipelineMode failed");
  conn.exec("COMMIT");
}

}  // namespace

int main() {
  const std::string url = pg_bench::server_url();
  const std::vector<Row> rows = pg_bulk::make_rows(pg_bulk::total_rows);

  pg_bench::RawConnection admin(url);
  pg_bulk::create_table(admin);
  const auto truncate = [&] { admin.exec("TRUNCATE bench_bulk"); };

  pg_bench::RawConnection raw(url);
  pg_bench::checked(
      raw.get(),
      PQprepare(raw.get(), "multi", multi_values_sql(batch_rows).c_str(), 3 * batch_rows, nullptr),
      "prepare multi");
  pg_bench::checked(raw.get(),
                    PQprepare(raw.get(), "one",
                              "INSERT INTO bench_bulk (a, b, c) VALUES ($1, $2, $3)", 3, nullptr),
                    "prepare one");

  // Athanor: the rows as the Params a caller hands to executemany, built outside the timing
  auto engine = sa::create_engine(url);
  auto conn = engine.connect();
  const auto insert = sa::text("INSERT INTO bench_bulk (a, b, c) VALUES (:a, :b, :c)");
  std::vector<sa::Params> params;
  params.reserve(rows.size());
  for (const Row& row : rows) params.push_back({{"a", row.a}, {"b", row.b}, {"c", row.c}});

  std::vector<bench::Contender> contenders = {
      {"raw libpq COPY FROM STDIN (text format)", [&] { pg_bulk::raw_copy(raw.get(), rows); }},
      {"raw libpq prepared 1000-row multi-VALUES", [&] { raw_multi_values(raw, rows); }},
      {"raw libpq pipeline, sync per 1000 rows", [&] { raw_pipeline(raw, rows); }},
      {"Athanor execute(text(INSERT), rows)",
       [&] {
         conn.execute(insert, params);
         conn.commit();
       }},
  };
  bench::measure(contenders, pg_bulk::rounds, pg_bulk::total_rows, truncate);

  pg_bench::add_python_peer(contenders, "psycopg2_executemany.py",
                            {"psycopg2 execute_values, page 1000 (py)"});
  pg_bench::add_python_peer(
      contenders, "sqlalchemy_postgres_executemany.py",
      {"SQLAlchemy 1.4 insert() executemany (py)", "SQLAlchemy 1.4 text() executemany (py) *"});
  truncate();

  bench::print_table(
      "PostgreSQL executemany: 200,000 rows of (integer, text, double) into an "
      "empty table, ns per row",
      contenders, contenders.front().best_ns_per_op, /*with_client_cpu=*/true);
  std::printf("  * 10,000 rows per pass (it runs one statement per row), per-row figure\n");
  return 0;
}
