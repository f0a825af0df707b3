// BlockPool: freed blocks are reused by the freeing thread, and a select() rebuilt per call
// allocates nothing once its blocks are pooled. Under AddressSanitizer blocks bypass the pool
// (so that a use after free is still caught), and these tests check that instead.
#include "block_pool.hpp"

#include <gtest/gtest.h>

#include <athanor/athanor.hpp>
#include <thread>

#include "alloc_counter.hpp"

namespace sa = athanor;
using athanor::detail::BlockPool;
using athanor::testing::g_allocations;

namespace {

#ifdef __SANITIZE_ADDRESS__
constexpr bool pooled = false;
#else
constexpr bool pooled = true;
#endif

TEST(BlockPool, AFreedBlockIsTheNextOneTakenOnItsThread) {
  using Pool = BlockPool<48>;
  void* first = Pool::take();
  Pool::give(first);
  const long before = g_allocations.load();
  void* second = Pool::take();
  EXPECT_EQ(second == first, pooled);
  EXPECT_EQ(g_allocations.load() - before, pooled ? 0 : 1);
  Pool::give(second);
}

TEST(BlockPool, ABlockFreedOnAnotherThreadJoinsThatThreadsList) {
  using Pool = BlockPool<80>;
  void* block = Pool::take();
  void* retaken = nullptr;
  std::thread other([&] {
    Pool::give(block);
    retaken = Pool::take();  // the other thread's list now holds `block`
    Pool::give(retaken);
  });
  other.join();  // the other thread's list goes back to the heap as it exits
  EXPECT_EQ(retaken == block, pooled);
}

TEST(BlockPool, ASelectRebuiltPerCallAllocatesNothingOnceWarm) {
  sa::MetaData metadata;
  sa::Table t(
      "t", metadata,
      {sa::Column("id", sa::Integer(), {.primary_key = true}), sa::Column("name", sa::String(50))});
  auto build = [&](int i) { return sa::select(t).where(t.c("id") == i); };
  (void)build(0);  // fills the pools with this statement's blocks
  const long before = g_allocations.load();
  for (int i = 1; i <= 20; ++i) {
    const auto stmt = build(i);
    EXPECT_EQ(stmt.data().where.size(), 1u);
  }
  // The SelectData, the comparison and its bound literal: three blocks per statement.
  EXPECT_EQ(g_allocations.load() - before, pooled ? 0 : 20 * 3);
}

}  // namespace
