#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
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
