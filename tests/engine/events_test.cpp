// Connection events (SPEC §10.1, API.md "Events"): order, arguments, rewriting in
// before_cursor_execute, savepoint names, engines derived with execution_options(), remove().
#include <any>
#include <chrono>
#include <string>
#include <vector>

#include "engine/backend_fixture.hpp"

namespace athanor::testing {
namespace {

class Events : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    create_table("t", "x INTEGER");
  }
  std::vector<std::string> calls;
  // Records the name of every statement-level event on `e`.
  void record_all(sa::Engine& e) {
    sa::event::listen(e, sa::event::engine_connect,
                      [this](sa::Connection&) { calls.push_back("engine_connect"); });
    sa::event::listen(e, sa::event::before_execute,
                      [this](sa::Connection&, const sa::sql::Executable&,
                             const std::vector<sa::Params>&, const sa::Params&,
                             const sa::ExecutionOptions&) { calls.push_back("before_execute"); });
    sa::event::listen(
        e, sa::event::after_execute,
        [this](sa::Connection&, const sa::sql::Executable&, const std::vector<sa::Params>&,
               const sa::Params&, const sa::ExecutionOptions&,
               sa::CursorResult&) { calls.push_back("after_execute"); });
    sa::event::listen(e, sa::event::before_cursor_execute,
                      [this](sa::Connection&, sa::dbapi::Cursor&, std::string& statement,
                             sa::CursorParameters&, sa::ExecutionContext&,
                             bool) { calls.push_back("before_cursor_execute " + statement); });
    sa::event::listen(
        e, sa::event::after_cursor_execute,
        [this](sa::Connection&, sa::dbapi::Cursor&, const std::string&, const sa::CursorParameters&,
               sa::ExecutionContext&, bool) { calls.push_back("after_cursor_execute"); });
    sa::event::listen(e, sa::event::begin, [this](sa::Connection&) { calls.push_back("begin"); });
    sa::event::listen(e, sa::event::commit, [this](sa::Connection&) { calls.push_back("commit"); });
    sa::event::listen(e, sa::event::rollback,
                      [this](sa::Connection&) { calls.push_back("rollback"); });
  }
};

TEST_P(Events, OrderOnAFreshConnection) {
  record_all(engine());
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  EXPECT_EQ(calls,
            (Lines{"engine_connect", "before_execute", "begin", "before_cursor_execute SELECT 1",
                   "after_cursor_execute", "after_execute"}));
  calls.clear();
  conn.execute(sa::text("SELECT 2"));  // no second begin
  EXPECT_EQ(calls, (Lines{"before_execute", "before_cursor_execute SELECT 2",
                          "after_cursor_execute", "after_execute"}));
  calls.clear();
  conn.commit();
  conn.begin().rollback();
  EXPECT_EQ(calls, (Lines{"commit", "begin", "rollback"}));
}

// exec_driver_sql skips before/after_execute; cursor events still fire (SPEC §4.4).
TEST_P(Events, DriverSqlFiresOnlyCursorEvents) {
  record_all(engine());
  auto conn = engine().connect();
  calls.clear();
  conn.exec_driver_sql("SELECT 1");
  EXPECT_EQ(calls, (Lines{"begin", "before_cursor_execute SELECT 1", "after_cursor_execute"}));
}

// Trap 11: close() with an active — even autobegun — transaction fires `rollback`.
TEST_P(Events, CloseFiresRollbackForAnActiveTransaction) {
  record_all(engine());
  {
    auto conn = engine().connect();
    conn.execute(sa::text("SELECT 1"));
    calls.clear();
  }
  EXPECT_EQ(calls, Lines{"rollback"});
  calls.clear();
  {
    auto conn = engine().connect();
    calls.clear();
  }
  EXPECT_EQ(calls, Lines{});  // nothing begun: nothing to roll back
}

