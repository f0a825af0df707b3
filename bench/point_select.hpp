// What bench/point_select.cpp shares with its SOCI contender, which lives in a file of its own
// because SOCI's SQLite header re-declares the sqlite3 API inside a namespace.
#pragma once

#include <functional>

#include "bench_util.hpp"
#include "sqlite_bench.hpp"

namespace point_select {

using bench::Sink;

constexpr long executions = 200'000;
constexpr const char* select_sql = "SELECT id, name, value FROM t WHERE id = :id";
constexpr const char* select_qmark = "SELECT id, name, value FROM t WHERE id = ?";

// Builds SOCI's database and returns one measured pass over it.
std::function<void()> make_soci_pass(Sink& sink);

}  // namespace point_select
