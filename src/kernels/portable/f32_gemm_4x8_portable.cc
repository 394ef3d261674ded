// Portable SGEMM micro-kernel: plain C++ the compiler vectorises for the baseline ISA (SSE2 on
// x86-64). A 4x8 tile keeps 8 accumulator vectors, within the 16 SSE registers.
#include <cstdint>

namespace onyxrt::kernels {

void f32_gemm_4x8_portable(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta) {
  constexpr int MR = 4, NR = 8;
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
  }
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) {
      for (int j = 0; j < NR; ++j) row[j] = acc[i][j];
    } else {
      for (int j = 0; j < NR; ++j) row[j] = acc[i][j] + beta * row[j];
    }
  }
}

}  // namespace onyxrt::kernels
