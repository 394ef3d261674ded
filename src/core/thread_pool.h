// The one intra-op thread pool. Kernels never spawn threads: they call parallel_for, which splits
// [0, n) into blocks and runs them on the pool's workers and the calling thread.
// Spinning, affinities and shared pools (session.intra_op.*) become settings of this class.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

namespace onyxrt {

struct ThreadPoolSettings {
  int num_threads = 1;  // total, including the calling thread
};

class ThreadPool {
 public:
  explicit ThreadPool(const ThreadPoolSettings& settings);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const;
  // Calls fn(begin, end) over disjoint blocks covering [0, n). `min_block` is the smallest block
  // worth a task switch. Blocks run concurrently; returns when all are done. Exceptions thrown by
  // fn are re-thrown here (the first one).
  void parallel_for(int64_t n, int64_t min_block, const std::function<void(int64_t, int64_t)>& fn);

  // Runs fn serially when pool is null: kernels call this so they need not check.
  static void parallel_for(ThreadPool* pool, int64_t n, int64_t min_block,
                           const std::function<void(int64_t, int64_t)>& fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onyxrt
