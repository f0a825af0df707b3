// What the PostgreSQL bulk-load benchmarks (pg_executemany.cpp, pg_copy.cpp) share: the rows,
// the table, and the limit they are measured against, raw libpq COPY.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pg_bench.hpp"

namespace pg_bulk {

constexpr long total_rows = 200'000;
constexpr int rounds = 5;
constexpr const char* create_sql =
    "CREATE TABLE bench_bulk (a integer, b text, c double precision)";
constexpr const char* copy_sql = "COPY bench_bulk (a, b, c) FROM STDIN";

struct Row {
  std::int64_t a;
  std::string b;
  double c;
};

// The same rows the Python peers build: (i, 'row_<i>', i * 0.25).
inline std::vector<Row> make_rows(long n) {
  std::vector<Row> rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) rows.push_back({i, "row_" + std::to_string(i), i * 0.25});
  return rows;
}

inline void create_table(const pg_bench::RawConnection& conn) {
  conn.exec("SET client_min_messages = warning");
  conn.exec("DROP TABLE IF EXISTS bench_bulk");
  conn.exec(create_sql);
}

// Appends text in COPY's text format: backslash, tab, newline and carriage return escaped.
inline void append_copy_text(std::string& out, std::string_view s) {
  for (const char ch : s) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += ch;
    }
  }
}

// The limit: COPY ... FROM STDIN, the rows formatted into COPY's text format inside the pass (a
// client has to format them from its own values, as every other contender does) and sent with
// PQputCopyData in 64 KiB chunks.
inline void raw_copy(PGconn* conn, const std::vector<Row>& rows) {
  pg_bench::checked(conn, PQexec(conn, copy_sql), copy_sql);
  constexpr std::size_t chunk = 64 * 1024;
  std::string buf;
  buf.reserve(chunk + 256);
  const auto flush = [&] {
    if (PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) {
      throw std::runtime_error(std::string("PQputCopyData: ") + PQerrorMessage(conn));
    }
    buf.clear();
  };
  for (const Row& row : rows) {
    pg_bench::append_number(buf, row.a);
    buf += '\t';
    append_copy_text(buf, row.b);
    buf += '\t';
    pg_bench::append_number(buf, row.c);
    buf += '\n';
    if (buf.size() >= chunk) flush();
  }
  if (!buf.empty()) flush();
  if (PQputCopyEnd(conn, nullptr) != 1) {
    throw std::runtime_error(std::string("PQputCopyEnd: ") + PQerrorMessage(conn));
  }
  pg_bench::checked(conn, PQgetResult(conn), "COPY");
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
}

}  // namespace pg_bulk
