// Built against an installed Athanor by tools/test.sh: proves the headers, the library and the
// CMake package config work outside this source tree.
#include <athanor/athanor.hpp>
#include <athanor/dialects/postgresql.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace sa = athanor;

int main() {
  auto engine = sa::create_engine("sqlite://");
  auto conn = engine.connect();
  const auto answer = conn.execute(sa::text("SELECT :x + 1"), {{"x", 41}}).scalar_one<int>();
  std::printf("consumer: SELECT 41 + 1 = %d\n", answer);
  // The PostgreSQL bulk load is installed and links; on SQLite it refuses with its own error.
  const std::vector<std::string> columns = {"x"};
  try {
    sa::dialects::postgresql::copy_from(conn, "t", columns, std::vector<std::vector<sa::Value>>{});
    return 1;
  } catch (const sa::exc::ArgumentError& e) {
    std::printf("consumer: %s\n", e.what());
  }
  return answer == 42 ? 0 : 1;
}
