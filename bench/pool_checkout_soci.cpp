// SOCI's connection_pool, in its own file: soci-sqlite3.h declares names that clash with
// sqlite3.h's (see point_select_soci.cpp).
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>

#include "pool_checkout.hpp"

namespace pool_checkout {

std::function<void(long)> make_soci_cycles(const std::string& path) {
  auto pool = std::make_shared<soci::connection_pool>(5);
  for (std::size_t i = 0; i < 5; ++i) pool->at(i).open(soci::sqlite3, "db=" + path);
  return [pool](long n) {
    for (long i = 0; i < n; ++i) {
      soci::session s(*pool);
    }
  };
}

}  // namespace pool_checkout
