// Built against an installed Athanor by tools/test.sh: proves the headers, the library and the
// CMake package config work outside this source tree.
#include <athanor/athanor.hpp>

#include <cstdio>

namespace sa = athanor;

int main() {
  auto engine = sa::create_engine("sqlite://");
  auto conn = engine.connect();
  const auto answer = conn.execute(sa::text("SELECT :x + 1"), {{"x", 41}}).scalar_one<int>();
  std::printf("consumer: SELECT 41 + 1 = %d\n", answer);
  return answer == 42 ? 0 : 1;
}
