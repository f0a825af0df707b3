#include "dialects/postgresql/dialect.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "athanor/exc.hpp"
#include "dialects/postgresql/compiler.hpp"
#include "dialects/postgresql/driver.hpp"

namespace athanor::dialects::postgresql {

namespace {

constexpr std::string_view kReadonly = "postgresql_readonly";
constexpr std::string_view kDeferrable = "postgresql_deferrable";

std::int64_t parse_cache_size(std::string_view text) {
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw exc::ArgumentError(fmt::format(
        "Invalid value '{}' for PostgreSQL URL query parameter 'prepared_statement_cache_size': "
        "expected a non-negative integer",
        text));
  }
  return value;
}

// A quoted SQL string literal ('it''s').
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Runs `fn` outside any transaction: the driver begins one lazily before a statement unless in
// autocommit mode, and session settings or COMMIT PREPARED must not run inside one.
template <typename Fn>
decltype(auto) outside_transaction(dbapi::Connection& conn, Fn&& fn) {
  if (conn.autocommit()) return fn();
  conn.set_autocommit(true);  // commits an open transaction first
  struct Restore {
    dbapi::Connection& conn;
    ~Restore() {
      // A connection that died under fn() has no mode to restore; fn's error is the one to see.
      try {
        if (!conn.closed()) conn.set_autocommit(false);
      } catch (const dbapi::Error&) {
      }
    }
  } restore{conn};
  return fn();
}

void run(dbapi::Connection& conn, const std::string& sql) {
  conn.cursor()->execute(sql);
}

bool option_flag(const Params& options, std::string_view key) {
  const Value* v = options.find(key);
  if (!v) return false;
  if (v->kind() != Value::Kind::boolean) {
    throw exc::ArgumentError(
        fmt::format("Invalid value {} for execution option '{}': expected a bool", v->repr(), key));
  }
  return v->as<bool>();
}

class PostgreSQLDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "postgresql"; }
  std::string_view driver() const noexcept override { return kDriverName; }
  Paramstyle paramstyle() const noexcept override { return Paramstyle::numeric_dollar; }
  // Only an executemany INSERT..RETURNING is batched here (SQLAlchemy's psycopg and asyncpg
  // dialects, not psycopg2's use_insertmanyvalues_wo_returning): without RETURNING the libpq
  // driver's own executemany already sends multi-row VALUES batches or one pipeline
  // (driver_batch.cpp), so the engine leaves it a plain executemany.
  bool supports_insertmanyvalues() const noexcept override { return true; }
  const sql::detail::DialectRules* compiler_rules() const noexcept override {
    return &postgresql::compiler_rules();
  }

  ConnectArgs create_connect_args(const URL& url) const override;
  dbapi::ConnectionPtr connect(const ConnectArgs& args) const override {
    return postgresql::connect(args);
  }

  bool do_ping(dbapi::Connection& conn) override {
    // A ping must not leave a transaction open on the connection it hands out.
    try {
      return outside_transaction(conn, [&] { return Dialect::do_ping(conn); });
    } catch (const dbapi::Error& e) {
      if (is_disconnect(e, &conn, nullptr)) return false;
      throw;
    }
  }

  // --- two-phase: the driver's own transaction is prepared under the xid -----------------------
  bool supports_two_phase() const noexcept override { return true; }
  void do_begin_twophase(dbapi::Connection&, std::string_view) override {}
  void do_prepare_twophase(dbapi::Connection& conn, std::string_view xid) override {
    run(conn, "PREPARE TRANSACTION " + quoted(xid));
  }
  void do_commit_twophase(dbapi::Connection& conn, std::string_view xid,
                          bool is_prepared) override {
    if (!is_prepared) return conn.commit();
    end_prepared(conn, "COMMIT PREPARED " + quoted(xid));
  }
  void do_rollback_twophase(dbapi::Connection& conn, std::string_view xid,
                            bool is_prepared) override {
    if (!is_prepared) return conn.rollback();
    end_prepared(conn, "ROLLBACK PREPARED " + quoted(xid));
  }
  std::vector<std::string> do_recover_twophase(dbapi::Connection& conn) override {
    return outside_transaction(conn, [&] {
      auto cursor = conn.cursor();
      cursor->execute("SELECT gid FROM pg_prepared_xacts");
      std::vector<std::string> xids;
      for (const auto& row : cursor->fetchall()) xids.push_back(row[0].as<std::string>());
      return xids;
    });
  }

  // --- isolation levels and the other session characteristics ----------------------------------
  std::vector<std::string> isolation_levels() const override {
    // psycopg2's list, in its order (it names them in the invalid-level error).
    return {"AUTOCOMMIT", "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE"};
  }
  void set_isolation_level(dbapi::Connection& conn, std::string_view level) override {
    if (level == "AUTOCOMMIT") return conn.set_autocommit(true);
    conn.set_autocommit(false);
    outside_transaction(conn, [&] {
      run(conn,
          fmt::format("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {}", level));
    });
  }
  std::string get_isolation_level(dbapi::Connection& conn) override {
    // Inside a transaction the server reports that transaction's level; outside, the session's.
    auto show = [&] {
      auto cursor = conn.cursor();
      cursor->execute("show transaction isolation level");
      std::string level = cursor->fetchone().value().at(0).as<std::string>();
      for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return level;
    };
    return conn.in_transaction() ? show() : outside_transaction(conn, show);
  }
  bool is_connection_characteristic(std::string_view option) const noexcept override {
    return option == kReadonly || option == kDeferrable;
  }
  void set_connection_characteristics(dbapi::Connection& conn, const Params& options) override {
    std::string settings;
    if (options.contains(kReadonly)) {
      settings = option_flag(options, kReadonly) ? "READ ONLY" : "READ WRITE";
    }
    if (options.contains(kDeferrable)) {
      if (!settings.empty()) settings += ", ";
      settings += option_flag(options, kDeferrable) ? "DEFERRABLE" : "NOT DEFERRABLE";
    }
    outside_transaction(
        conn, [&] { run(conn, "SET SESSION CHARACTERISTICS AS TRANSACTION " + settings); });
  }
  void reset_connection_characteristics(dbapi::Connection& conn) override {
    outside_transaction(conn, [&] {
      run(conn, "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE, NOT DEFERRABLE");
    });
  }

  // --- errors -----------------------------------------------------------------------------------
  bool is_disconnect(const dbapi::Error& e, dbapi::Connection* conn,
                     dbapi::Cursor*) const override {
    const std::string& code = e.native_code();
    // Class 08: connection exceptions; 57P01-57P03: the server shut down or ended this backend.
    if (code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03") {
      return true;
    }
    return conn && conn->closed();
  }

 private:
  // COMMIT / ROLLBACK PREPARED may not run inside a transaction block.
  static void end_prepared(dbapi::Connection& conn, const std::string& sql) {
    if (conn.in_transaction()) conn.rollback();
    outside_transaction(conn, [&] { run(conn, sql); });
  }
};

