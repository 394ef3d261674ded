// The process-wide CPU arena (enable_cpu_mem_arena): large blocks come back on the next request of
// the same size, small ones bypass it, shrinking hands every unused block back, and concurrent
// sessions can allocate and free through it at once.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "onyxrt/allocator.h"

namespace onyxrt {
namespace {

constexpr size_t kLarge = size_t{3} << 20;

TEST(CpuArena, FreedLargeBlockIsReusedAndCounted) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  void* p = arena.allocate(kLarge);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Allocator::kAlignment, 0u);
  std::memset(p, 1, kLarge);
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
  arena.deallocate(p);
  EXPECT_GE(cpu_arena_cached_bytes(), kLarge);
  void* q = arena.allocate(kLarge - 100);  // rounds to the same page count
  EXPECT_EQ(q, p);
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
  arena.deallocate(q);
  cpu_arena_shrink();
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
}

TEST(CpuArena, SmallBlocksBypassTheArena) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  void* p = arena.allocate(1024);
  arena.deallocate(p);
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
}

TEST(CpuArena, ConcurrentUseKeepsLiveBlocksDistinct) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  std::vector<std::thread> threads;
  std::vector<std::vector<void*>> live(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        void* p = arena.allocate(kLarge / 4 + static_cast<size_t>(i % 3) * 4096);
        static_cast<char*>(p)[0] = static_cast<char>(t);
        if (i % 2) arena.deallocate(p);
        else live[t].push_back(p);
      }
    });
  for (auto& th : threads) th.join();
  std::set<void*> distinct;
  for (auto& list : live)
    for (void* p : list) EXPECT_TRUE(distinct.insert(p).second) << "a block handed out twice";
  for (auto& list : live)
    for (void* p : list) arena.deallocate(p);
  cpu_arena_shrink();
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
}

}  // namespace
}  // namespace onyxrt
