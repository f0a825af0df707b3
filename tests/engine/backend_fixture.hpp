// The backend-neutral engine test fixture: one suite, instantiated once per database (SOCI's
// tests/common idea).
//
// The list of databases lives here and nowhere else:
//   sqlite_memory  "sqlite://"                         SingletonThreadPool, one in-memory database
//   sqlite_file    "sqlite:///<fresh temp dir>/test.db"  QueuePool, a file in a per-test temp dir
//   postgresql     $ATHANOR_TEST_POSTGRESQL_URL           only when that variable is set
//                  (postgresql_backends(): suites of PostgreSQL-only tests)
// Each test gets a fresh temp dir and its own engines (engine(): echo on, made on first use;
// make_engine(): any other), so no state is shared between tests. Tables created through
// create_table() / track_table() are dropped at the end on server databases (SQLite's go away with
// the memory database or the temp dir). A test that needs the backend's exact driver behaviour
// (SQLite's messages, its "?" paramstyle in driver SQL) goes in a suite instantiated over
// sqlite_backends() instead of all_backends().
//
// To add a database, add it to all_backends(): every backend suite then runs on it.
//
// Every test also holds a LogCapture (log_capture.hpp), `log`, for its transcript.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <athanor/athanor.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "log_capture.hpp"

namespace athanor::testing {

namespace sa = athanor;

// ---- the databases ------------------------------------------------------------------------------

struct Backend {
  std::string name;  // test-name suffix
  // The URL for a test whose temp dir is `dir`.
  std::function<std::string(const std::filesystem::path& dir)> url;
  bool sqlite = false;
  // False when every Connection of one thread shares one driver connection (SQLite memory DB on
  // SingletonThreadPool), so "a second connection" sees the first one's transaction.
  bool independent_connections = true;
};

inline void PrintTo(const Backend& b, std::ostream* os) {
  *os << b.name;
}

inline std::vector<Backend> sqlite_backends() {
  return {
      {"sqlite_memory", [](const std::filesystem::path&) { return std::string("sqlite://"); }, true,
       false},
      {"sqlite_file",
       [](const std::filesystem::path& dir) { return "sqlite:///" + (dir / "test.db").string(); },
       true, true},
  };
}

// The PostgreSQL server of $ATHANOR_TEST_POSTGRESQL_URL; empty when that variable is not set.
inline std::vector<Backend> postgresql_backends() {
  const char* pg = std::getenv("ATHANOR_TEST_POSTGRESQL_URL");
  if (!pg || !*pg) return {};
  const std::string url = pg;
  return {{"postgresql", [url](const std::filesystem::path&) { return url; }, false, true}};
}

// Every database the backend suites run on: SQLite always, PostgreSQL when configured.
inline std::vector<Backend> all_backends() {
  std::vector<Backend> out = sqlite_backends();
  for (Backend& b : postgresql_backends()) out.push_back(std::move(b));
  return out;
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

// ---- the fixture --------------------------------------------------------------------------------

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "athanor-engine-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    url_ = GetParam().url(dir_);
  }

