// Issue 5's point-select figure: 20,000 executions of
// `SELECT id, name, value FROM bench_point WHERE id = $1` on a 10,000-row PostgreSQL table, each
// result fully fetched and every value read and converted (integer, text, double).
// Contenders, in one run: raw libpq PQexecPrepared in a loop (the limit), the same inside one
// BEGIN (a Connection always works inside a transaction), Athanor's text() path, libpqxx's
// prepared statement, SOCI's postgresql backend, and psycopg2 and SQLAlchemy 1.4 (Debian's
// packages, run by /usr/bin/python3 from this program).
// Run it pinned to one core with the server (tools/bench.sh does): see pg_bench.hpp.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <athanor/athanor.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <string>

#include "bench_util.hpp"
#include "pg_bench.hpp"

namespace sa = athanor;

namespace {

constexpr long executions = 20'000;
constexpr int rounds = 5;
constexpr const char* select_named = "SELECT id, name, value FROM bench_point WHERE id = :id";
constexpr const char* select_dollar = "SELECT id, name, value FROM bench_point WHERE id = $1";

using bench::Sink;

void create_table(const pg_bench::RawConnection& conn) {
  conn.exec("SET client_min_messages = warning");
  conn.exec("DROP TABLE IF EXISTS bench_point");
  conn.exec("CREATE TABLE bench_point (id integer PRIMARY KEY, name text, value double precision)");
  conn.exec(
      "INSERT INTO bench_point SELECT i, 'name_' || i, i * 0.5 "
      "FROM generate_series(1, " +
      std::to_string(bench::point_table_rows) + ") AS i");
  conn.exec("VACUUM ANALYZE bench_point");
}

// PQexecPrepared of one named statement, text parameters and results, parsed into numbers.
void raw_pass(PGconn* conn, Sink& sink) {
  char id_text[24];
  const char* values[1] = {id_text};
  for (long i = 0; i < executions; ++i) {
    *std::to_chars(id_text, id_text + sizeof id_text - 1, bench::point_id(i)).ptr = '\0';
    pg_bench::Result res(PQexecPrepared(conn, "point", 1, values, nullptr, nullptr, 0), PQclear);
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
      throw std::runtime_error(PQerrorMessage(conn));
    }
    for (int r = 0, n = PQntuples(res.get()); r < n; ++r) {
      sink.ints += pg_bench::parse_number<long long>(PQgetvalue(res.get(), r, 0),
                                                     PQgetlength(res.get(), r, 0));
      sink.chars += static_cast<std::size_t>(PQgetlength(res.get(), r, 1)) +
                    static_cast<unsigned char>(PQgetvalue(res.get(), r, 1)[0]);
      sink.reals +=
          pg_bench::parse_number<double>(PQgetvalue(res.get(), r, 2), PQgetlength(res.get(), r, 2));
    }
  }
}

}  // namespace

int main() {
  const std::string url = pg_bench::server_url();
  Sink sink;

  pg_bench::RawConnection raw(url);
  create_table(raw);
  pg_bench::checked(raw.get(), PQprepare(raw.get(), "point", select_dollar, 1, nullptr), "prepare");
  pg_bench::RawConnection raw_txn(url);
  pg_bench::checked(raw_txn.get(), PQprepare(raw_txn.get(), "point", select_dollar, 1, nullptr),
                    "prepare");
  raw_txn.exec("BEGIN");

  // Athanor: text() on a Connection, commit-as-you-go (one implicit transaction)
  auto engine = sa::create_engine(url);
  auto conn = engine.connect();
  const auto stmt = sa::text(select_named);

  pqxx::connection pqxx_conn(url);
  pqxx_conn.prepare("point", select_dollar);

  soci::session soci_db(soci::postgresql, pg_bench::keyword_conninfo(url));
  long soci_id_in = 0;
  long long soci_id = 0;
  std::string soci_name;
  double soci_value = 0;
  soci::statement soci_stmt =
      (soci_db.prepare << select_named, soci::into(soci_id), soci::into(soci_name),
       soci::into(soci_value), soci::use(soci_id_in));

  std::vector<bench::Contender> contenders = {
      {"raw libpq PQexecPrepared (autocommit)", [&] { raw_pass(raw.get(), sink); }},
      {"raw libpq PQexecPrepared, in one BEGIN", [&] { raw_pass(raw_txn.get(), sink); }},
      {"Athanor text() + Connection.execute",
       [&] {
         for (long i = 0; i < executions; ++i) {
           for (const sa::Row& row : conn.execute(stmt, {{"id", bench::point_id(i)}})) {
             sink.add(row.get<std::int64_t>(0), row.get<std::string_view>(1), row.get<double>(2));
           }
         }
       }},
      {"libpqxx 6.4 exec_prepared",
       [&] {
         pqxx::nontransaction tx(pqxx_conn);
         for (long i = 0; i < executions; ++i) {
           const pqxx::result res = tx.exec_prepared("point", bench::point_id(i));
           for (const auto& row : res) {
             sink.ints += row[0].as<long long>();
             sink.chars += row[1].size() + static_cast<unsigned char>(row[1].c_str()[0]);
             sink.reals += row[2].as<double>();
           }
         }
       }},
      {"SOCI 4.0 postgresql, prepared once",
       [&] {
         for (long i = 0; i < executions; ++i) {
           soci_id_in = bench::point_id(i);
           if (soci_stmt.execute(true)) sink.add(soci_id, soci_name, soci_value);
         }
       }},
  };
  bench::measure(contenders, rounds, executions);
  pg_bench::add_python_peer(contenders, "psycopg2_point_select.py",
                            {"psycopg2 2.9 cursor.execute (python3)"});
  pg_bench::add_python_peer(contenders, "sqlalchemy_postgres_point_select.py",
                            {"SQLAlchemy 1.4 text(), psycopg2 (python3)"});

  const double limit = contenders.front().best_ns_per_op;
  bench::print_table("PostgreSQL point select: 20,000 x " + std::string(select_named) +
                         " on a 10,000-row table, fully fetched",
                     contenders, limit, /*with_client_cpu=*/true);
  std::printf("  Athanor / raw inside one BEGIN: %.2fx\n",
              contenders[2].best_ns_per_op / contenders[1].best_ns_per_op);
  std::printf("  (checksum %lld %zu %.1f)\n", sink.ints, sink.chars, sink.reals);
  return 0;
}
