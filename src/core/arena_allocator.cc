#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "onyxrt/allocator.h"
#include "onyxrt/status.h"

namespace onyxrt {
namespace {

// Blocks of at least kMinArenaBytes, rounded up to whole pages, are kept on a free list per size
// when released; smaller ones go straight to the system allocator, which already serves them from
// its own pools without page faults. At most kMaxCachedBytes stay cached, so a model with huge
// transient tensors does not pin them forever.
constexpr size_t kMinArenaBytes = size_t{64} << 10;
constexpr size_t kPage = 4096;
constexpr size_t kMaxCachedBytes = size_t{2} << 30;

class ArenaAllocator final : public Allocator {
 public:
  void* allocate(size_t bytes) override {
    if (bytes < kMinArenaBytes) return system_->allocate(bytes);
    const size_t size = round_up(bytes);
    {
      std::lock_guard lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        sizes_[p] = size;
        return p;
      }
    }
    void* p = system_->allocate(size);
    std::lock_guard lock(mutex_);
    sizes_[p] = size;
    return p;
  }

  void deallocate(void* p) override {
    if (p == nullptr) return;
    {
      std::lock_guard lock(mutex_);
      auto it = sizes_.find(p);
      if (it != sizes_.end()) {
        const size_t size = it->second;
        sizes_.erase(it);
        if (cached_ + size <= kMaxCachedBytes) {
          free_[size].push_back(p);
          cached_ += size;
          return;
        }
      }
    }
    system_->deallocate(p);
  }

  const char* name() const override { return "CpuArena"; }

  size_t cached() {
    std::lock_guard lock(mutex_);
    return cached_;
  }

  void shrink() {
    std::map<size_t, std::vector<void*>> blocks;
    {
      std::lock_guard lock(mutex_);
      blocks.swap(free_);
      cached_ = 0;
    }
    for (auto& [_, list] : blocks)
      for (void* p : list) system_->deallocate(p);
  }

 private:
  static size_t round_up(size_t bytes) {
    if (bytes > SIZE_MAX - kPage) throw_error(ErrorCode::RuntimeException, "allocation size overflow");
    return (bytes + kPage - 1) / kPage * kPage;
  }

  std::shared_ptr<Allocator> system_ = cpu_allocator();
  std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_;  // size -> unused blocks of that size
  std::unordered_map<void*, size_t> sizes_;     // blocks in use that came from the arena path
  size_t cached_ = 0;
};

ArenaAllocator& arena() {
  // Never destroyed: tensors handed to the caller may be released after static destructors ran.
  static auto* instance = new std::shared_ptr<ArenaAllocator>(std::make_shared<ArenaAllocator>());
  return **instance;
}

std::shared_ptr<Allocator> arena_ptr() {
  static auto* instance = new std::shared_ptr<Allocator>(std::shared_ptr<Allocator>(&arena(), [](Allocator*) {}));
  return *instance;
}

}  // namespace

std::shared_ptr<Allocator> cpu_arena_allocator() { return arena_ptr(); }
size_t cpu_arena_cached_bytes() { return arena().cached(); }
void cpu_arena_shrink() { arena().shrink(); }

}  // namespace onyxrt
