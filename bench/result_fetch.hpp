// What bench/result_fetch.cpp shares with its SOCI contender, which lives in a file of its own
// because SOCI's SQLite header re-declares the sqlite3 API inside a namespace.
#pragma once

#include <cstddef>
#include <functional>

namespace result_fetch {

constexpr long table_rows = 1'000'000;
constexpr const char* create_sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)";
constexpr const char* select_sql = "SELECT id, name, value FROM t";

// What every contender folds the values into, so no read can be optimised away.
struct Sink {
  long long ints = 0;
  std::size_t chars = 0;
  double reals = 0;
};

// Builds SOCI's database and returns one measured pass (every row read) over it.
std::function<void()> make_soci_pass(Sink& sink);

}  // namespace result_fetch
