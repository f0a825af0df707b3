// The SQLite dialect, the Dialect base class defaults and the dialect registry.
#include "dialects/sqlite/dialect.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "athanor/dialect.hpp"
#include "athanor/engine/url.hpp"
#include "athanor/exc.hpp"

namespace {

using namespace athanor;
using dbapi::ErrorKind;

std::unique_ptr<Dialect> sqlite_dialect() {
  return athanor::dialects::sqlite::make_dialect();
}

ConnectArgs args_for(std::string_view url) {
  return sqlite_dialect()->create_connect_args(make_url(url));
}

std::string argument_error(std::string_view url) {
  try {
    args_for(url);
  } catch (const exc::ArgumentError& e) {
    return e.what();
  }
  return "(no ArgumentError)";
}

// A dialect with nothing of its own, to reach the base class defaults.
class BareDialect final : public Dialect {
 public:
  std::string_view name() const noexcept override { return "bare"; }
  std::string_view driver() const noexcept override { return "baredb"; }
  Paramstyle paramstyle() const noexcept override { return Paramstyle::qmark; }
  ConnectArgs create_connect_args(const URL&) const override { return {}; }
  dbapi::ConnectionPtr connect(const ConnectArgs& args) const override {
    return sqlite_dialect()->connect(args);
  }
  std::vector<std::string> isolation_levels() const override { return {"SERIALIZABLE"}; }
  void set_isolation_level(dbapi::Connection&, std::string_view) override {}
  std::string get_isolation_level(dbapi::Connection&) override { return "SERIALIZABLE"; }
};

TEST(SQLiteDialect, Identity) {
  auto d = sqlite_dialect();
  EXPECT_EQ(d->name(), "sqlite");
  EXPECT_EQ(d->driver(), "sqlite3");
  EXPECT_EQ(d->paramstyle(), Paramstyle::qmark);
  EXPECT_FALSE(d->supports_two_phase());
  EXPECT_EQ(d->isolation_levels(),
            (std::vector<std::string>{"READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"}));
}

TEST(SQLiteDialect, ConnectArgsFromUrl) {
  EXPECT_EQ(args_for("sqlite://"), (Params{{"database", ":memory:"}}));
  EXPECT_EQ(args_for("sqlite:///:memory:"), (Params{{"database", ":memory:"}}));
  EXPECT_EQ(args_for("sqlite:////abs/dir/../x.db"), (Params{{"database", "/abs/x.db"}}));
  // Relative paths are made absolute, as SQLAlchemy does, so a later chdir changes nothing.
  const std::string rel = (std::filesystem::current_path() / "rel" / "x.db").string();
  EXPECT_EQ(args_for("sqlite:///rel/x.db"), (Params{{"database", rel}}));

  const auto a = args_for("sqlite:////x.db?timeout=2.5&cached_statements=10&check_same_thread=f");
  EXPECT_EQ(a, (Params{{"database", "/x.db"}, {"timeout", 2.5}, {"cached_statements", 10}}));
  EXPECT_EQ(args_for("sqlite:////x.db?timeout=3").find("timeout")->kind(), Value::Kind::real);
}

TEST(SQLiteDialect, UriModePassesTheRestOfTheQueryToSQLite) {
  EXPECT_EQ(
      args_for("sqlite:///file:data.db?mode=ro&uri=true&timeout=3&cache=shared"),
      (Params{{"database", "file:data.db?cache=shared&mode=ro"}, {"uri", true}, {"timeout", 3.0}}));
  EXPECT_EQ(args_for("sqlite:///file:x.db?uri=yes"),
            (Params{{"database", "file:x.db"}, {"uri", true}}));
  EXPECT_EQ(args_for("sqlite:///x.db?uri=false").find("database")->as<std::string>(),
            (std::filesystem::current_path() / "x.db").string());
}

TEST(SQLiteDialect, InvalidUrls) {
  const std::string forms =
      "\nValid SQLite URL forms are:\n"
      " sqlite:///:memory: (or, sqlite://)\n"
      " sqlite:///relative/path/to/file.db\n"
      " sqlite:////absolute/path/to/file.db";
  EXPECT_EQ(argument_error("sqlite://scott:tiger@localhost/x.db"),
            "Invalid SQLite URL: sqlite://scott:***@localhost/x.db" + forms);
  EXPECT_EQ(argument_error("sqlite://host/x.db"), "Invalid SQLite URL: sqlite://host/x.db" + forms);
  EXPECT_EQ(argument_error("sqlite:///x.db?timeout=soon"),
            "Invalid value 'soon' for SQLite URL query parameter 'timeout': expected a number of "
            "seconds");
  EXPECT_EQ(argument_error("sqlite:///x.db?cached_statements=1.5"),
            "Invalid value '1.5' for SQLite URL query parameter 'cached_statements': expected an "
            "integer");
  EXPECT_EQ(argument_error("sqlite:///x.db?uri=maybe"),
            "Invalid value 'maybe' for SQLite URL query parameter 'uri': expected true or false");
}

TEST(SQLiteDialect, DefaultPoolClass) {
  auto d = sqlite_dialect();
  EXPECT_EQ(d->default_pool_class(make_url("sqlite://")), PoolClass::singleton_thread);
  EXPECT_EQ(d->default_pool_class(make_url("sqlite:///:memory:")), PoolClass::singleton_thread);
  EXPECT_EQ(d->default_pool_class(make_url("sqlite:///file:m?mode=memory&uri=true")),
            PoolClass::singleton_thread);
  EXPECT_EQ(d->default_pool_class(make_url("sqlite:///x.db")), PoolClass::queue);
  EXPECT_EQ(d->default_pool_class(make_url("sqlite:////abs/x.db")), PoolClass::queue);
}

TEST(SQLiteDialect, ConnectsThroughTheDriver) {
  auto d = sqlite_dialect();
  auto conn = d->connect(d->create_connect_args(make_url("sqlite://?cached_statements=4")));
  auto cur = conn->cursor();
  cur->execute("SELECT 40 + 2");
  EXPECT_EQ(cur->fetchone(), (std::vector<Value>{42}));
}

TEST(SQLiteDialect, IsolationLevels) {
  auto d = sqlite_dialect();
  auto conn = d->connect(d->create_connect_args(make_url("sqlite://")));
  EXPECT_EQ(d->get_isolation_level(*conn), "SERIALIZABLE");
  d->initialize(*conn);
  EXPECT_EQ(d->default_isolation_level(), "SERIALIZABLE");
  EXPECT_FALSE(conn->in_transaction());  // PRAGMA begins nothing

  d->set_isolation_level(*conn, "READ UNCOMMITTED");
  EXPECT_EQ(d->get_isolation_level(*conn), "READ UNCOMMITTED");
  EXPECT_FALSE(conn->autocommit());

  d->set_isolation_level(*conn, "AUTOCOMMIT");
  EXPECT_TRUE(conn->autocommit());
  EXPECT_EQ(d->get_isolation_level(*conn), "READ UNCOMMITTED");  // never AUTOCOMMIT

  d->set_isolation_level(*conn, "SERIALIZABLE");
  EXPECT_FALSE(conn->autocommit());
  EXPECT_EQ(d->get_isolation_level(*conn), "SERIALIZABLE");
}

TEST(SQLiteDialect, SwitchingToAutocommitCommitsTheOpenTransaction) {
  auto d = sqlite_dialect();
  auto conn = d->connect(d->create_connect_args(make_url("sqlite://")));
  conn->cursor()->execute("CREATE TABLE t (x)");
  EXPECT_TRUE(conn->in_transaction());
  d->set_isolation_level(*conn, "AUTOCOMMIT");
  EXPECT_FALSE(conn->in_transaction());
  conn->rollback();
  EXPECT_NO_THROW(conn->cursor()->execute("SELECT * FROM t"));
}

TEST(SQLiteDialect, IsDisconnect) {
  auto d = sqlite_dialect();
  auto conn = d->connect(d->create_connect_args(make_url("sqlite://")));
  conn->close();
  try {
    conn->cursor();
    FAIL() << "no error from a closed connection";
  } catch (const dbapi::Error& e) {
    EXPECT_TRUE(d->is_disconnect(e, conn.get(), nullptr));
  }
  const dbapi::Error syntax(ErrorKind::programming_error, "sqlite3", "near \"X\": syntax error");
  EXPECT_FALSE(d->is_disconnect(syntax, nullptr, nullptr));
  const dbapi::Error wrong_kind(ErrorKind::operational_error, "sqlite3",
                                "Cannot operate on a closed database.");
  EXPECT_FALSE(d->is_disconnect(wrong_kind, nullptr, nullptr));
}

TEST(SQLiteDialect, PingAnswersFalseForAClosedConnection) {
  auto d = sqlite_dialect();
  auto conn = d->connect(d->create_connect_args(make_url("sqlite://")));
  EXPECT_TRUE(d->do_ping(*conn));
  conn->close();
  EXPECT_FALSE(d->do_ping(*conn));
}

TEST(DialectDefaults, PingRethrowsWhatIsNotADisconnect) {
  BareDialect d;
  auto conn = d.connect(Params{});
  EXPECT_TRUE(d.do_ping(*conn));
  conn->close();
  EXPECT_THROW(d.do_ping(*conn), dbapi::Error);
}

TEST(DialectDefaults, InitializeCapturesTheIsolationLevel) {
  BareDialect d;
  auto conn = d.connect(Params{});
  EXPECT_EQ(d.default_isolation_level(), "");
  d.initialize(*conn);
  EXPECT_EQ(d.default_isolation_level(), "SERIALIZABLE");
}

TEST(DialectDefaults, SavepointSql) {
  BareDialect d;
  EXPECT_EQ(d.savepoint_sql("sa_savepoint_1"), "SAVEPOINT sa_savepoint_1");
  EXPECT_EQ(d.release_savepoint_sql("sa_savepoint_1"), "RELEASE SAVEPOINT sa_savepoint_1");
  EXPECT_EQ(d.rollback_to_savepoint_sql("sa_savepoint_1"), "ROLLBACK TO SAVEPOINT sa_savepoint_1");
}

TEST(DialectDefaults, TwoPhaseIsNotSupported) {
  auto d = sqlite_dialect();
  auto conn = d->connect(Params{});
  const auto expect_unsupported = [](auto&& f) {
    try {
      f();
      ADD_FAILURE() << "two-phase call did not throw";
    } catch (const dbapi::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::not_supported_error);
      EXPECT_EQ(e.driver(), "sqlite3");
      EXPECT_STREQ(e.what(), "two-phase transactions are not supported by sqlite");
    }
  };
  expect_unsupported([&] { d->do_begin_twophase(*conn, "x"); });
  expect_unsupported([&] { d->do_prepare_twophase(*conn, "x"); });
  expect_unsupported([&] { d->do_commit_twophase(*conn, "x", true); });
  expect_unsupported([&] { d->do_rollback_twophase(*conn, "x", false); });
  expect_unsupported([&] { d->do_recover_twophase(*conn); });
}

