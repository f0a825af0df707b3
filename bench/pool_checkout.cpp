// Pool checkout+checkin per cycle: Athanor's QueuePool (every semantic at its default) and
// engine.connect()+close() on a SQLite file, uncontended and with 2 and 8 threads, against a bare
// mutex free-list pool (the physical limit), SOCI's connection_pool and SQLAlchemy 1.4's QueuePool
// and engine.connect()/close() (Debian's python3-sqlalchemy, run by /usr/bin/python3, 20,000
// cycles per pass). Ratios are to the bare pool.
#include <unistd.h>

#include <athanor/athanor.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "pool_checkout.hpp"

namespace sa = athanor;

namespace {

constexpr long cycles = 1'000'000;

// The least a pool can do: a mutex and a free list.
class BarePool {
 public:
  explicit BarePool(int n) {
    for (int i = 0; i < n; ++i) free_.push_back(&slots_[static_cast<std::size_t>(i)]);
  }
  int* get() {
    std::lock_guard lock(mutex_);
    int* s = free_.back();
    free_.pop_back();
    return s;
  }
  void put(int* s) {
    std::lock_guard lock(mutex_);
    free_.push_back(s);
  }

 private:
  std::mutex mutex_;
  std::array<int, 64> slots_{};
  std::vector<int*> free_;
};

// `cycles` in all, split over `threads`.
std::function<void()> threaded(int threads, std::function<void(long)> cycle) {
  return [threads, cycle] {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) ts.emplace_back(cycle, cycles / threads);
    for (auto& t : ts) t.join();
  };
}

struct PeerFigures {
  double pool = 0, engine = 0;  // ns per cycle; 0 when the peer could not run
};

// SQLAlchemy's figures per thread count, from one run of the peer script.
std::map<int, PeerFigures> sqlalchemy_ns() {
  const bench::PeerOutput out = bench::run_python_peer("sqlalchemy_pool_checkout.py 1 2 8");
  std::map<int, PeerFigures> figures;
  int threads;
  PeerFigures f;
  while (out && std::fscanf(out.get(), "%d %lf %lf", &threads, &f.pool, &f.engine) == 3) {
    figures[threads] = f;
  }
  return figures;
}

// `bench_pool_checkout pool|engine N`: only N cycles of that loop, reporting process CPU time
// per cycle, for callgrind or perf (and CPU time, which a loaded machine inflates less than wall
// time).
int profile(const std::string& which, long n, sa::Engine& engine) {
  timespec start{}, end{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
  if (which == "pool") {
    for (long i = 0; i < n; ++i) engine.pool().connect().close();
  } else {
    for (long i = 0; i < n; ++i) engine.connect().close();
  }
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
  const double ns = static_cast<double>(end.tv_sec - start.tv_sec) * 1e9 +
                    static_cast<double>(end.tv_nsec - start.tv_nsec);
  std::printf("%s: %.1f ns CPU time per cycle over %ld cycles\n", which.c_str(),
              ns / static_cast<double>(n), n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("athanor-bench-pool-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pool.db").string();
  auto engine = sa::create_engine("sqlite:///" + path, {.max_overflow = 10});
  engine.connect().close();
  if (argc == 3) {
    const int rc = profile(argv[1], std::atol(argv[2]), engine);
    std::filesystem::remove_all(dir);
    return rc;
  }
  sa::Pool& pool = engine.pool();
  BarePool bare(15);
  auto soci_cycles = pool_checkout::make_soci_cycles(path);

  const auto bare_cycles = [&bare](long n) {
    for (long i = 0; i < n; ++i) bare.put(bare.get());
  };
  const auto pool_cycles = [&pool](long n) {
    for (long i = 0; i < n; ++i) pool.connect().close();
  };
  const auto engine_cycles = [&engine](long n) {
    for (long i = 0; i < n; ++i) engine.connect().close();
  };
  const auto sqlalchemy = sqlalchemy_ns();

  for (int threads : {1, 2, 8}) {
    std::vector<bench::Contender> contenders{
        {"bare mutex free-list pool", threaded(threads, bare_cycles)},
        {"athanor QueuePool connect+close", threaded(threads, pool_cycles)},
        {"athanor engine.connect()+close()", threaded(threads, engine_cycles)},
        {"SOCI connection_pool session", threaded(threads, soci_cycles)},
    };
    bench::measure(contenders, 5, cycles);
    const PeerFigures peer = sqlalchemy.contains(threads) ? sqlalchemy.at(threads) : PeerFigures{};
    contenders.push_back({"SQLAlchemy 1.4 QueuePool (python3)", nullptr, peer.pool});
    contenders.push_back({"SQLAlchemy 1.4 engine connect+close (py)", nullptr, peer.engine});
    bench::print_table(
        "pool checkout+checkin, 1,000,000 cycles, " + std::to_string(threads) + " thread(s)",
        contenders, contenders.front().best_ns_per_op, false, "x bare");
    if (peer.pool > 0) {
      std::printf("  SQLAlchemy / athanor: QueuePool %.0fx, engine.connect()+close() %.0fx\n",
                  peer.pool / contenders[1].best_ns_per_op,
                  peer.engine / contenders[2].best_ns_per_op);
    }
  }
  std::filesystem::remove_all(dir);
}
