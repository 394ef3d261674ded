#include "onyxrt/allocator.h"

#include <cstdlib>
#include <new>
#include <string>

#include "onyxrt/status.h"

namespace onyxrt {
namespace {

class SystemAllocator final : public Allocator {
 public:
  void* allocate(size_t bytes) override {
    // aligned_alloc needs a size that is a multiple of the alignment, and 0 is not portable.
    size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    if (rounded == 0) rounded = kAlignment;
    if (rounded < bytes) throw_error(ErrorCode::RuntimeException, "allocation size overflow");
    void* p = std::aligned_alloc(kAlignment, rounded);
    if (!p)
      throw_error(ErrorCode::RuntimeException,
                  "out of memory: failed to allocate " + std::to_string(bytes) + " bytes");
    return p;
  }
  void deallocate(void* p) override { std::free(p); }
  const char* name() const override { return "Cpu"; }
};

}  // namespace

std::shared_ptr<Allocator> cpu_allocator() {
  static std::shared_ptr<Allocator> instance = std::make_shared<SystemAllocator>();
  return instance;
}

}  // namespace onyxrt
