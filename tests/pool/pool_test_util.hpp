// Helpers for the pool tests: a temporary SQLite file.
#pragma once

#include <unistd.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace pool_test {

namespace sa = athanor;

class TempDb {
 public:
  TempDb() {
    path_ = std::filesystem::temp_directory_path() /
            ("athanor-pooltest-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDb() { std::filesystem::remove_all(path_); }
  std::string url() const { return "sqlite:///" + (path_ / "pool.db").string(); }

 private:
  static inline std::atomic<int> counter_{0};
  std::filesystem::path path_;
};

}  // namespace pool_test
