#include "kernels/vmath_parallel.h"

#include <algorithm>

namespace onyxrt::kernels {

void vmath_apply(ThreadPool* pool, VOp op, const float* x, float* y, int64_t n, VParams p, const float* bias,
                 int64_t bias_len) {
  if (n <= 0) return;
  const VUnaryFn fn = vmath().unary[static_cast<int>(op)];
  if (bias) {
    // Whole rows per block, so each call sees the bias from its start.
    ThreadPool::parallel_for(pool, n / bias_len, std::max<int64_t>(1, kVMathMinBlock / bias_len),
                             [&](int64_t r0, int64_t r1) {
                               for (int64_t r = r0; r < r1; ++r) fn(x + r * bias_len, bias, y + r * bias_len, bias_len, p);
                             });
    return;
  }
  // Chunks of a multiple of every variant's lane count, so only the last one is ragged.
  constexpr int64_t kChunk = 1024;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  ThreadPool::parallel_for(pool, chunks, kVMathMinBlock / kChunk, [&](int64_t c0, int64_t c1) {
    const int64_t begin = c0 * kChunk, end = std::min(n, c1 * kChunk);
    fn(x + begin, nullptr, y + begin, end - begin, p);
  });
}

void softmax_rows(ThreadPool* pool, const float* x, float* y, int64_t rows, int64_t len, bool log) {
  if (rows <= 0 || len <= 0) return;
  const VMathKernels& k = vmath();
  const auto row_fn = log ? k.log_softmax_row : k.softmax_row;
  ThreadPool::parallel_for(pool, rows, std::max<int64_t>(1, kVMathMinBlock / len), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) row_fn(x + r * len, y + r * len, len);
  });
}

}  // namespace onyxrt::kernels
