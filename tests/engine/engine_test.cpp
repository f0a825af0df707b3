// Engine (SPEC §2, §3): create_engine, the pool it picks, execution_options() engines over the
// same pool, update_execution_options(), begin(fn), dispose(), raw_connection(), identity.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class Engines : public BackendTest {};

TEST_P(Engines, NameAndDriver) {
  EXPECT_EQ(engine().name(), engine().url().get_backend_name());
  EXPECT_EQ(engine().name(), engine().dialect().name());
  EXPECT_EQ(engine().driver(), engine().dialect().driver());
  if (is_sqlite()) {
    EXPECT_EQ(engine().name(), "sqlite");
    EXPECT_EQ(engine().driver(), "sqlite3");
  }
  EXPECT_EQ(engine().url(), sa::make_url(url()));
  EXPECT_TRUE(engine().echo());
}

// No driver connection until first use.
TEST_P(Engines, CreateEngineConnectsNothing) {
  auto eng = make_engine();
  EXPECT_EQ(eng.pool().checkedout(), 0);
  EXPECT_EQ(eng.pool().checkedin(), 0);
  if (GetParam().name == "sqlite_file") {
    EXPECT_FALSE(std::filesystem::exists(dir() / "test.db"));
    eng.connect().close();
    EXPECT_TRUE(std::filesystem::exists(dir() / "test.db"));
  }
}

TEST_P(Engines, HandlesShareTheEngine) {
  sa::Engine copy = engine();
  EXPECT_EQ(&copy.pool(), &engine().pool());
  EXPECT_EQ(&copy.dialect(), &engine().dialect());
  copy.set_echo(false);
  EXPECT_FALSE(engine().echo());
}

TEST_P(Engines, EngineBeginReturnsTheValueAndReleasesTheConnection) {
  create_table("t", "x INTEGER");
  const int n = engine().begin([](sa::Connection& conn) {
    conn.execute(sa::text("INSERT INTO t (x) VALUES (1)"));
    return conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<int>();
  });
  EXPECT_EQ(n, 1);
  EXPECT_EQ(engine().pool().checkedout(), 0);
  EXPECT_EQ(count_rows("t"), 1);
}

