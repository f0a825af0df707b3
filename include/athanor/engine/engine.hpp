// athanor/engine/engine.hpp — create_engine() and Engine.
//
// An Engine is made once per database URL and shared by the whole program: it owns the dialect
// and the connection pool, and hands out Connections.
//
//   auto engine = sa::create_engine("sqlite:///app.db", {.echo = true, .pool_size = 10});
//   {
//     auto conn = engine.connect();
//     conn.execute(sa::text("INSERT INTO t (x) VALUES (:x)"), {{"x", 1}});
//     conn.commit();
//   }                                               // close(): rollback, back to the pool
//   engine.begin([](sa::Connection& conn) { ... });  // commit on success, rollback on throw
//
// Engine is a cheap handle: copies share the same engine. execution_options() makes a new Engine
// that shares the pool and dialect but has options (and event listeners) of its own.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "athanor/dialect.hpp"
#include "athanor/engine/connection.hpp"
#include "athanor/engine/execution_options.hpp"
#include "athanor/engine/url.hpp"
#include "athanor/pool/pool.hpp"

namespace athanor {

// echo / echo_pool: false, true (INFO: statements), or "debug" (also result rows).
class Echo {
 public:
  Echo(bool on = false) : level_(on ? 1 : 0) {}  // NOLINT: implicit, as in {.echo = true}
  Echo(const char* level);                       // "debug"
  bool on() const noexcept { return level_ > 0; }
  bool debug() const noexcept { return level_ > 1; }

 private:
  int level_;
};

// create_engine()'s keyword arguments. Fields are declared in SQLAlchemy's documented order, so
// designated initializers read like the Python call. Optional fields left empty take the
// dialect's and pool's defaults; setting one that the chosen pool does not take is an error.
struct EngineOptions {
  Echo echo = false;
  Echo echo_pool = false;
  bool hide_parameters = false;
  std::optional<std::string> logging_name{};
  std::optional<std::string> isolation_level{};
  ExecutionOptions execution_options{};
  PoolClass poolclass = PoolClass::default_;
  std::optional<int> pool_size{};                               // 5
  std::optional<int> max_overflow{};                            // 10; -1 = unlimited
  std::optional<std::chrono::duration<double>> pool_timeout{};  // 30 s
  std::chrono::duration<double> pool_recycle{-1};               // -1 = never
  bool pool_pre_ping = false;
  bool pool_use_lifo = false;
  ResetOnReturn pool_reset_on_return = ResetOnReturn::rollback;
  // Not in SQLAlchemy (HikariCP's leakDetectionThreshold): a connection checked out longer than
  // this is reported once as a WARNING naming where it was checked out. Zero = off.
  std::chrono::duration<double> pool_leak_detection_threshold{0};
  int query_cache_size = 500;
  int insertmanyvalues_page_size = 1000;  // rows per batch of an executemany INSERT..RETURNING
  bool use_insertmanyvalues = true;       // false: such an executemany is refused (SPEC §16)
  ConnectArgs connect_args{};
  std::vector<std::string> plugins{};
  // Dialect- or plugin-specific keyword arguments; a key nobody consumes is an error.
  std::map<std::string, Value> extras{};
};

namespace detail {
class EngineCore;
class EngineLayer;
}  // namespace detail

class Engine {
 public:
  // A new Connection, with a driver connection checked out of the pool now. `where` is for the
  // pool's leak detection report.
  Connection connect(std::source_location where = std::source_location::current());
  // connect() + begin(), committed when fn returns, rolled back (re-throwing) when it throws;
  // the connection is closed either way. fn takes the Connection&.
  template <typename Fn>
  decltype(auto) begin(Fn&& fn);

  // Closes the pooled connections and starts a fresh pool; connections checked out now go back
  // to the old pool when closed. close = false leaves the old pool's connections alone (for a
  // forked child process, which must not close its parent's connections).
  void dispose(bool close = true);
  // A driver connection straight from the pool; closing it returns it.
  PoolProxiedConnection raw_connection(
      std::source_location where = std::source_location::current());

  // A new Engine sharing this one's pool and dialect, with these options added.
  Engine execution_options(const ExecutionOptions& options) const;
  void update_execution_options(const ExecutionOptions& options);
  const ExecutionOptions& get_execution_options() const noexcept;
  void clear_compiled_cache();

  std::string_view name() const noexcept;    // "sqlite"
  std::string_view driver() const noexcept;  // "sqlite3"
  const URL& url() const noexcept;
  Pool& pool() const;
  Dialect& dialect() const noexcept;
  // "Engine(sqlite:///app.db)" with the password masked.
  std::string repr() const;
  bool echo() const noexcept;
  void set_echo(Echo echo);

  // For create_engine and the connection machinery.
  Engine(std::shared_ptr<detail::EngineCore> core, std::shared_ptr<detail::EngineLayer> layer);
  detail::EngineLayer& layer() const noexcept { return *layer_; }
  const std::shared_ptr<detail::EngineCore>& core() const noexcept { return core_; }

 private:
  std::shared_ptr<detail::EngineCore> core_;
  std::shared_ptr<detail::EngineLayer> layer_;
};

// Makes an Engine; connects nothing until first use. An unknown backend is
// exc::NoSuchModuleError; a bad URL or option, exc::ArgumentError.
Engine create_engine(std::string_view url, EngineOptions options = {});
Engine create_engine(const URL& url, EngineOptions options = {});

template <typename Fn>
decltype(auto) Engine::begin(Fn&& fn) {
  Connection conn = connect();
  return conn.begin([&] { return fn(conn); });
}

}  // namespace athanor
