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

// The process-wide CPU arena (session option enable_cpu_mem_arena, on by default): large blocks
// a run frees are kept and handed out again, so that steady-state runs do not map, fault in and
// unmap fresh pages for every intermediate tensor. Shared by every session of the process, like
// onnxruntime's environment allocator; it lives as long as the process.
std::shared_ptr<Allocator> cpu_arena_allocator();

// Bytes the arena holds in blocks no tensor uses.
size_t cpu_arena_cached_bytes();
// Gives every unused block back to the system (RunOptions memory.enable_memory_arena_shrinkage).
void cpu_arena_shrink();

}  // namespace onyxrt
