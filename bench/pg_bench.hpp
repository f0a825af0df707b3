// What the PostgreSQL benchmarks share: the server they measure against, a raw libpq connection
// for setup and for the raw contenders, and the Python peers run as subprocesses.
//
// The server's URL comes from ATHANOR_BENCH_POSTGRESQL_URL (tools/bench.sh starts a throwaway
// server and sets it). Client and server should run pinned to one core (`taskset -c 0`): on this
// VM a cross-core wake-up costs tens of microseconds per round trip and hides the library's cost.
#pragma once

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"

namespace pg_bench {

inline std::string server_url() {
  const char* url = std::getenv("ATHANOR_BENCH_POSTGRESQL_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr,
                 "set ATHANOR_BENCH_POSTGRESQL_URL to a PostgreSQL server "
                 "(tools/bench.sh starts one)\n");
    std::exit(2);
  }
  return url;
}

// The URL as libpq's "key=value ..." connection string, for libraries that take only that form
// (SOCI reads a URL's scheme as its backend's name).
inline std::string keyword_conninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("bad URL: " + message);
  }
  std::string conninfo;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    // The URLs this bench is given carry no spaces or quotes, so the values need no quoting.
    conninfo += std::string(conninfo.empty() ? "" : " ") + o->keyword + "=" + o->val;
  }
  PQconninfoFree(options);
  return conninfo;
}

// A libpq result that is cleared on scope exit.
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

inline Result checked(PGconn* conn, PGresult* res, std::string_view what) {
  Result owned(res, PQclear);
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN &&
      status != PGRES_PIPELINE_SYNC) {
    throw std::runtime_error(std::string(what) + ": " + PQerrorMessage(conn));
  }
  return owned;
}

// One raw libpq connection, closed on scope exit.
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("connect: " + message);
    }
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { PQfinish(conn_); }

  PGconn* get() const noexcept { return conn_; }
  void exec(const std::string& sql) const { checked(conn_, PQexec(conn_, sql.c_str()), sql); }

 private:
  PGconn* conn_;
};

// Appends the shortest text that reads back as `v` (what every contender sends as a parameter).
template <typename T>
inline void append_number(std::string& out, T v) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

template <typename T>
inline T parse_number(const char* text, int length) {
  T v{};
  std::from_chars(text, text + length, v);
  return v;
}

// Runs `/usr/bin/python3 <peers>/<script>` (it inherits the environment, URL and CPU affinity
// included) and appends to `table` one row per line it prints, "<wall ns> <client CPU ns>" per
// operation, named by `names` in order. A peer that fails leaves its stderr visible and its rows
// at zero.
inline void add_python_peer(std::vector<bench::Contender>& table, const std::string& script,
                            const std::vector<std::string>& names) {
  const bench::PeerOutput out = bench::run_python_peer(script);
  for (const std::string& name : names) {
    double wall = 0, cpu = 0;
    if (!out || std::fscanf(out.get(), "%lf %lf", &wall, &cpu) != 2) wall = cpu = 0;
    table.push_back({name, nullptr, wall, cpu});
  }
}

}  // namespace pg_bench
