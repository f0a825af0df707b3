// athanor/dialect.hpp — what the engine needs to know about one kind of database.
//
// A Dialect sits between the driver (athanor/dbapi.hpp) and the engine: it turns a URL into
// driver connect arguments, names the driver's paramstyle, spells transaction control and
// savepoints, sets and reads isolation levels, and decides which driver errors mean "the
// connection is gone". One Dialect object serves one Engine (and the engines derived from it) and
// is shared by all its threads: after initialize() it is read-only.
//
// Backends register a factory under their URL name; `sa::registry::register_dialect` lets a
// program add its own, as SQLAlchemy's `registry.register` does.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "athanor/dbapi.hpp"
#include "athanor/engine/url.hpp"
#include "athanor/value.hpp"

namespace athanor {

namespace sql::detail {
class DialectRules;  // the SQL compiler's per-backend rules (src/sql/compiler.hpp)
}

enum class Paramstyle { qmark, numeric, named, format, pyformat, numeric_dollar };

enum class PoolClass { default_, queue, singleton_thread, static_, null, assertion };

// Driver connect arguments (Python's connect(**kwargs)): the URL's, then create_engine's
// connect_args over them.
using ConnectArgs = Params;

class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual std::string_view name() const noexcept = 0;    // "sqlite"
  virtual std::string_view driver() const noexcept = 0;  // "sqlite3"
  virtual Paramstyle paramstyle() const noexcept = 0;

  // --- connecting -----------------------------------------------------------------------------
  // Validates the URL for this backend (exc::ArgumentError naming what is wrong).
  virtual ConnectArgs create_connect_args(const URL& url) const = 0;
  virtual dbapi::ConnectionPtr connect(const ConnectArgs& args) const = 0;
  // The pool class create_engine uses when none is given.
  virtual PoolClass default_pool_class(const URL& /*url*/) const { return PoolClass::queue; }
  // Runs once, on the engine's first connection: reads what the dialect needs from the server
  // (version, default isolation level).
  virtual void initialize(dbapi::Connection& conn);
  // A cheap liveness check for pool_pre_ping; false when the connection is dead.
  virtual bool do_ping(dbapi::Connection& conn);

  // --- transactions ---------------------------------------------------------------------------
  // DBAPI connections begin implicitly, so do_begin() is a no-op unless a driver needs a BEGIN.
  virtual void do_begin(dbapi::Connection& /*conn*/) {}
  virtual void do_commit(dbapi::Connection& conn) { conn.commit(); }
  virtual void do_rollback(dbapi::Connection& conn) { conn.rollback(); }
  virtual std::string savepoint_sql(std::string_view name) const;          // SAVEPOINT name
  virtual std::string release_savepoint_sql(std::string_view name) const;  // RELEASE SAVEPOINT name
  virtual std::string rollback_to_savepoint_sql(std::string_view name) const;  // ROLLBACK TO ...
  virtual bool supports_two_phase() const noexcept { return false; }
  virtual void do_begin_twophase(dbapi::Connection& conn, std::string_view xid);
  virtual void do_prepare_twophase(dbapi::Connection& conn, std::string_view xid);
  virtual void do_commit_twophase(dbapi::Connection& conn, std::string_view xid, bool is_prepared);
  virtual void do_rollback_twophase(dbapi::Connection& conn, std::string_view xid,
                                    bool is_prepared);
  virtual std::vector<std::string> do_recover_twophase(dbapi::Connection& conn);

  // --- isolation levels (names upper-case with spaces, e.g. "READ UNCOMMITTED") ------------------
  // The levels this backend accepts, AUTOCOMMIT included.
  virtual std::vector<std::string> isolation_levels() const = 0;
  virtual void set_isolation_level(dbapi::Connection& conn, std::string_view level) = 0;
  // Asks the connection; never reports AUTOCOMMIT.
  virtual std::string get_isolation_level(dbapi::Connection& conn) = 0;
  // The level captured by initialize() (or forced by create_engine's isolation_level).
  const std::string& default_isolation_level() const noexcept { return default_isolation_level_; }
  void set_default_isolation_level(std::string level) {
    default_isolation_level_ = std::move(level);
  }

  // --- connection characteristics ---------------------------------------------------------------
  // Execution options other than isolation_level that set state on the driver connection
  // (PostgreSQL's postgresql_readonly): the engine applies them like isolation_level, outside a
  // transaction, and has the dialect reset them when the connection goes back to the pool.
  virtual bool is_connection_characteristic(std::string_view /*option*/) const noexcept {
    return false;
  }
  // Applies the characteristics among `options` (exc::ArgumentError for a bad value).
  virtual void set_connection_characteristics(dbapi::Connection& /*conn*/,
                                              const Params& /*options*/) {}
  // Puts every characteristic back to the server's default.
  virtual void reset_connection_characteristics(dbapi::Connection& /*conn*/) {}

  // --- errors ---------------------------------------------------------------------------------
  // True when `e` means the connection is unusable and must be discarded.
  virtual bool is_disconnect(const dbapi::Error& /*e*/, dbapi::Connection* /*conn*/,
                             dbapi::Cursor* /*cursor*/) const {
    return false;
  }

  // --- SQL compilation --------------------------------------------------------------------------
  // The expression compiler's rules for this backend (quoting, LIMIT/OFFSET, RETURNING, ...),
  // defined in the backend's folder; null: SQLAlchemy's default dialect rules.
  virtual const sql::detail::DialectRules* compiler_rules() const noexcept { return nullptr; }

  // --- capabilities ---------------------------------------------------------------------------
  virtual bool supports_sane_rowcount() const noexcept { return true; }
  virtual bool supports_sane_multi_rowcount() const noexcept { return true; }

  // --- insertmanyvalues (SPEC §16) ---------------------------------------------------------------
  // The backend runs an executemany INSERT..RETURNING as batches of multi-row VALUES (SQLAlchemy's
  // use_insertmanyvalues class attribute).
  virtual bool supports_insertmanyvalues() const noexcept { return false; }
  // The most parameters one batch binds (SQLAlchemy's insertmanyvalues_max_parameters).
  virtual std::size_t insertmanyvalues_max_parameters() const noexcept { return 32700; }
  // In use: the backend has it and create_engine(use_insertmanyvalues=false) did not turn it off.
  bool use_insertmanyvalues() const noexcept {
    return use_insertmanyvalues_ && supports_insertmanyvalues();
  }
  void set_use_insertmanyvalues(bool on) noexcept { use_insertmanyvalues_ = on; }

 private:
  std::string default_isolation_level_;
  bool use_insertmanyvalues_ = true;
};

using DialectFactory = std::function<std::unique_ptr<Dialect>()>;

namespace registry {
// Registers a dialect under "backend" or "backend.driver" (the URL's "backend+driver").
void register_dialect(std::string name, DialectFactory factory);
// The dialect for a URL; exc::NoSuchModuleError "Can't load plugin: athanor.dialects:<name>".
std::unique_ptr<Dialect> load(const URL& url);
}  // namespace registry

// Normalises an isolation level name as SQLAlchemy does: '_' → ' ', upper case.
std::string normalize_isolation_level(std::string_view level);

}  // namespace athanor
