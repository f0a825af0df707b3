// athanor/log.hpp — where Athanor's log lines go.
//
// Athanor logs exactly what SQLAlchemy logs (statements, parameters with their cache badge,
// BEGIN (implicit) / COMMIT / ROLLBACK, pool events) under SQLAlchemy's logger names with
// "athanor" for "sqlalchemy": "athanor.engine.Engine", "athanor.pool.impl.QueuePool", ...
// `echo = true` on an engine turns its lines on; they reach one process-wide sink, stderr unless
// `set_sink` installs another:
//
//   sa::log::set_sink([&](const sa::log::Record& r) { lines.push_back(std::string(r.message)); });
#pragma once

#include <functional>
#include <string_view>

namespace athanor::log {

enum class Level { debug = 10, info = 20, warning = 30, error = 40 };

struct Record {
  std::string_view logger;
  Level level;
  std::string_view message;
};

using Sink = std::function<void(const Record&)>;

// Installs the sink for every engine and pool of the process; an empty function restores the
// default, which writes "<date time,ms> <LEVEL> <logger> <message>" lines to stderr. Thread-safe;
// a sink may be called from several threads at once.
void set_sink(Sink sink);

void emit(std::string_view logger, Level level, std::string_view message);

std::string_view level_name(Level level) noexcept;  // "INFO", ...

}  // namespace athanor::log