ConnectArgs PostgreSQLDialect::create_connect_args(const URL& url) const {
  ConnectArgs args;
  const auto given = [](const std::optional<std::string>& s) { return s && !s->empty(); };
  if (given(url.username)) args.set("user", *url.username);
  if (url.password) args.set("password", *url.password);
  if (given(url.host)) args.set("host", *url.host);
  if (url.port) args.set("port", static_cast<std::int64_t>(*url.port));
  if (given(url.database)) args.set("dbname", *url.database);
  for (const auto& [key, values] : url.query) {
    if (args.contains(key)) {
      throw exc::ArgumentError(
          fmt::format("PostgreSQL URL query parameter '{}' repeats what the URL already names: {}",
                      key, url.render_as_string()));
    }
    if (key == "prepared_statement_cache_size") {
      if (values.size() != 1) {
        throw exc::ArgumentError("PostgreSQL URL query parameter '" + key + "' given twice");
      }
      args.set(key, parse_cache_size(values.front()));
      continue;
    }
    // libpq's multi-host form: host=a&host=b is its "host=a,b" (port likewise).
    args.set(key, fmt::format("{}", fmt::join(values, ",")));
  }
  return args;
}

}  // namespace

std::unique_ptr<Dialect> make_dialect() {
  return std::make_unique<PostgreSQLDialect>();
}

}  // namespace athanor::dialects::postgresql
