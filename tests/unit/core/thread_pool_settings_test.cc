// Each ThreadPoolSettings field shows its effect: spinning burns CPU after a job (and stops when
// disabled or stopped), dynamic blocks shrink, affinities pin workers.
#include <gtest/gtest.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_pool.h"

namespace onyxrt {
namespace {

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// CPU the process uses while the calling thread sleeps for `ms` right after a parallel_for.
double idle_cpu_after_job(ThreadPool& pool, int ms, bool stop = false) {
  std::atomic<int64_t> sum{0};
  pool.parallel_for(2, 1, [&](int64_t b, int64_t e) { sum += e - b; });
  if (stop) {
    pool.stop_spinning();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the worker notice
  }
  const double before = process_cpu_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return process_cpu_ms() - before;
}

TEST(ThreadPoolSettings, SpinningWorkersUseCpuWhileIdle) {
  ThreadPoolSettings s;
  s.num_threads = 2;
  s.spin_duration_us = 5'000'000;
  ThreadPool pool(s);
  EXPECT_GT(idle_cpu_after_job(pool, 200), 40.0) << "a spinning worker should poll through the sleep";
}

TEST(ThreadPoolSettings, WithoutSpinningWorkersSleep) {
  ThreadPoolSettings s;
  s.num_threads = 2;
  s.allow_spinning = false;
  ThreadPool pool(s);
  EXPECT_LT(idle_cpu_after_job(pool, 200), 20.0);
}

TEST(ThreadPoolSettings, StopSpinningPutsWorkersToSleepAndTheNextJobStillRuns) {
  ThreadPoolSettings s;
  s.num_threads = 2;
  s.spin_duration_us = 10'000'000;
  ThreadPool pool(s);
  EXPECT_LT(idle_cpu_after_job(pool, 200, /*stop=*/true), 20.0);
  std::atomic<int64_t> covered{0};
  pool.parallel_for(100, 1, [&](int64_t b, int64_t e) { covered += e - b; });
  EXPECT_EQ(covered.load(), 100);
}

TEST(ThreadPoolSettings, BackoffStillCoversEveryIndex) {
  ThreadPoolSettings s;
  s.num_threads = 3;
  s.spin_backoff_max = 64;
  ThreadPool pool(s);
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<std::atomic<int>> hits(257);
    pool.parallel_for(257, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[i]++;
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
}

std::vector<int64_t> block_sizes(ThreadPool& pool, int64_t n) {
  std::mutex m;
  std::vector<int64_t> sizes;
  pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
    std::lock_guard<std::mutex> lock(m);
    sizes.push_back(e - b);
  });
  return sizes;
}

TEST(ThreadPoolSettings, DynamicBlockBaseSplitsIntoShrinkingBlocks) {
  ThreadPoolSettings fixed;
  fixed.num_threads = 2;
  ThreadPool static_pool(fixed);
  EXPECT_EQ(block_sizes(static_pool, 1000).size(), 2u);

  ThreadPoolSettings guided = fixed;
  guided.dynamic_block_base = 4;
  ThreadPool dynamic_pool(guided);
  std::vector<int64_t> sizes = block_sizes(dynamic_pool, 1000);
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  EXPECT_EQ(total, 1000);
  EXPECT_GT(sizes.size(), 8u);
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()), 1000 / 8);
}

TEST(ThreadPoolSettings, AffinityPinsTheWorker) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two CPUs";
  for (int cpu : {0, 1}) {
    ThreadPoolSettings s;
    s.num_threads = 2;
    s.affinities = {{cpu}};
    ThreadPool pool(s);
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<int> worker_cpu{-1};
    // Blocks of one index with a short wait so the worker takes at least one.
    for (int tries = 0; tries < 100 && worker_cpu.load() < 0; ++tries)
      pool.parallel_for(2, 1, [&](int64_t, int64_t) {
        if (std::this_thread::get_id() != caller) worker_cpu = sched_getcpu();
        else std::this_thread::sleep_for(std::chrono::milliseconds(2));
      });
    EXPECT_EQ(worker_cpu.load(), cpu);
  }
}

}  // namespace
}  // namespace onyxrt
