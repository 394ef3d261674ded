// Software prefetch of a block of floats into L2, a share of its cache lines at each step of the
// work that runs meanwhile: data the next piece of work reads from memory (a packed B block, the
// next convolution task's filters) arrives while the current one computes. A burst of prefetches
// at once held up the current work's own loads; spread, they cost one instruction a line.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

class PrefetchSpread {
 public:
  PrefetchSpread() = default;
  // `floats` floats from `first` (null: nothing) over `steps` calls of step().
  PrefetchSpread(const float* first, int64_t floats, int64_t steps) {
    if (!first || floats <= 0 || steps <= 0) return;
    line_ = reinterpret_cast<const char*>(first);
    lines_left_ = (floats * int64_t{sizeof(float)} + kLine - 1) / kLine;
    per_step_ = (lines_left_ + steps - 1) / steps;
  }
  void step() {
    for (int64_t q = 0; q < per_step_ && lines_left_ > 0; ++q, --lines_left_, line_ += kLine)
      __builtin_prefetch(line_, 0, 2);  // locality 2: L2, not L1, which holds the current work
  }

 private:
  static constexpr int64_t kLine = 64;
  const char* line_ = nullptr;
  int64_t lines_left_ = 0, per_step_ = 0;
};

}  // namespace onyxrt::kernels
