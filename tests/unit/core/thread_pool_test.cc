#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <stdexcept>
#include <vector>

namespace onyxrt {
namespace {

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
  ThreadPool pool({.num_threads = 4});
  for (int64_t n : {1, 3, 7, 100, 1001}) {
    std::vector<std::atomic<int>> hits(n);
    pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[i]++;
    });
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
  }
}

// Dynamic chunks: every index once, in ranges of the chunk size (the last one shorter), with a
// pool or without one; a slow chunk leaves the rest to the other threads.
TEST(ThreadPool, ChunksCoverEveryIndexOnceAndBalance) {
  ThreadPool pool({.num_threads = 3});
  for (ThreadPool* p : {&pool, static_cast<ThreadPool*>(nullptr)})
    for (int64_t n : {1, 5, 64, 1001})
      for (int64_t chunk : {1, 4, 100}) {
        std::vector<std::atomic<int>> hits(n);
        std::atomic<bool> bad_range{false};
        ThreadPool::parallel_for_chunks(p, n, chunk, [&](int64_t b, int64_t e) {
          if (p && (b % chunk != 0 || (e - b != chunk && e != n))) bad_range = true;
          for (int64_t i = b; i < e; ++i) hits[i]++;
        });
        EXPECT_FALSE(bad_range.load()) << "n=" << n << " chunk=" << chunk;
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " chunk=" << chunk << " i=" << i;
      }
  // Chunk 0 sleeps: the other threads must take all the others meanwhile.
  std::atomic<int> after_slow{0};
  std::atomic<bool> slow_done{false};
  ThreadPool::parallel_for_chunks(&pool, 40, 1, [&](int64_t b, int64_t) {
    if (b == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      slow_done = true;
    } else if (!slow_done) {
      ++after_slow;
    }
  });
  EXPECT_GE(after_slow.load(), 30) << "chunks waited behind the slow one";
}

// The calling thread runs a static split's first block, and parallel_for_chunks' first home
// range from its first chunk on: the same part of the work lands on the same thread from call to
// call (the rows a kernel wrote stay in that core's cache for the next one).
TEST(ThreadPool, TheCallerTakesTheFirstBlockAndTheFirstHomeRange) {
  ThreadPool pool({.num_threads = 2});
  const std::thread::id caller = std::this_thread::get_id();
  for (int call = 0; call < 50; ++call) {
    std::thread::id first_block, first_chunk;
    pool.parallel_for(2, 1, [&](int64_t b, int64_t) {
      if (b == 0) first_block = std::this_thread::get_id();
    });
    std::vector<std::thread::id> by_chunk(64);
    ThreadPool::parallel_for_chunks(&pool, 64, 1, [&](int64_t b, int64_t) {
      by_chunk[static_cast<size_t>(b)] = std::this_thread::get_id();
    });
    first_chunk = by_chunk[0];
    ASSERT_EQ(first_block, caller) << "call " << call;
    ASSERT_EQ(first_chunk, caller) << "call " << call;
  }
}

// parallel_for_chunks_in_slots: every chunk once, slots below min(threads, chunks), and never
// two calls in one slot at the same time (kernels index their scratch by it), also while one
// chunk is slow and the others are taken from its range.
TEST(ThreadPool, ChunkSlotsAreNeverSharedAtOnce) {
  for (int threads : {2, 3}) {
    ThreadPool pool({.num_threads = threads});
    for (int64_t n : {1, 2, 5, 97}) {
      std::vector<std::atomic<int>> hits(n), busy(threads);
      std::atomic<bool> bad_slot{false}, shared_slot{false};
      ThreadPool::parallel_for_chunks_in_slots(&pool, n, 1, [&](int slot, int64_t b, int64_t e) {
        if (slot < 0 || slot >= std::min<int64_t>(threads, n)) {
          bad_slot = true;
          return;
        }
        if (busy[slot]++ != 0) shared_slot = true;
        if (b == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int64_t i = b; i < e; ++i) hits[i]++;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        busy[slot]--;
      });
      EXPECT_FALSE(bad_slot.load()) << threads << " threads, n=" << n;
      EXPECT_FALSE(shared_slot.load()) << threads << " threads, n=" << n;
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << threads << " threads, n=" << n << " i=" << i;
    }
  }
}

TEST(ThreadPool, NestedCallsRunInlineWithoutDeadlock) {
  ThreadPool pool({.num_threads = 3});
  std::atomic<int64_t> sum{0};
  pool.parallel_for(8, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(10, 1, [&](int64_t bb, int64_t ee) { sum += ee - bb; });
  });
  EXPECT_EQ(sum.load(), 80);
}

TEST(ThreadPool, RethrowsTheFirstException) {
  ThreadPool pool({.num_threads = 2});
  EXPECT_THROW(pool.parallel_for(10, 1, [](int64_t b, int64_t) {
    if (b == 0) throw std::runtime_error("boom");
  }), std::runtime_error);
  // The pool stays usable after a failed call.
  std::atomic<int64_t> covered{0};
  pool.parallel_for(10, 1, [&](int64_t b, int64_t e) { covered += e - b; });
  EXPECT_EQ(covered.load(), 10);
}

}  // namespace
}  // namespace onyxrt
