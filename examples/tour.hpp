// What the tour programs share: checking a documented outcome, echoing the log to stdout as
// SQLAlchemy's echo does, and a main() that reports the first outcome that did not hold.
#pragma once

#include <athanor/athanor.hpp>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tour {

namespace sa = athanor;

// A documented outcome that did not hold.
inline void expect(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("expected: " + what);
}

// Every log message so far, for checking what a page says the log shows.
inline std::vector<std::string>& log_lines() {
  static std::vector<std::string> lines;
  return lines;
}

// SQLAlchemy's echo writes to sys.stdout; Athanor's default sink writes to stderr. Routing the
// log to stdout keeps it interleaved with what the examples print, as in the pages' transcripts.
inline void echo_to_stdout() {
  sa::log::set_sink([](const sa::log::Record& r) {
    std::cout << sa::log::level_name(r.level) << ' ' << r.logger << ' ' << r.message << '\n';
    log_lines().emplace_back(r.message);
  });
}

// Whether a message logged since line `from` contains `text` (parameter lines begin with a cache
// badge whose timing varies).
inline bool logged(const std::string& text, std::size_t from = 0) {
  const auto& lines = log_lines();
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (lines[i].find(text) != std::string::npos) return true;
  }
  return false;
}

// main() for a tour program: runs it, and turns a failed expectation into exit status 1.
inline int run(const char* name, int (*program)()) {
  try {
    return program();
  } catch (const std::exception& e) {
    std::cerr << name << " tour failed: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace tour
