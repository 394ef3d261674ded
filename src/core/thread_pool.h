// The one intra-op thread pool. Kernels never spawn threads: they call parallel_for, which splits
// [0, n) into blocks and runs them on the pool's workers and the calling thread.
// Spinning, affinities and shared pools (session.intra_op.*) become settings of this class.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace onyxrt {

// Each field is one of the guide's session.intra_op.* / session.* keys (see config_key_table.cc).
struct ThreadPoolSettings {
  int num_threads = 1;          // total, including the calling thread
  bool allow_spinning = true;   // session.intra_op.allow_spinning: idle workers poll before sleeping
  int64_t spin_duration_us = 0; // session.intra_op.spin_duration_us; 0 = the pool's own default
  int spin_backoff_max = 1;     // session.intra_op.spin_backoff_max: pause doubling cap, 1..64
  int dynamic_block_base = 0;   // session.dynamic_block_base: > 0 splits into shrinking blocks
  // session.intra_op_thread_affinities: CPU lists, one per worker (num_threads - 1 entries), or empty.
  std::vector<std::vector<int>> affinities = {};
};

class ThreadPool {
 public:
  explicit ThreadPool(const ThreadPoolSettings& settings);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const;
  const ThreadPoolSettings& settings() const;
  // session.force_spinning_stop: workers stop spinning now and sleep until the next parallel_for.
  void stop_spinning();
  // Calls fn(begin, end) over disjoint blocks covering [0, n). `min_block` is the smallest block
  // worth a task switch. Blocks run concurrently; returns when all are done. Exceptions thrown by
  // fn are re-thrown here (the first one).
  void parallel_for(int64_t n, int64_t min_block, const std::function<void(int64_t, int64_t)>& fn);

  // Runs fn serially when pool is null: kernels call this so they need not check.
  static void parallel_for(ThreadPool* pool, int64_t n, int64_t min_block,
                           const std::function<void(int64_t, int64_t)>& fn);

  // fn(begin, end) over [0, n) in chunks of `chunk` indices that the threads take from a shared
  // counter as they become free, whatever the pool's block policy: for kernels whose tasks vary in
  // cost or whose threads may be slowed unevenly. Serial when pool is null.
  static void parallel_for_chunks(ThreadPool* pool, int64_t n, int64_t chunk,
                                  const std::function<void(int64_t, int64_t)>& fn);
  // The same, with fn(slot, begin, end) told which thread's home range it is working for: slot <
  // min(threads, chunk count), and no two calls that run at the same time get the same slot, so a
  // kernel can give each slot its own scratch.
  static void parallel_for_chunks_in_slots(ThreadPool* pool, int64_t n, int64_t chunk,
                                           const std::function<void(int, int64_t, int64_t)>& fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onyxrt
