// Every buffer that a run needs is obtained through one Allocator, so that arenas, planned
// buffers and shared allocators (session options enable_cpu_mem_arena, session.use_env_allocators)
// are settings of one mechanism rather than separate code paths.
#pragma once
#include <cstddef>
#include <memory>

namespace onyxrt {

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns memory aligned to at least kAlignment; never nullptr (throws on exhaustion).
  virtual void* allocate(size_t bytes) = 0;
  virtual void deallocate(void* p) = 0;
  virtual const char* name() const = 0;

  static constexpr size_t kAlignment = 64;
};

// The process-wide system allocator (aligned malloc/free).
std::shared_ptr<Allocator> cpu_allocator();

}  // namespace onyxrt
