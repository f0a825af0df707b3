// The engine's compiled cache: keyed by structure (for text(): the SQL), LRU, pruned back to size
// at 150%.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <string>
#include <vector>

#include "log_capture.hpp"
#include "sql/compiled_cache.hpp"

namespace sa = athanor;
using athanor::testing::LogCapture;

namespace {

std::unique_ptr<sa::sql::Compiled> compile(const std::string& sql) {
  return sa::sql::TextClause::compile_text(sql, sa::Paramstyle::qmark);
}

// The badge line logged after the statement `sql`, from the `nth` time it was logged.
std::string badge_after(const LogCapture& log, const std::string& sql, int nth = 0) {
  const std::vector<std::string> lines = log.messages();
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] == sql && nth-- == 0) return lines[i + 1];
  }
  return "<not logged>";
}

}  // namespace

TEST(CompiledCache, SameKeyIsOneEntryMadeOnce) {
  sa::sql::CompiledCache cache(10);
  int made = 0;
  auto make = [&] {
    ++made;
    return compile("SELECT 1");
  };
  const auto first = cache.get_or_create("k", make);
  const auto second = cache.get_or_create("k", make);
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(first.compiled, second.compiled);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CompiledCache, GrowsTo150PercentThenPrunesLeastRecentlyUsedBackToSize) {
  std::vector<std::string> pruned;
  sa::sql::CompiledCache cache(10, [&](const std::string& line) { pruned.push_back(line); });
  for (int i = 0; i < 15; ++i) cache.get_or_create(std::to_string(i), [] { return compile("x"); });
  EXPECT_EQ(cache.size(), 15u);                           // at 150%: not pruned yet
  cache.get_or_create("0", [] { return compile("x"); });  // "0" becomes the most recent
  EXPECT_TRUE(pruned.empty());
  cache.get_or_create("15", [] { return compile("x"); });  // 16 > 15: prune to 10
  EXPECT_EQ(cache.size(), 10u);
  ASSERT_EQ(pruned.size(), 1u);
  EXPECT_EQ(pruned[0],
            "Compiled cache size pruning from 16 items to 10.  Increase cache size to reduce the "
            "frequency of pruning.");
  // The survivors are the 10 most recently used: "0" and "7".."15".
  EXPECT_FALSE(cache.get_or_create("0", [] { return compile("x"); }).created);
  EXPECT_TRUE(cache.get_or_create("6", [] { return compile("x"); }).created);
}

// A thread finds its last hit again without the lock (src/sql/compiled_cache.hpp): such a hit
// still counts as a use, and an entry the cache dropped is never served from that memory.
TEST(CompiledCache, AThreadsRememberedHitCountsAsUseAndIsForgottenWhenDropped) {
  sa::sql::CompiledCache cache(2);
  auto make = [] { return compile("x"); };
  cache.get_or_create("a", make);
  EXPECT_FALSE(cache.get_or_create("a", make).created);  // a hit: remembered
  cache.get_or_create("b", make);
  cache.get_or_create("c", make);
  EXPECT_FALSE(cache.get_or_create("a", make).created);  // the remembered hit: now the newest
  cache.get_or_create("d", make);                        // 4 > 3: prune back to 2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.get_or_create("a", make).created);  // kept, with "d"
  EXPECT_TRUE(cache.get_or_create("b", make).created);

  EXPECT_FALSE(cache.get_or_create("b", make).created);  // remembered
  cache.clear();
  EXPECT_TRUE(cache.get_or_create("b", make).created);
  EXPECT_FALSE(cache.get_or_create("b", make).created);  // remembered again
  cache.get_or_create("e", make);
  cache.get_or_create("f", make);
  cache.get_or_create("g", make);  // prune: "b" is the oldest and goes
  EXPECT_TRUE(cache.get_or_create("b", make).created);
}

TEST(CompiledCache, EqualSqlInANewTextIsACacheHit) {
  LogCapture log;
  auto engine = sa::create_engine("sqlite://", {.echo = true});
  auto conn = engine.connect();
  conn.execute(sa::text("SELECT 1 AS one"));
  conn.execute(sa::text("SELECT 1 AS one"));  // another TextClause, same SQL
  EXPECT_EQ(badge_after(log, "SELECT 1 AS one", 0).rfind("[generated in ", 0), 0u)
      << badge_after(log, "SELECT 1 AS one", 0);
  EXPECT_EQ(badge_after(log, "SELECT 1 AS one", 1).rfind("[cached since ", 0), 0u)
      << badge_after(log, "SELECT 1 AS one", 1);
}

TEST(CompiledCache, DisabledByQueryCacheSizeZeroOrTheCompiledCacheOption) {
  LogCapture log;
  auto engine = sa::create_engine("sqlite://", {.echo = true, .query_cache_size = 0});
  auto conn = engine.connect();
  const auto stmt = sa::text("SELECT 2 AS two");
  conn.execute(stmt);
  conn.execute(stmt);
  EXPECT_EQ(badge_after(log, "SELECT 2 AS two", 1).rfind("[caching disabled ", 0), 0u);

  auto cached_engine = sa::create_engine("sqlite://", {.echo = true});
  auto c2 = cached_engine.connect();
  c2.execution_options({{"compiled_cache", sa::null}});
  c2.execute(sa::text("SELECT 3 AS three"));
  EXPECT_EQ(badge_after(log, "SELECT 3 AS three", 0).rfind("[caching disabled ", 0), 0u);
}

TEST(CompiledCache, ClearMakesEqualSqlInANewTextCompileAgain) {
  LogCapture log;
  auto engine = sa::create_engine("sqlite://", {.echo = true});
  auto conn = engine.connect();
  conn.execute(sa::text("SELECT 4 AS four"));
  engine.clear_compiled_cache();
  conn.execute(sa::text("SELECT 4 AS four"));
  EXPECT_EQ(badge_after(log, "SELECT 4 AS four", 1).rfind("[generated in ", 0), 0u);
}
