// Statements rebuilt on several threads at once share one compiled form through the engine's
// cache, while each execution binds its own values: no thread may see another's literals.
// Built into athanor_thread_tests too, so it also runs under ThreadSanitizer.
#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "pool/pool_test_util.hpp"

namespace sa = athanor;

namespace {

// A file database with table t of `rows` rows (id, "n<id>"), behind a pool of `pool_size`.
struct NamedRows {
  NamedRows(int rows, int pool_size)
      : engine(sa::create_engine(db.url(), {.pool_size = pool_size})) {
    metadata.create_all(engine);
    engine.begin([&](sa::Connection& conn) {
      for (int i = 1; i <= rows; ++i) {
        conn.execute(sa::insert(t).values({{"id", i}, {"name", "n" + std::to_string(i)}}));
      }
    });
  }
  // True when `row` is row `id` of t.
  static bool is_row(const sa::Row& row, int id) {
    return row.get<std::int64_t>(0) == id && row.get<std::string>(1) == "n" + std::to_string(id);
  }

  pool_test::TempDb db;
  sa::Engine engine;
  sa::MetaData metadata;
  sa::Table t{
      "t",
      metadata,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(20))}};
};

// Runs body(k) on `threads` threads at once, k = 0 .. threads - 1, and waits for them all.
template <typename Body>
void on_threads(int threads, Body body) {
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) pool.emplace_back(body, k);
  for (auto& th : pool) th.join();
}

}  // namespace

TEST(ConstructThreads, RebuiltStatementsBindTheirOwnValuesFromOneCachedForm) {
  constexpr int threads = 4;
  constexpr int rows = 50;
  constexpr int rounds = 200;
  NamedRows data(rows, threads);
  auto& engine = data.engine;
  auto& t = data.t;

  std::atomic<int> wrong{0};
  on_threads(threads, [&](int k) {
    auto conn = engine.connect();
    for (int r = 0; r < rounds; ++r) {
      const int id = (k * rounds + r) % rows + 1;
      if (!NamedRows::is_row(conn.execute(sa::select(t).where(t.c("id") == id)).one(), id)) {
        ++wrong;
      }
    }
  });
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ConstructThreads, OneStatementObjectRunsOnSeveralThreadsAtOnce) {
  constexpr int threads = 4;
  pool_test::TempDb db;
  auto engine = sa::create_engine(db.url(), {.pool_size = threads});
  sa::MetaData metadata;
  sa::Table t("t", metadata, {sa::Column("id", sa::Integer(), {.primary_key = true})});
  metadata.create_all(engine);
  engine.begin([&](sa::Connection& conn) {
    conn.execute(sa::insert(t), std::vector<sa::Params>{{{"id", 1}}, {{"id", 2}}, {{"id", 3}}});
  });
  const auto shared = sa::select(t.c("id")).where(t.c("id") >= 2).order_by({t.c("id")});

  std::atomic<int> wrong{0};
  on_threads(threads, [&](int) {
    auto conn = engine.connect();
    for (int r = 0; r < 100; ++r) {
      if (conn.execute(shared).scalars().all() != std::vector<sa::Value>{2, 3}) ++wrong;
    }
  });
  EXPECT_EQ(wrong.load(), 0);
}

// Expression nodes come from per-thread block pools (src/block_pool.hpp): statements built on one
// thread and executed and dropped on another hand their blocks over to that thread's pool.
TEST(ConstructThreads, StatementsBuiltOnOneThreadRunAndDropOnAnother) {
  constexpr int rows = 20;
  constexpr int batches = 50;
  constexpr int per_batch = 20;
  NamedRows data(rows, 2);
  auto& engine = data.engine;
  auto& t = data.t;

  std::vector<std::vector<sa::Select>> handed(batches);
  std::atomic<int> ready{0};
  std::atomic<int> wrong{0};
  std::thread builder([&] {
    for (int b = 0; b < batches; ++b) {
      for (int k = 0; k < per_batch; ++k) {
        handed[b].push_back(sa::select(t).where(t.c("id") == (b * per_batch + k) % rows + 1));
      }
      ready.store(b + 1, std::memory_order_release);
    }
  });
  std::thread runner([&] {
    auto conn = engine.connect();
    for (int b = 0; b < batches; ++b) {
      while (ready.load(std::memory_order_acquire) <= b) std::this_thread::yield();
      for (int k = 0; k < per_batch; ++k) {
        const int id = (b * per_batch + k) % rows + 1;
        if (!NamedRows::is_row(conn.execute(handed[b][k]).one(), id)) ++wrong;
      }
      handed[b].clear();  // the blocks join this thread's pool
      // Statements built here reuse them while the builder goes on with its own.
      const auto local = sa::select(t).where(t.c("id") == b % rows + 1);
      if (conn.execute(local).one().get<std::int64_t>(0) != b % rows + 1) ++wrong;
    }
  });
  builder.join();
  runner.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Each thread remembers its last cache hit; a cache far too small for the statements in use
// prunes all the time, and another thread clears it, while the threads keep executing.
TEST(ConstructThreads, ThreadsReuseTheirLastHitWhileTheCacheIsPrunedAndCleared) {
  constexpr int threads = 3;
  constexpr int rows = 20;
  constexpr int rounds = 150;
  NamedRows data(rows, threads);
  auto& t = data.t;
  auto engine = sa::create_engine(data.db.url(), {.pool_size = threads, .query_cache_size = 2});

  std::atomic<int> wrong{0};
  std::atomic<bool> done{false};
  std::thread clearer([&] {
    while (!done.load(std::memory_order_acquire)) {
      engine.clear_compiled_cache();
      std::this_thread::yield();
    }
  });
  // Four statement shapes, each finding row `id`, for a cache of two entries.
  auto statement = [&](int shape, int id) {
    switch (shape) {
      case 0:
        return sa::select(t).where(t.c("id") == id);
      case 1:
        return sa::select(t).where(t.c("id") <= id).order_by({t.c("id").desc()}).limit(1);
      case 2:
        return sa::select(t.c("id"), t.c("name")).where(t.c("id") == id);
      default:
        return sa::select(t).where(t.c("id") >= id).order_by({t.c("id")}).limit(1);
    }
  };
  on_threads(threads, [&](int k) {
    auto conn = engine.connect();
    for (int r = 0; r < rounds; ++r) {
      const int id = (k * rounds + r) % rows + 1;
      // Each statement twice in a row: the second finds the remembered hit.
      for (int twice = 0; twice < 2; ++twice) {
        const sa::Row row = conn.execute(statement(r % 4, id)).one();
        if (!NamedRows::is_row(row, id)) ++wrong;
      }
    }
  });
  done.store(true, std::memory_order_release);
  clearer.join();
  EXPECT_EQ(wrong.load(), 0);
}