TEST(DialectDefaults, NormalizeIsolationLevel) {
  EXPECT_EQ(normalize_isolation_level("read_uncommitted"), "READ UNCOMMITTED");
  EXPECT_EQ(normalize_isolation_level("Repeatable Read"), "REPEATABLE READ");
  EXPECT_EQ(normalize_isolation_level("autocommit"), "AUTOCOMMIT");
}

// ---- registry ---------------------------------------------------------------------------------

std::string no_such_module(std::string_view url) {
  try {
    registry::load(make_url(url));
  } catch (const exc::NoSuchModuleError& e) {
    return e.what();
  }
  return "(no NoSuchModuleError)";
}

TEST(DialectRegistry, BuiltInSQLiteNames) {
  for (const char* url : {"sqlite://", "sqlite+sqlite3:///x.db", "sqlite+pysqlite://"}) {
    auto d = registry::load(make_url(url));
    ASSERT_NE(d, nullptr) << url;
    EXPECT_EQ(d->name(), "sqlite") << url;
  }
}

TEST(DialectRegistry, UnknownNames) {
  EXPECT_EQ(no_such_module("nosuchdb://"), "Can't load plugin: athanor.dialects:nosuchdb");
  EXPECT_EQ(no_such_module("sqlite+nodriver://"),
            "Can't load plugin: athanor.dialects:sqlite.nodriver");
}

TEST(DialectRegistry, RegisteredFactoriesAreFound) {
  registry::register_dialect("bare.custom", [] { return std::make_unique<BareDialect>(); });
  EXPECT_EQ(registry::load(make_url("bare+custom://"))->name(), "bare");
  EXPECT_EQ(no_such_module("bare://"), "Can't load plugin: athanor.dialects:bare");
  // A later registration under the same name wins.
  registry::register_dialect("bare.custom", &athanor::dialects::sqlite::make_dialect);
  EXPECT_EQ(registry::load(make_url("bare+custom://"))->name(), "sqlite");
}

TEST(DialectRegistry, ConcurrentLoads) {
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      registry::register_dialect("conc.t" + std::to_string(i),
                                 [] { return std::make_unique<BareDialect>(); });
      for (int k = 0; k < 100; ++k) {
        if (registry::load(make_url("sqlite://"))->name() == "sqlite") ++found;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 800);
  EXPECT_EQ(registry::load(make_url("conc+t7://"))->name(), "bare");
}

}  // namespace
