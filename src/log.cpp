#include "athanor/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

namespace athanor::log {

namespace {

// Python logging's default "%(asctime)s %(levelname)s %(name)s %(message)s".
void write_to_stderr(const Record& r) {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const auto secs = std::chrono::floor<std::chrono::seconds>(now);
  const std::string line = fmt::format("{:%Y-%m-%d %H:%M:%S},{:03d} {} {} {}\n", secs, ms,
                                       level_name(r.level), r.logger, r.message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::mutex sink_mutex;
std::shared_ptr<const Sink> current_sink;

}  // namespace

void set_sink(Sink sink) {
  std::shared_ptr<const Sink> next = sink ? std::make_shared<const Sink>(std::move(sink)) : nullptr;
  std::lock_guard lock(sink_mutex);
  current_sink = std::move(next);
}

void emit(std::string_view logger, Level level, std::string_view message) {
  std::shared_ptr<const Sink> sink;
  {
    std::lock_guard lock(sink_mutex);
    sink = current_sink;
  }
  const Record record{logger, level, message};
  if (sink) {
    (*sink)(record);
  } else {
    write_to_stderr(record);
  }
}

std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::debug:
      return "DEBUG";
    case Level::info:
      return "INFO";
    case Level::warning:
      return "WARNING";
    case Level::error:
      return "ERROR";
  }
  return "INFO";
}

}  // namespace athanor::log
