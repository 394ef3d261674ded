// The vector-math kernels of vmath.h split over the intra-op thread pool, for the ops to call.
#pragma once
#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/vmath.h"

namespace onyxrt::kernels {

// y[i] = op(x[i] + bias[i % bias_len]) for i < n (bias may be null; bias_len must divide n).
// x and y may alias.
void vmath_apply(ThreadPool* pool, VOp op, const float* x, float* y, int64_t n, VParams p = {},
                 const float* bias = nullptr, int64_t bias_len = 0);

// Softmax (or LogSoftmax) over each of `rows` contiguous rows of `len` values.
void softmax_rows(ThreadPool* pool, const float* x, float* y, int64_t rows, int64_t len, bool log);

}  // namespace onyxrt::kernels
