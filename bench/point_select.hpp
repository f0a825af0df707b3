// What bench/point_select.cpp shares with its SOCI contender, which lives in a file of its own
// because SOCI's SQLite header re-declares the sqlite3 API inside a namespace.
#pragma once

#include <cstddef>
#include <functional>

namespace point_select {

constexpr int table_rows = 10'000;
constexpr long executions = 200'000;
constexpr const char* create_sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)";
constexpr const char* select_sql = "SELECT id, name, value FROM t WHERE id = :id";
constexpr const char* select_qmark = "SELECT id, name, value FROM t WHERE id = ?";

// The ids looked up: spread over the table, the same sequence for everyone.
inline long id_at(long i) {
  return (i * 7919) % table_rows + 1;
}

// What every contender folds the values into, so no read can be optimised away.
struct Sink {
  long long ints = 0;
  std::size_t chars = 0;
  double reals = 0;
};

// Builds SOCI's database and returns one measured pass over it.
std::function<void()> make_soci_pass(Sink& sink);

}  // namespace point_select