TEST_P(Events, ExecuteEventArguments) {
  std::vector<std::size_t> multi_sizes, single_sizes;
  std::vector<std::string> options_seen;
  sa::event::listen(engine(), sa::event::before_execute,
                    [&](sa::Connection&, const sa::sql::Executable& stmt,
                        const std::vector<sa::Params>& multiparams, const sa::Params& params,
                        const sa::ExecutionOptions& options) {
                      multi_sizes.push_back(multiparams.size());
                      single_sizes.push_back(params.size());
                      options_seen.push_back(stmt.str());
                      if (const sa::Value* v = options.find("shard_id")) {
                        options_seen.push_back(v->as<std::string>());
                      }
                    });
  auto conn = engine().connect();
  conn.execution_options({{"shard_id", "s1"}});
  conn.execute(sa::text("INSERT INTO t (x) VALUES (:x)"), {{"x", 1}});
  conn.execute(sa::text("INSERT INTO t (x) VALUES (:x)"),
               std::vector<sa::Params>{{{"x", 2}}, {{"x", 3}}});
  // One set: multiparams empty and params the dict; several: multiparams the list, params empty.
  EXPECT_EQ(multi_sizes, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(single_sizes, (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(options_seen,
            (Lines{"INSERT INTO t (x) VALUES (:x)", "s1", "INSERT INTO t (x) VALUES (:x)", "s1"}));
}

TEST_P(Events, CursorEventArguments) {
  std::vector<std::string> seen;
  sa::event::listen(
      engine(), sa::event::before_cursor_execute,
      [&](sa::Connection&, sa::dbapi::Cursor&, std::string&, sa::CursorParameters& parameters,
          sa::ExecutionContext& context, bool executemany) {
        seen.push_back(std::to_string(parameters.size()) + " sets, many=" +
                       (executemany ? "1" : "0") + ", compiled=" + (context.compiled ? "1" : "0") +
                       ", ctx.many=" + (context.executemany ? "1" : "0"));
      });
  auto conn = engine().connect();
  conn.execute(sa::text("INSERT INTO t (x) VALUES (:x)"), {{"x", 1}});
  conn.execute(sa::text("INSERT INTO t (x) VALUES (:x)"),
               std::vector<sa::Params>{{{"x", 2}}, {{"x", 3}}});
  conn.exec_driver_sql("SELECT 1");
  EXPECT_EQ(seen, (Lines{"1 sets, many=0, compiled=1, ctx.many=0",
                         "2 sets, many=1, compiled=1, ctx.many=1",
                         "0 sets, many=0, compiled=0, ctx.many=0"}));
}

// before_cursor_execute may replace the statement and its parameters; the log and the driver see
// the replacement, and so does after_cursor_execute.
TEST_P(Events, BeforeCursorExecuteRewrites) {
  std::string after;
  sa::event::listen(engine(), sa::event::before_cursor_execute,
                    [](sa::Connection&, sa::dbapi::Cursor&, std::string& statement,
                       sa::CursorParameters& parameters, sa::ExecutionContext&, bool) {
                      statement = "/* tagged */ " + statement;
                      if (!parameters.empty()) parameters[0][0] = 42;
                    });
  sa::event::listen(
      engine(), sa::event::after_cursor_execute,
      [&](sa::Connection&, sa::dbapi::Cursor&, const std::string& statement,
          const sa::CursorParameters&, sa::ExecutionContext&, bool) { after = statement; });
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT :x"), {{"x", 1}}).scalar_one<int>(), 42);
  EXPECT_EQ(after, "/* tagged */ " + sql("SELECT ?"));
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "/* tagged */ " + sql("SELECT ?"),
                                "[generated in ...] (42,)"}));
}

