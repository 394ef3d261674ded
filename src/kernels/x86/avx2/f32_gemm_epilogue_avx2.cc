// AVX2 SGEMM epilogue: 8 columns at a time, the ragged tail by the portable body's rules. Clip and
// Relu put the bound first in max/min so that NaN passes through, as std::max(x, lo) does.
#include <immintrin.h>

#include "kernels/sgemm_epilogue.h"

namespace onyxrt::kernels {

void f32_gemm_epilogue_avx2(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                            int64_t j0) {
  using Act = SgemmEpilogue::Activation;
  const int64_t vec_cols = cols / 8 * 8;
  const __m256 zero = _mm256_setzero_ps(), lo = _mm256_set1_ps(ep.alpha), hi = _mm256_set1_ps(ep.beta);
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    const float* z = ep.sum ? ep.sum + (i0 + i) * ep.ld_sum + j0 : nullptr;
    const bool per_row = ep.bias_kind == SgemmEpilogue::Bias::kPerRow;
    const bool per_col = ep.bias_kind == SgemmEpilogue::Bias::kPerColumn;
    const __m256 row_bias = _mm256_set1_ps(per_row ? ep.bias[i0 + i] : 0.0f);
    for (int64_t j = 0; j < vec_cols; j += 8) {
      __m256 v = _mm256_loadu_ps(row + j);
      if (per_col) v = _mm256_add_ps(v, _mm256_loadu_ps(ep.bias + j0 + j));
      if (per_row) v = _mm256_add_ps(v, row_bias);
      if (z) v = _mm256_add_ps(v, _mm256_loadu_ps(z + j));
      switch (ep.activation) {
        case Act::kNone: break;
        case Act::kRelu: v = _mm256_max_ps(zero, v); break;
        case Act::kClip: v = _mm256_min_ps(hi, _mm256_max_ps(lo, v)); break;
        case Act::kLeakyRelu:
          v = _mm256_blendv_ps(_mm256_mul_ps(lo, v), v, _mm256_cmp_ps(v, zero, _CMP_GE_OQ));
          break;
      }
      _mm256_storeu_ps(row + j, v);
    }
  }
  if (vec_cols < cols) f32_gemm_epilogue_portable(ep, c + vec_cols, ldc, rows, cols - vec_cols, i0, j0 + vec_cols);
}

}  // namespace onyxrt::kernels
