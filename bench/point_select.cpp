// Issue 2's figure: 200,000 executions of `SELECT id, name, value FROM t WHERE id = :id` on a
// 10,000-row in-memory SQLite table, each result fully fetched and every value touched.
// Contenders, in one run: the raw sqlite3 C API reusing one prepared statement (the limit),
// Athanor's text() path, SQLiteCpp, SOCI, and SQLAlchemy 1.4's text() (Debian's
// python3-sqlalchemy, run by /usr/bin/python3 from this program).
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <athanor/athanor.hpp>

#include <cstdio>
#include <string>

#include "bench_util.hpp"
#include "point_select.hpp"
#include "sqlite_raw.hpp"

namespace sa = athanor;

namespace {

using namespace point_select;

void fill(sqlite3* db) {
  sqlite3_exec(db, sqlite_bench::create_sql, nullptr, nullptr, nullptr);
  sqlite3_exec(db, sqlite_bench::fill_sql(bench::point_table_rows).c_str(), nullptr, nullptr,
               nullptr);
}

}  // namespace

int main() {
  Sink sink;

  // raw sqlite3: one prepared statement, bind / step / read / reset
  sqlite3* raw_db = sqlite_bench::open_raw_memory();
  fill(raw_db);
  sqlite3_stmt* raw_stmt;
  sqlite3_prepare_v2(raw_db, select_qmark, -1, &raw_stmt, nullptr);
  // The same inside one open transaction, as a Connection runs (autobegin): SQLite then skips
  // starting and ending a read transaction per statement.
  sqlite3* txn_db = sqlite_bench::open_raw_memory();
  fill(txn_db);
  sqlite3_exec(txn_db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* txn_stmt;
  sqlite3_prepare_v2(txn_db, select_qmark, -1, &txn_stmt, nullptr);
  const auto raw_pass = [&sink](sqlite3_stmt* st) {
    for (long i = 0; i < executions; ++i) {
      sqlite3_bind_int64(st, 1, bench::point_id(i));
      while (sqlite3_step(st) == SQLITE_ROW) {
        sink.ints += sqlite3_column_int64(st, 0);
        sink.chars += static_cast<std::size_t>(sqlite3_column_bytes(st, 1));
        sink.chars += sqlite3_column_text(st, 1)[0];
        sink.reals += sqlite3_column_double(st, 2);
      }
      sqlite3_reset(st);
    }
  };

  // Athanor: text() on a Connection, commit-as-you-go (one implicit transaction)
  auto engine = sa::create_engine("sqlite://");
  auto conn = engine.connect();
  fill(static_cast<sqlite3*>(conn.connection().native_handle()));
  const auto stmt = sa::text(select_sql);

  // SQLiteCpp
  SQLite::Database cpp_db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  fill(cpp_db.getHandle());
  SQLite::Statement cpp_stmt(cpp_db, select_qmark);

  std::vector<bench::Contender> contenders = {
      {"raw sqlite3 C API (prepared once)", [&] { raw_pass(raw_stmt); }},
      {"raw sqlite3 C API, inside one BEGIN", [&] { raw_pass(txn_stmt); }},
      {"Athanor text() + Connection.execute",
       [&] {
         for (long i = 0; i < executions; ++i) {
           for (const sa::Row& row : conn.execute(stmt, {{"id", bench::point_id(i)}})) {
             sink.add(row.get<std::int64_t>(0), row.get<std::string_view>(1), row.get<double>(2));
           }
         }
       }},
      {"SQLiteCpp Statement (prepared once)",
       [&] {
         for (long i = 0; i < executions; ++i) {
           cpp_stmt.bind(1, static_cast<int64_t>(bench::point_id(i)));
           while (cpp_stmt.executeStep()) {
             sink.ints += cpp_stmt.getColumn(0).getInt64();
             const char* name = cpp_stmt.getColumn(1).getText();
             sink.chars += static_cast<std::size_t>(cpp_stmt.getColumn(1).getBytes()) + name[0];
             sink.reals += cpp_stmt.getColumn(2).getDouble();
           }
           cpp_stmt.reset();
         }
       }},
      {"SOCI statement (prepared once)", make_soci_pass(sink)},
  };
  bench::measure(contenders, 5, executions);
  contenders.push_back({"SQLAlchemy 1.4 text() (python3)", nullptr,
                        bench::python_peer_ns("sqlalchemy_point_select.py")});

  const double limit = contenders.front().best_ns_per_op;
  bench::print_table("point select: 200,000 x " + std::string(select_sql) +
                         " on a 10,000-row in-memory table, fully fetched",
                     contenders, limit);
  std::printf("  Athanor / raw inside one BEGIN: %.2fx\n",
              contenders[2].best_ns_per_op / contenders[1].best_ns_per_op);
  std::printf("  (checksum %lld %zu %.1f)\n", sink.ints, sink.chars, sink.reals);

  sqlite3_finalize(raw_stmt);
  sqlite3_close(raw_db);
  sqlite3_finalize(txn_stmt);
  sqlite3_close(txn_db);
  return 0;
}