// Trap 4: `savepoint` fires before the name is generated; release/rollback get the real name.
TEST_P(Events, SavepointEvents) {
  std::vector<std::string> seen;
  sa::event::listen(engine(), sa::event::savepoint, [&](sa::Connection&, const std::string* name) {
    seen.push_back(name ? "savepoint " + *name : "savepoint <null>");
  });
  sa::event::listen(engine(), sa::event::release_savepoint,
                    [&](sa::Connection&, const std::string& name, const void* context) {
                      seen.push_back("release " + name + (context ? " ctx" : ""));
                    });
  sa::event::listen(engine(), sa::event::rollback_savepoint,
                    [&](sa::Connection&, const std::string& name, const void* context) {
                      seen.push_back("rollback " + name + (context ? " ctx" : ""));
                    });
  sa::event::listen(
      engine(), sa::event::before_cursor_execute,
      [&](sa::Connection&, sa::dbapi::Cursor&, std::string& statement, sa::CursorParameters&,
          sa::ExecutionContext&, bool) { seen.push_back("cursor " + statement); });
  auto conn = engine().connect();
  auto sp1 = conn.begin_nested();
  sp1.commit();
  auto sp2 = conn.begin_nested();
  sp2.rollback();
  EXPECT_EQ(seen,
            (Lines{"savepoint <null>", "cursor SAVEPOINT sa_savepoint_1", "release sa_savepoint_1",
                   "cursor RELEASE SAVEPOINT sa_savepoint_1", "savepoint <null>",
                   "cursor SAVEPOINT sa_savepoint_2", "rollback sa_savepoint_2",
                   "cursor ROLLBACK TO SAVEPOINT sa_savepoint_2"}));
}

// A `begin` listener may run SQL: it does not autobegin again (SPEC §4.3).
TEST_P(Events, BeginListenerMayExecute) {
  sa::event::listen(engine(), sa::event::begin,
                    [](sa::Connection& c) { c.exec_driver_sql("SELECT 1"); });
  auto conn = engine().connect();
  EXPECT_EQ(conn.execute(sa::text("SELECT 2")).scalar_one<int>(), 2);
  EXPECT_EQ(log.lines(), (Lines{"BEGIN (implicit)", "SELECT 1", "[raw sql] ()", "SELECT 2",
                                "[generated in ...] " + no_params()}));
}

// Listeners of an engine also fire for engines derived from it, even when added afterwards;
// listeners of the derived engine do not fire for the parent.
TEST_P(Events, DerivedEnginesShareTheParentsListeners) {
  auto child = engine().execution_options({{"shard_id", "s1"}});
  int parent_calls = 0, child_calls = 0;
  sa::event::listen(engine(), sa::event::before_cursor_execute,
                    [&](sa::Connection&, sa::dbapi::Cursor&, std::string&, sa::CursorParameters&,
                        sa::ExecutionContext&, bool) { ++parent_calls; });
  sa::event::listen(child, sa::event::before_cursor_execute,
                    [&](sa::Connection&, sa::dbapi::Cursor&, std::string&, sa::CursorParameters&,
                        sa::ExecutionContext&, bool) { ++child_calls; });
  child.connect().exec_driver_sql("SELECT 1");
  EXPECT_EQ(parent_calls, 1);
  EXPECT_EQ(child_calls, 1);
  engine().connect().exec_driver_sql("SELECT 1");
  EXPECT_EQ(parent_calls, 2);
  EXPECT_EQ(child_calls, 1);
  auto grandchild = child.execution_options({{"x", 1}});
  grandchild.connect().exec_driver_sql("SELECT 1");
  EXPECT_EQ(parent_calls, 3);
  EXPECT_EQ(child_calls, 2);
}

// Listeners added while a Connection is open apply to it (API.md: "and for Connections already
// open").
TEST_P(Events, ListenersApplyToOpenConnections) {
  auto conn = engine().connect();
  int n = 0;
  sa::event::listen(engine(), sa::event::begin, [&](sa::Connection&) { ++n; });
  conn.execute(sa::text("SELECT 1"));
  EXPECT_EQ(n, 1);
}

