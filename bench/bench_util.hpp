// Timing helpers shared by the benchmarks: best-of-N wall time per operation, and the table that
// prints each contender's ratio to the physical limit (the raw C driver API).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace bench {

struct Contender {
  std::string name;
  std::function<void()> run;  // one full measured pass
  double best_ns_per_op = 0;
};

// Runs every contender `rounds` times, interleaved so that machine noise spreads evenly, and keeps
// each one's best pass.
inline void measure(std::vector<Contender>& contenders, int rounds, long ops_per_pass) {
  for (auto& c : contenders) c.best_ns_per_op = 1e300;
  for (int r = 0; r < rounds; ++r) {
    for (auto& c : contenders) {
      const auto start = std::chrono::steady_clock::now();
      c.run();
      const std::chrono::duration<double, std::nano> took =
          std::chrono::steady_clock::now() - start;
      c.best_ns_per_op =
          std::min(c.best_ns_per_op, took.count() / static_cast<double>(ops_per_pass));
    }
  }
}

inline void print_table(const std::string& title, const std::vector<Contender>& contenders,
                        double limit_ns, const char* ratio_header = "x raw C") {
  std::printf("\n%s\n", title.c_str());
  std::printf("  %-40s %12s %10s\n", "contender", "ns/op", ratio_header);
  for (const auto& c : contenders) {
    std::printf("  %-40s %12.1f %9.2fx\n", c.name.c_str(), c.best_ns_per_op,
                c.best_ns_per_op / limit_ns);
  }
}

}  // namespace bench
