// bench/pool_checkout: what the SOCI part (its own translation unit) offers the main program.
#pragma once

#include <functional>
#include <string>

namespace pool_checkout {

// n checkout+checkin cycles of a 5-session SOCI connection_pool on the SQLite file at `path`.
std::function<void(long)> make_soci_cycles(const std::string& path);

}  // namespace pool_checkout