TEST_P(Events, EngineConnectReceivesTheConnection) {
  std::vector<bool> seen;
  sa::event::listen(engine(), sa::event::engine_connect,
                    [&](sa::Connection& c) { seen.push_back(!c.closed() && !c.in_transaction()); });
  auto conn = engine().connect();
  auto conn2 = engine().execution_options({{"a", 1}}).connect();
  EXPECT_EQ(seen, (std::vector<bool>{true, true}));
}

TEST_P(Events, RemoveStopsAListener) {
  int n = 0;
  const sa::event::ListenerId id =
      sa::event::listen(engine(), sa::event::begin, [&](sa::Connection&) { ++n; });
  sa::event::listen(engine(), sa::event::commit, [&](sa::Connection&) { n += 100; });
  auto conn = engine().connect();
  conn.begin().commit();
  EXPECT_EQ(n, 101);
  sa::event::remove(engine(), id);
  sa::event::remove(engine(), id);      // twice: ignored
  sa::event::remove(engine(), 987654);  // unknown: ignored
  conn.begin().commit();
  EXPECT_EQ(n, 201);
}

TEST_P(Events, ExecutionOptionsEventsMayChangeTheOptions) {
  sa::event::listen(engine(), sa::event::set_connection_execution_options,
                    [](sa::Connection&, sa::ExecutionOptions& opts) { opts.set("added", 1); });
  std::vector<std::string> engines_seen;
  sa::event::listen(engine(), sa::event::set_engine_execution_options,
                    [&](sa::Engine& e, sa::ExecutionOptions& opts) {
                      engines_seen.push_back(e.repr());
                      opts.set("engine_added", true);
                    });
  auto conn = engine().connect();
  conn.execution_options({{"given", 2}});
  EXPECT_TRUE(conn.get_execution_options().contains("given"));
  EXPECT_TRUE(conn.get_execution_options().contains("added"));
  auto child = engine().execution_options({{"shard_id", "s1"}});
  EXPECT_EQ(engines_seen, Lines{engine().repr()});
  EXPECT_TRUE(child.get_execution_options().contains("engine_added"));
  EXPECT_FALSE(engine().get_execution_options().contains("engine_added"));
}

TEST_P(Events, EngineDisposed) {
  int n = 0;
  sa::event::listen(engine(), sa::event::engine_disposed, [&](sa::Engine&) { ++n; });
  engine().dispose();
  EXPECT_EQ(n, 1);
}

// Seed 000 "Statement Execution Events": timing statements through conn.info().
TEST_P(Events, Seed000StatementTiming) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::string> printed;
  sa::event::listen(engine(), sa::event::before_cursor_execute,
                    [&](sa::Connection& conn, sa::dbapi::Cursor&, std::string& statement,
                        sa::CursorParameters&, sa::ExecutionContext&, bool) {
                      auto& slot = conn.info()["query_start_time"];
                      if (!slot.has_value()) slot = std::vector<Clock::time_point>{};
                      std::any_cast<std::vector<Clock::time_point>&>(slot).push_back(Clock::now());
                      printed.push_back("Executing: " + statement);
                    });
  sa::event::listen(engine(), sa::event::after_cursor_execute,
                    [&](sa::Connection& conn, sa::dbapi::Cursor&, const std::string&,
                        const sa::CursorParameters&, sa::ExecutionContext&, bool) {
                      auto& starts = std::any_cast<std::vector<Clock::time_point>&>(
                          conn.info().at("query_start_time"));
                      const auto total = Clock::now() - starts.back();
                      starts.pop_back();
                      printed.push_back(total.count() >= 0 ? "Query took" : "negative");
                    });
  auto conn = engine().connect();
  conn.execute(sa::text("SELECT 1"));
  EXPECT_EQ(printed, (Lines{"Executing: SELECT 1", "Query took"}));
  EXPECT_TRUE(
      std::any_cast<std::vector<Clock::time_point>&>(conn.info().at("query_start_time")).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, Events, ::testing::ValuesIn(all_backends()), backend_name);

}  // namespace
}  // namespace athanor::testing
