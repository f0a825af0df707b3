// Shared by the libpq driver's tests: connections to the server named by
// ATHANOR_TEST_POSTGRESQL_URL (tools/pg-server.sh prints one; test.sh always sets it).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "athanor/dbapi.hpp"
#include "dialects/postgresql/driver.hpp"

namespace athanor::testing::pg {

using Rows = std::vector<std::vector<Value>>;

// postgresql://user:password@host:port/dbname → libpq keywords (no percent-escapes: the test
// server's URL has none).
inline Params connect_args_from_url(std::string url) {
  Params args;
  const std::string scheme = "postgresql://";
  if (url.rfind(scheme, 0) != 0) return args;
  url.erase(0, scheme.size());
  const auto slash = url.find('/');
  const std::string netloc = url.substr(0, slash);
  if (slash != std::string::npos) args.set("dbname", url.substr(slash + 1));
  const auto at = netloc.rfind('@');
  std::string hostport = netloc;
  if (at != std::string::npos) {
    const std::string userinfo = netloc.substr(0, at);
    hostport = netloc.substr(at + 1);
    const auto colon = userinfo.find(':');
    args.set("user", userinfo.substr(0, colon));
    if (colon != std::string::npos) args.set("password", userinfo.substr(colon + 1));
  }
  const auto colon = hostport.rfind(':');
  args.set("host", hostport.substr(0, colon));
  if (colon != std::string::npos) args.set("port", hostport.substr(colon + 1));
  return args;
}

class PgDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("ATHANOR_TEST_POSTGRESQL_URL");
    if (!url || !*url) {
      GTEST_SKIP() << "ATHANOR_TEST_POSTGRESQL_URL is not set (tools/pg-server.sh start DIR "
                      "prints one; test.sh sets it)";
    }
    base_ = connect_args_from_url(url);
  }

  dbapi::ConnectionPtr connect(const Params& extra = {}) {
    Params args = base_;
    for (const auto& [k, v] : extra) args.set(k, v);
    return dialects::postgresql::connect(args);
  }

  const Params& base_args() const { return base_; }

  static Rows query(dbapi::Connection& c, std::string_view sql, std::vector<Value> params = {}) {
    auto cur = c.cursor();
    cur->execute(sql, params);
    return cur->fetchall();
  }
  static Value scalar(dbapi::Connection& c, std::string_view sql, std::vector<Value> params = {}) {
    auto rows = query(c, sql, std::move(params));
    return rows.empty() || rows[0].empty() ? Value() : rows[0][0];
  }
  // Runs `sql` with the simple query protocol, outside the driver: inspecting the session
  // (pg_prepared_statements) without adding a prepared statement to it.
  static std::string peek(dbapi::Connection& c, const char* sql) {
    PGresult* r = PQexec(static_cast<PGconn*>(c.native_handle()), sql);
    std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0
                          ? PQgetvalue(r, 0, 0)
                          : std::string("<") + PQresultErrorMessage(r) + ">";
    PQclear(r);
    return out;
  }

 private:
  Params base_;
};

}  // namespace athanor::testing::pg
