#include "core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace onyxrt {
namespace {
// Set on pool workers: a parallel_for issued from inside a block runs inline, so nested
// parallelism never waits on the workers it is occupying.
thread_local bool t_inside_pool = false;
}  // namespace

struct ThreadPool::Impl {
  struct Job {
    const std::function<void(int64_t, int64_t)>* fn = nullptr;
    int64_t n = 0;
    int64_t block = 1;
    int64_t num_blocks = 0;
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    std::exception_ptr error;
    std::mutex error_mutex;
  };

  int num_threads = 1;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable finished;
  Job* job = nullptr;
  uint64_t generation = 0;
  bool stopping = false;
  int active = 0;  // workers inside run_blocks of the current job; the job outlives them
  std::mutex dispatch;  // one parallel_for at a time uses the workers

  void run_blocks(Job& j) {
    for (;;) {
      int64_t b = j.next.fetch_add(1);
      if (b >= j.num_blocks) break;
      int64_t begin = b * j.block, end = std::min(j.n, begin + j.block);
      try {
        (*j.fn)(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(j.error_mutex);
        if (!j.error) j.error = std::current_exception();
      }
      j.done.fetch_add(1);
    }
  }

  void worker_loop() {
    t_inside_pool = true;
    uint64_t seen = 0;
    for (;;) {
      Job* j;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return stopping || (job && generation != seen); });
        if (stopping) return;
        seen = generation;
        j = job;
        ++active;
      }
      run_blocks(*j);
      {
        std::lock_guard<std::mutex> lock(mutex);
        --active;
      }
      finished.notify_all();
    }
  }
};

ThreadPool::ThreadPool(const ThreadPoolSettings& settings) : impl_(std::make_unique<Impl>()) {
  impl_->num_threads = std::max(1, settings.num_threads);
  for (int i = 1; i < impl_->num_threads; ++i) impl_->workers.emplace_back([this] { impl_->worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->workers) t.join();
}

int ThreadPool::num_threads() const { return impl_->num_threads; }

void ThreadPool::parallel_for(int64_t n, int64_t min_block, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  min_block = std::max<int64_t>(1, min_block);
  int64_t max_blocks = (n + min_block - 1) / min_block;
  int64_t blocks = std::min<int64_t>(max_blocks, impl_->num_threads);
  std::unique_lock<std::mutex> dispatch(impl_->dispatch, std::defer_lock);
  if (blocks <= 1 || t_inside_pool || !dispatch.try_lock()) {
    fn(0, n);
    return;
  }
  Impl::Job job;
  job.fn = &fn;
  job.n = n;
  job.block = (n + blocks - 1) / blocks;
  job.num_blocks = (n + job.block - 1) / job.block;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->job = &job;
    ++impl_->generation;
  }
  impl_->wake.notify_all();
  bool was_inside = t_inside_pool;
  t_inside_pool = true;
  impl_->run_blocks(job);
  t_inside_pool = was_inside;
  {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->finished.wait(lock, [&] { return job.done.load() == job.num_blocks && impl_->active == 0; });
    impl_->job = nullptr;
  }
  if (job.error) std::rethrow_exception(job.error);
}

void ThreadPool::parallel_for(ThreadPool* pool, int64_t n, int64_t min_block,
                              const std::function<void(int64_t, int64_t)>& fn) {
  if (pool) {
    pool->parallel_for(n, min_block, fn);
  } else if (n > 0) {
    fn(0, n);
  }
}

}  // namespace onyxrt
