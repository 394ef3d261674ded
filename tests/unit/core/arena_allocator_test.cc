// The process-wide CPU arena (enable_cpu_mem_arena): large blocks come back on the next request
// that fits them, split for smaller ones and merged again when their neighbours are freed; small
// ones come back from a free list per power of two; shrinking hands every unused block back;
// live blocks never overlap; and concurrent sessions can allocate and free through it at once.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
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

TEST(CpuArena, FreedBlockIsSplitForSmallerRequestsAndMergedBack) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  constexpr size_t kMiB = size_t{1} << 20;
  char* region = static_cast<char*>(arena.allocate(4 * kMiB));
  arena.deallocate(region);
  // Best fit from the freed region, not fresh memory: the next two requests take its first 2 MiB.
  char* a = static_cast<char*>(arena.allocate(kMiB));
  char* b = static_cast<char*>(arena.allocate(kMiB - 100));
  EXPECT_EQ(a, region);
  EXPECT_EQ(b, region + kMiB);
  EXPECT_EQ(cpu_arena_cached_bytes(), 2 * kMiB);
  std::memset(a, 1, kMiB);
  std::memset(b, 2, kMiB - 100);
  cpu_arena_shrink();  // the region is partly in use: it stays
  EXPECT_EQ(cpu_arena_cached_bytes(), 2 * kMiB);
  arena.deallocate(a);
  arena.deallocate(b);
  EXPECT_EQ(cpu_arena_cached_bytes(), 4 * kMiB);
  char* whole = static_cast<char*>(arena.allocate(4 * kMiB));  // the pieces merged into one chunk
  EXPECT_EQ(whole, region);
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
  arena.deallocate(whole);
  cpu_arena_shrink();
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
}

TEST(CpuArena, RandomTrafficKeepsLiveBlocksDisjointAndIntact) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  std::mt19937 rng(7);
  std::map<char*, size_t> live;  // start -> size, ordered so that neighbours can be compared
  // Every 97th byte of a small block, every 4093rd of a large one.
  auto stride = [](size_t size) { return size < (size_t{64} << 10) ? size_t{97} : size_t{4093}; };
  auto check_and_free = [&](std::map<char*, size_t>::iterator it) {
    const char tag = static_cast<char>(reinterpret_cast<uintptr_t>(it->first) >> 12);
    for (size_t i = 0; i < it->second; i += stride(it->second))
      ASSERT_EQ(it->first[i], tag) << "a live block of " << it->second << " bytes was overwritten";
    arena.deallocate(it->first);
    live.erase(it);
  };
  for (int step = 0; step < 3000; ++step) {
    if (!live.empty() && rng() % 2) {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      check_and_free(it);
      continue;
    }
    // A quarter from the size classes (1 byte to 64 KB), the rest from the regions' range.
    const size_t size = rng() % 4 == 0 ? 1 + rng() % (size_t{64} << 10) : (size_t{16} << 10) + rng() % (size_t{3} << 20);
    char* p = static_cast<char*>(arena.allocate(size));
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % Allocator::kAlignment, 0u);
    auto [it, fresh] = live.emplace(p, size);
    ASSERT_TRUE(fresh) << "a block handed out twice";
    if (it != live.begin()) {
      ASSERT_LE(std::prev(it)->first + std::prev(it)->second, p) << "overlaps the block below";
    }
    if (std::next(it) != live.end()) {
      ASSERT_LE(p + size, std::next(it)->first) << "overlaps the block above";
    }
    const char tag = static_cast<char>(reinterpret_cast<uintptr_t>(p) >> 12);
    for (size_t i = 0; i < size; i += stride(size)) p[i] = tag;
  }
  while (!live.empty()) check_and_free(live.begin());
  cpu_arena_shrink();  // every region is wholly free again
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
}

TEST(CpuArena, SmallBlocksComeBackFromTheirPowerOfTwoClass) {
  cpu_arena_shrink();
  Allocator& arena = *cpu_arena_allocator();
  char* p = static_cast<char*>(arena.allocate(1000));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Allocator::kAlignment, 0u);
  std::memset(p, 7, 1000);
  arena.deallocate(p);
  EXPECT_EQ(cpu_arena_cached_bytes(), 1024u);
  // 513..1024 bytes share the class; 1025 is the next one and gets a block of its own.
  char* q = static_cast<char*>(arena.allocate(600));
  EXPECT_EQ(q, p);
  EXPECT_EQ(cpu_arena_cached_bytes(), 0u);
  char* r = static_cast<char*>(arena.allocate(1025));
  EXPECT_NE(r, p);
  std::memset(r, 8, 1025);
  EXPECT_EQ(q[999], 7) << "a live small block was overwritten";
  arena.deallocate(q);
  arena.deallocate(r);
  EXPECT_EQ(cpu_arena_cached_bytes(), 1024u + 2048u);
  void* tiny = arena.allocate(0);  // still a distinct, aligned block
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tiny) % Allocator::kAlignment, 0u);
  arena.deallocate(tiny);
  cpu_arena_shrink();
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
