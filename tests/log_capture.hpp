// LogCapture: every test's view of Athanor's log. While alive it is the process-wide sa::log
// sink and keeps every record (from any thread: pools log from their own); it restores the
// default sink when it goes.
//
// lines() gives the engine's messages with the timing in cache badges replaced by "...", so a
// transcript can be compared exactly: "[generated in 0.00012s] (2,)" → "[generated in ...] (2,)".
#pragma once

#include <athanor/log.hpp>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::testing {

struct LogRecord {
  std::string logger;
  log::Level level;
  std::string message;
};

// Replaces the timings of cache badges by "...".
inline std::string normalize_badges(const std::string& line) {
  static const std::regex generated(R"(\[generated in \d+\.\d{5}s\])");
  static const std::regex cached(R"(\[cached since [0-9.e+-]+s ago\])");
  static const std::regex no_key(R"(\[no key \d+\.\d{5}s\])");
  static const std::regex disabled(R"(\[caching disabled \d+\.\d{5}s\])");
  std::string out = std::regex_replace(line, generated, "[generated in ...]");
  out = std::regex_replace(out, cached, "[cached since ...]");
  out = std::regex_replace(out, no_key, "[no key ...]");
  return std::regex_replace(out, disabled, "[caching disabled ...]");
}

class LogCapture {
 public:
  // The state is shared with the sink, so a record logged by another thread while this capture
  // goes away lands in memory that is still there.
  LogCapture() : state_(std::make_shared<State>()) {
    log::set_sink([state = state_](const log::Record& r) {
      std::lock_guard lock(state->mutex);
      state->records.push_back({std::string(r.logger), r.level, std::string(r.message)});
    });
  }
  ~LogCapture() { log::set_sink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<LogRecord> records() const {
    std::lock_guard lock(state_->mutex);
    return state_->records;
  }
  // Every message, of every logger, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (LogRecord& r : records()) out.push_back(std::move(r.message));
    return out;
  }
  // The messages of the logger named exactly `logger`, in order.
  std::vector<std::string> messages(std::string_view logger) const {
    std::vector<std::string> out;
    for (LogRecord& r : records()) {
      if (r.logger == logger) out.push_back(std::move(r.message));
    }
    return out;
  }
  // How many messages (of every logger) contain `needle`.
  int count(std::string_view needle) const {
    int n = 0;
    for (const LogRecord& r : records()) n += r.message.find(needle) != std::string::npos;
    return n;
  }
  // The engine logger's messages ("athanor.engine.Engine[.<name>]"), badges normalized.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const std::string& m : raw_lines()) out.push_back(normalize_badges(m));
    return out;
  }
  // The same, verbatim.
  std::vector<std::string> raw_lines() const {
    std::vector<std::string> out;
    for (LogRecord& r : records()) {
      if (r.logger.starts_with("athanor.engine.Engine")) out.push_back(std::move(r.message));
    }
    return out;
  }
  void clear() {
    std::lock_guard lock(state_->mutex);
    state_->records.clear();
  }

 private:
  struct State {
    mutable std::mutex mutex;
    std::vector<LogRecord> records;
  };
  std::shared_ptr<State> state_;
};

}  // namespace athanor::testing
