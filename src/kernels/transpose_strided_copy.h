// Copying an N-D block between two arrays addressed by element strides (zero for a repeated
// input, as Expand has; negative for Slice with negative steps), moving whole contiguous runs with
// memcpy. Slice, Expand and the Transpose kernels share it; kernels/ref/strided_copy.h is the
// element-at-a-time oracle it is tested against.
//
// Works on raw bytes for elements of 1, 2, 4, 8 or 16 bytes; strings need the reference copy.
#pragma once
#include <cstdint>
#include <vector>

namespace onyxrt::kernels {

// The copy with dims of extent 1 dropped and neighbours merged where both arrays step through
// them as one, so a slice of whole rows becomes one long run. Dims are innermost last, never empty.
struct StridedCopyPlan {
  std::vector<int64_t> extent, in_strides, out_strides;
  int64_t rows = 0;  // product of every merged dim but the innermost: the unit of work splitting
  int64_t size = 0;  // elements copied
};

StridedCopyPlan plan_strided_copy(const std::vector<int64_t>& extent, const std::vector<int64_t>& in_strides,
                                  const std::vector<int64_t>& out_strides);

// Copies rows [row_begin, row_end) of `plan`; `in` and `out` point at the block's first element.
// Runs on the calling thread: callers split [0, plan.rows) across a pool.
void strided_copy_rows(const StridedCopyPlan& plan, const void* in, void* out, int element_bytes, int64_t row_begin,
                       int64_t row_end);

// Rows worth one thread-pool task for a plan: about 16k elements.
int64_t strided_copy_min_rows(const StridedCopyPlan& plan);

}  // namespace onyxrt::kernels

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

// The whole copy of `plan`, split across `pool` (may be null) by rows.
void strided_copy(const StridedCopyPlan& plan, const void* in, void* out, int element_bytes, ThreadPool* pool);

}  // namespace onyxrt::kernels
