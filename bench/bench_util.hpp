// What the benchmarks share: best-of-N wall time per operation, the table that prints each
// contender's ratio to the physical limit (the raw C driver API), the sink every contender folds
// the values it reads into, and the Python peers run as subprocesses.
#pragma once

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else  // without valgrind's headers run_instrumented() just runs, uninstrumented
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// What every contender folds the values it reads into, so that no read can be optimised away:
// each row's integer, its text's length and first byte, and its real.
struct Sink {
  long long ints = 0;
  std::size_t chars = 0;
  double reals = 0;

  void add(std::int64_t id, std::string_view name, double value) {
    ints += id;
    chars += name.size() + static_cast<unsigned char>(name[0]);
    reals += value;
  }
};

// The ids the point-select benchmarks look up in their 10,000-row tables: spread over the table,
// the same sequence for every contender (the Python peers use the same formula).
inline constexpr int point_table_rows = 10'000;
inline long point_id(long i) {
  return (i * 7919) % point_table_rows + 1;
}

// The standard output of `/usr/bin/python3 <bench/peers>/<script_and_args>`, to read the figures
// a peer prints; the peer inherits the environment (a server's URL included) and the CPU affinity.
// Its standard error stays visible, so a peer that fails says why (and its figures read as 0).
using PeerOutput = std::unique_ptr<FILE, int (*)(FILE*)>;
inline PeerOutput run_python_peer(const std::string& script_and_args) {
  const std::string cmd =
      std::string("/usr/bin/python3 ") + ATHANOR_BENCH_PEERS_DIR + "/" + script_and_args;
  return PeerOutput(popen(cmd.c_str(), "r"), pclose);
}
// The one figure (ns per operation) a peer prints; 0 when it could not run.
inline double python_peer_ns(const std::string& script) {
  const PeerOutput out = run_python_peer(script);
  double ns = 0;
  if (!out || std::fscanf(out.get(), "%lf", &ns) != 1) return 0;
  return ns;
}

struct Contender {
  std::string name;
  std::function<void()> run;  // one full measured pass
  double best_ns_per_op = 0;
  // This process's CPU time per operation in its cheapest pass: the client library's own cost,
  // without the server's work or the time spent waiting for it (the steadier figure on a loaded
  // machine for client-server databases).
  double best_cpu_ns_per_op = 0;
};

// Runs every contender `rounds` times, interleaved so that machine noise spreads evenly, and keeps
// each one's best pass. `before_each_pass`, when given, runs untimed before every pass (e.g. to
// empty the table a bulk load fills).
inline void measure(std::vector<Contender>& contenders, int rounds, long ops_per_pass,
                    const std::function<void()>& before_each_pass = {}) {
  for (auto& c : contenders) c.best_ns_per_op = c.best_cpu_ns_per_op = 1e300;
  for (int r = 0; r < rounds; ++r) {
    for (auto& c : contenders) {
      if (before_each_pass) before_each_pass();
      const std::clock_t cpu_start = std::clock();
      const auto start = std::chrono::steady_clock::now();
      c.run();
      const std::chrono::duration<double, std::nano> took =
          std::chrono::steady_clock::now() - start;
      const double cpu_ns = static_cast<double>(std::clock() - cpu_start) * 1e9 / CLOCKS_PER_SEC;
      c.best_ns_per_op =
          std::min(c.best_ns_per_op, took.count() / static_cast<double>(ops_per_pass));
      c.best_cpu_ns_per_op =
          std::min(c.best_cpu_ns_per_op, cpu_ns / static_cast<double>(ops_per_pass));
    }
  }
}

// `with_client_cpu` adds each contender's client CPU time per operation and its ratio to the
// first contender's.
// Runs one contender twice, a warm-up and then a pass with callgrind's instrumentation on around
// it alone: instruction counts are steady where wall time on a shared VM is not. Use with
//   valgrind --tool=callgrind --instr-atstart=no <benchmark> N
inline void run_instrumented(const Contender& c) {
  c.run();
  CALLGRIND_START_INSTRUMENTATION;
  c.run();
  CALLGRIND_STOP_INSTRUMENTATION;
}

inline void print_table(const std::string& title, const std::vector<Contender>& contenders,
                        double limit_ns, bool with_client_cpu = false,
                        const char* ratio_header = "x raw C") {
  std::printf("\n%s\n", title.c_str());
  std::printf("  %-40s %12s %10s", "contender", "ns/op", ratio_header);
  if (with_client_cpu) std::printf(" %14s %10s", "client CPU ns", ratio_header);
  std::printf("\n");
  for (const auto& c : contenders) {
    std::printf("  %-40s %12.1f %9.2fx", c.name.c_str(), c.best_ns_per_op,
                c.best_ns_per_op / limit_ns);
    if (with_client_cpu) {
      std::printf(" %14.1f %9.2fx", c.best_cpu_ns_per_op,
                  c.best_cpu_ns_per_op / contenders.front().best_cpu_ns_per_op);
    }
    std::printf("\n");
  }
}

}  // namespace bench
