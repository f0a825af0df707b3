// Pool checkout+checkin per cycle: Athanor's QueuePool (every semantic at its default) and
// engine.connect()+close() on a SQLite file, uncontended and with 2 and 8 threads, against a bare
// mutex free-list pool (the physical limit), SOCI's connection_pool and SQLAlchemy 1.4's QueuePool
// and engine.connect()/close() (Debian's python3-sqlalchemy, run by /usr/bin/python3).
#include <unistd.h>

#include <athanor/athanor.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
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

std::pair<double, double> sqlalchemy_ns() {
  const std::string cmd = std::string("/usr/bin/python3 ") + ATHANOR_BENCH_PEERS_DIR +
                          "/sqlalchemy_pool_checkout.py 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  double pool = 0, engine = 0;
  if (!pipe || std::fscanf(pipe.get(), "%lf %lf", &pool, &engine) != 2) return {0, 0};
  return {pool, engine};
}

}  // namespace

int main() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("athanor-bench-pool-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pool.db").string();
  auto engine = sa::create_engine("sqlite:///" + path, {.max_overflow = 10});
  engine.connect().close();
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
  const auto [sqlalchemy_pool, sqlalchemy_engine] = sqlalchemy_ns();

  for (int threads : {1, 2, 8}) {
    std::vector<bench::Contender> contenders{
        {"bare mutex free-list pool", threaded(threads, bare_cycles)},
        {"athanor QueuePool connect+close", threaded(threads, pool_cycles)},
        {"athanor engine.connect()+close()", threaded(threads, engine_cycles)},
    };
    if (threads == 1) contenders.push_back({"SOCI connection_pool", threaded(1, soci_cycles)});
    bench::measure(contenders, 5, cycles);
    if (threads == 1) {
      contenders.push_back({"SQLAlchemy 1.4 QueuePool (python3)", nullptr, sqlalchemy_pool});
      contenders.push_back(
          {"SQLAlchemy 1.4 engine.connect/close (python3)", nullptr, sqlalchemy_engine});
    }
    bench::print_table(
        "pool checkout+checkin, 1,000,000 cycles, " + std::to_string(threads) + " thread(s)",
        contenders, contenders.front().best_ns_per_op);
  }
  std::filesystem::remove_all(dir);
}
