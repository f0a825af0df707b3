// What bench/result_fetch.cpp shares with its SOCI contender, which lives in a file of its own
// because SOCI's SQLite header re-declares the sqlite3 API inside a namespace.
#pragma once

#include <functional>

#include "bench_util.hpp"
#include "sqlite_bench.hpp"

namespace result_fetch {

using bench::Sink;

constexpr long table_rows = 1'000'000;
constexpr const char* select_sql = "SELECT id, name, value FROM t";

// Builds SOCI's database and returns one measured pass (every row read) over it.
std::function<void()> make_soci_pass(Sink& sink);

}  // namespace result_fetch
