// Helpers for the pool tests: a temporary SQLite file, and a log sink that keeps the lines.
#pragma once

#include <unistd.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <filesystem>
#include <mutex>
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

struct LogLine {
  std::string logger;
  sa::log::Level level;
  std::string message;
};

// Captures every log record while alive; restores the default sink after.
class LogCapture {
 public:
  LogCapture() {
    sa::log::set_sink([this](const sa::log::Record& r) {
      std::lock_guard lock(mutex_);
      lines_.push_back({std::string(r.logger), r.level, std::string(r.message)});
    });
  }
  ~LogCapture() { sa::log::set_sink({}); }
  std::vector<LogLine> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // Messages of `logger`, in order.
  std::vector<std::string> messages(std::string_view logger) const {
    std::vector<std::string> out;
    for (const auto& l : lines()) {
      if (l.logger == logger) out.push_back(l.message);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<LogLine> lines_;
};

}  // namespace pool_test
