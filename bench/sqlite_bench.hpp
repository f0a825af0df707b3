// What the SQLite benchmarks share: the table they read, built the same way for every contender.
// No <sqlite3.h> here: the SOCI contenders include SOCI's SQLite header, which re-declares that
// API inside a namespace.
#pragma once

#include <string>

namespace sqlite_bench {

constexpr const char* create_sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)";

// Fills t with rows 1..rows of (n, 'name_' || n, n * 0.5), in one statement.
inline std::string fill_sql(long rows) {
  return "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " +
         std::to_string(rows) + ") INSERT INTO t SELECT n, 'name_' || n, n * 0.5 FROM g";
}

}  // namespace sqlite_bench