  void TearDown() override {
    if (!GetParam().sqlite && !tables_.empty()) {
      // Server databases outlive the test: drop what it created, newest first.
      try {
        auto cleanup = sa::create_engine(url_);
        auto conn = cleanup.connect();
        for (auto it = tables_.rbegin(); it != tables_.rend(); ++it) {
          conn.exec_driver_sql("DROP TABLE IF EXISTS " + *it);
        }
        conn.commit();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "dropping test tables failed: " << e.what();
      }
    }
    engine_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const std::string& url() const { return url_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool is_sqlite() const { return GetParam().sqlite; }
  bool independent_connections() const { return GetParam().independent_connections; }

  // A new engine on this test's database.
  sa::Engine make_engine(sa::EngineOptions options = {}) {
    return sa::create_engine(url_, std::move(options));
  }
  // The test's main engine, echo on (made on first use).
  sa::Engine& engine() {
    if (!engine_) engine_ = make_engine({.echo = true});
    return *engine_;
  }

  // Remembers a table to drop at the end (server databases).
  void track_table(std::string name) { tables_.push_back(std::move(name)); }

  // Runs fn(conn) on a new connection of engine() with echo off, and commits. On sqlite_memory
  // that connection is the driver connection of every Connection open in this thread, so use
  // these helpers only while no other Connection has uncommitted work.
  template <typename Fn>
  decltype(auto) quietly(Fn&& fn) {
    sa::Engine& e = engine();
    const bool echo = e.echo();
    e.set_echo(false);
    struct Restore {
      sa::Engine& e;
      bool echo;
      ~Restore() { e.set_echo(echo); }
    } restore{e, echo};
    auto conn = e.connect();
    if constexpr (std::is_void_v<decltype(fn(conn))>) {
      fn(conn);
      conn.commit();
    } else {
      decltype(auto) out = fn(conn);
      conn.commit();
      return out;
    }
  }
  // CREATE TABLE name (columns), committed, with nothing logged.
  void create_table(const std::string& name, const std::string& columns) {
    track_table(name);
    quietly([&](sa::Connection& c) {
      c.exec_driver_sql("CREATE TABLE " + name + " (" + columns + ")");
    });
  }
  // Runs driver SQL and commits, with nothing logged.
  void run_committed(const std::string& sql) {
    quietly([&](sa::Connection& c) { c.exec_driver_sql(sql); });
  }
  // SELECT count(*) FROM table [WHERE ...], on a new connection, with nothing logged.
  std::int64_t count_rows(const std::string& table, const std::string& where = {}) {
    return quietly([&](sa::Connection& c) {
      return c
          .exec_driver_sql("SELECT count(*) FROM " + table + (where.empty() ? "" : " WHERE ") +
                           where)
          .scalar_one<std::int64_t>();
    });
  }

  // `qmark_sql` with each "?" as this backend's driver placeholder, as the echo shows it.
  std::string sql(const std::string& qmark_sql) {
    const sa::Paramstyle style = engine().dialect().paramstyle();
    std::string out;
    int n = 0;
    for (char c : qmark_sql) {
      if (c != '?') {
        out += c;
        continue;
      }
      ++n;
      switch (style) {
        case sa::Paramstyle::qmark:
          out += '?';
          break;
        case sa::Paramstyle::format:
        case sa::Paramstyle::pyformat:
          out += "%s";
          break;
        case sa::Paramstyle::numeric:
          out += ":" + std::to_string(n);
          break;
        case sa::Paramstyle::numeric_dollar:
          out += "$" + std::to_string(n);
          break;
        case sa::Paramstyle::named:
          out += ":?";
          break;
      }
    }
    return out;
  }
  // How the echo shows "no parameters" for this backend's paramstyle.
  std::string no_params() {
    const sa::Paramstyle style = engine().dialect().paramstyle();
    return style == sa::Paramstyle::named || style == sa::Paramstyle::pyformat ? "{}" : "()";
  }
  // Whether the echo showed exactly this line.
  bool logged(const std::string& line) {
    const std::vector<std::string> lines = log.lines();
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
  // " RETURNING a, b" as this backend renders `columns` of `table` (PostgreSQL qualifies them with
  // the table name, SQLite does not).
  std::string returning(const std::string& table, const std::vector<std::string>& columns) {
    std::string out = " RETURNING ";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      out += (i ? ", " : "") + (is_sqlite() ? "" : table + ".") + columns[i];
    }
    return out;
  }
  // An isolation level other than the default, valid on this backend.
  std::string other_isolation_level(sa::Connection& conn) {
    return conn.default_isolation_level() == "SERIALIZABLE" ? "READ UNCOMMITTED" : "SERIALIZABLE";
  }

  LogCapture log;

 private:
  std::filesystem::path dir_;
  std::string url_;
  std::optional<sa::Engine> engine_;
  std::vector<std::string> tables_;
};

// ---- helpers ------------------------------------------------------------------------------------

// The exception `f` throws, as E (fails the test when it throws nothing or something else).
template <typename E, typename F>
std::optional<E> thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw another exception: " << e.what();
    return std::nullopt;
  }
  ADD_FAILURE() << "threw nothing";
  return std::nullopt;
}

// The what() of the E that `f` throws; "" when it throws nothing or something else.
template <typename E, typename F>
std::string message_of(F&& f) {
  auto e = thrown<E>(std::forward<F>(f));
  return e ? std::string(e->what()) : std::string();
}

// Python's repr() of a list of rows: [(1, 1), (2, 4)].
inline std::string repr(const std::vector<sa::Row>& rows) {
  std::string out = "[";
  for (const sa::Row& row : rows) {
    if (out.size() > 1) out += ", ";
    out += row.repr();
  }
  return out + "]";
}

using Lines = std::vector<std::string>;

}  // namespace athanor::testing
