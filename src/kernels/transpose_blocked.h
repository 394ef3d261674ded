// Transpose of a dense row-major array into a dense output, for elements of 1, 2, 4, 8 or 16
// bytes. When the input's innermost dim stays innermost it is a copy of contiguous runs
// (kernels/transpose_strided_copy.h); otherwise the output dim that reads the input contiguously
// and the output's innermost dim are swapped tile by tile, so both the reads and the writes of a
// tile stay within a few cache lines. kernels/ref/transpose.h is the oracle it is tested against.
#pragma once
#include <cstdint>

#include "kernels/ref/transpose.h"

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

// out = the transpose `plan` describes (kernels/ref/transpose.h), split across `pool` (may be null).
void transpose_blocked(const ref::TransposePlan& plan, const void* in, void* out, int element_bytes,
                       ThreadPool* pool);

}  // namespace onyxrt::kernels