// Engine.execution_options(): a new engine over the same pool and dialect, options merged with
// the parent's; the parent keeps its own.
TEST_P(Engines, ExecutionOptionsMakeASiblingEngine) {
  auto child = engine().execution_options({{"shard_id", "s1"}, {"a", 1}});
  EXPECT_EQ(&child.pool(), &engine().pool());
  EXPECT_EQ(&child.dialect(), &engine().dialect());
  EXPECT_EQ(child.url(), engine().url());
  EXPECT_TRUE(engine().get_execution_options().empty());
  EXPECT_EQ(*child.get_execution_options().find("shard_id"), sa::Value("s1"));
  auto grandchild = child.execution_options({{"a", 2}, {"b", 3}});  // accumulate, later wins
  const auto& opts = grandchild.get_execution_options();
  EXPECT_EQ(*opts.find("shard_id"), sa::Value("s1"));
  EXPECT_EQ(*opts.find("a"), sa::Value(2));
  EXPECT_EQ(*opts.find("b"), sa::Value(3));
  EXPECT_EQ(*child.get_execution_options().find("a"), sa::Value(1));
  // Connections copy their engine's options.
  auto conn = grandchild.connect();
  EXPECT_EQ(*conn.get_execution_options().find("b"), sa::Value(3));
  EXPECT_EQ(engine().pool().checkedout(), 1);  // the shared pool
  conn.close();
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

TEST_P(Engines, CreateEngineExecutionOptions) {
  auto eng = make_engine({.execution_options = {{"shard_id", "s0"}}});
  EXPECT_EQ(*eng.get_execution_options().find("shard_id"), sa::Value("s0"));
  EXPECT_EQ(*eng.connect().get_execution_options().find("shard_id"), sa::Value("s0"));
}

// update_execution_options(): in place; Connections made afterwards see it, open ones do not.
TEST_P(Engines, UpdateExecutionOptions) {
  auto before = engine().connect();
  auto child = engine().execution_options({{"child", true}});
  engine().update_execution_options({{"foo", "bar"}});
  EXPECT_EQ(*engine().get_execution_options().find("foo"), sa::Value("bar"));
  auto after = engine().connect();
  EXPECT_TRUE(after.get_execution_options().contains("foo"));
  EXPECT_FALSE(before.get_execution_options().contains("foo"));
  EXPECT_FALSE(child.get_execution_options().contains("foo"));  // the copy was taken before
}

// Seed 003: the engine's own connection pool is used by raw_connection() as by connect().
TEST_P(Engines, RawConnectionComesFromThePool) {
  auto raw = engine().raw_connection();
  EXPECT_EQ(engine().pool().checkedout(), 1);
  auto cursor = raw.cursor();
  cursor->execute("SELECT 1");
  EXPECT_EQ(cursor->fetchone()->at(0), sa::Value(1));
  cursor->close();
  raw.close();
  raw.close();  // idempotent
  EXPECT_EQ(engine().pool().checkedout(), 0);
}

// Seed 000 "Connection Health Check".
TEST_P(Engines, Seed000ConnectionHealthCheck) {
  auto check_connection = [](sa::Engine& e) {
    try {
      auto conn = e.connect();
      conn.execute(sa::text("SELECT 1"));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  EXPECT_TRUE(check_connection(engine()));
  if (is_sqlite()) {
    auto broken = sa::create_engine("sqlite:///" + (dir() / "missing" / "x.db").string());
    EXPECT_FALSE(check_connection(broken));
  }
}

// dispose(): the pooled connections are closed and a fresh pool takes over; checked-out ones
// still go back (to the old pool) when closed.
TEST_P(Engines, Dispose) {
  create_table("t", "x INTEGER");
  run_committed("INSERT INTO t (x) VALUES (1)");
  sa::Pool* old_pool = &engine().pool();
  {
    auto held = engine().connect();
    engine().dispose();
    EXPECT_NE(&engine().pool(), old_pool);
    EXPECT_EQ(engine().pool().checkedout(), 0);
    EXPECT_EQ(held.execute(sa::text("SELECT 1")).scalar_one<int>(), 1);
  }
  auto conn = engine().connect();
  EXPECT_EQ(engine().pool().checkedout(), 1);
  if (independent_connections()) {
    // A file or server database keeps its data across pools; a memory database is per
    // connection and is gone with the disposed pool.
    EXPECT_EQ(conn.execute(sa::text("SELECT count(*) FROM t")).scalar_one<int>(), 1);
  }
}

TEST_P(Engines, Repr) {
  EXPECT_EQ(engine().repr(), "Engine(" + engine().url().render_as_string() + ")");
  if (GetParam().name == "sqlite_memory") {
    EXPECT_EQ(engine().repr(), "Engine(sqlite://)");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Engines, ::testing::ValuesIn(all_backends()), backend_name);

// ---- SQLite's default pools and option checks
// -------------------------------------------------------

class SQLiteOnlyEngines : public BackendTest {};

TEST_P(SQLiteOnlyEngines, DefaultPoolClass) {
  if (GetParam().name == "sqlite_memory") {
    EXPECT_NE(dynamic_cast<sa::SingletonThreadPool*>(&engine().pool()), nullptr);
  } else {
    auto* queue = dynamic_cast<sa::QueuePool*>(&engine().pool());
    ASSERT_NE(queue, nullptr);
    EXPECT_EQ(queue->size(), 5);
  }
  auto sized = make_engine({.pool_size = 3});
  EXPECT_EQ(sized.pool().size(), 3);
}

TEST_P(SQLiteOnlyEngines, InvalidArguments) {
  if (GetParam().name == "sqlite_memory") {
    EXPECT_EQ(message_of<sa::exc::ArgumentError>([&] { make_engine({.max_overflow = 3}); }),
              "Invalid argument(s) 'max_overflow' sent to create_engine(), using configuration "
              "sqlite/SingletonThreadPool/Engine.  Please check that the keyword arguments are "
              "appropriate for this combination of components.");
  } else {
    EXPECT_NO_THROW(make_engine({.max_overflow = 3}));
  }
  EXPECT_THROW(make_engine({.extras = {{"bogus", 1}}}), sa::exc::ArgumentError);
}

INSTANTIATE_TEST_SUITE_P(SQLite, SQLiteOnlyEngines, ::testing::ValuesIn(sqlite_backends()),
                         backend_name);

}  // namespace
}  // namespace athanor::testing
