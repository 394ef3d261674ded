// The row-vector panel: memory-bound on large heads, so one FMA chain per column (k order kept)
// is enough to keep up with the loads.
#include <immintrin.h>

#include <cmath>

#include "kernels/sgemm_gemv.h"

namespace onyxrt::kernels {

void f32_gemv_panel16_avx2(const GemvPanelArgs& g, int64_t jb, int64_t cols, float* out) {
  __m256 acc0 = g.init ? _mm256_loadu_ps(g.init) : _mm256_setzero_ps();
  __m256 acc1 = g.init ? _mm256_loadu_ps(g.init + 8) : _mm256_setzero_ps();
  if (g.packed) {
    for (int64_t p0 = 0; p0 < g.K; p0 += g.kc) {
      const int64_t kc = g.K - p0 < g.kc ? g.K - p0 : g.kc;
      const float* panel = g.packed + p0 * g.npad + (jb / 16) * kc * 16;
      const float* a = g.a + p0;
      for (int64_t k = 0; k < kc; ++k) {
        const __m256 ak = _mm256_broadcast_ss(a + k);
        acc0 = _mm256_fmadd_ps(ak, _mm256_load_ps(panel + k * 16), acc0);
        acc1 = _mm256_fmadd_ps(ak, _mm256_load_ps(panel + k * 16 + 8), acc1);
      }
    }
  } else if (!g.trans_b && cols == 16) {
    const float* b = g.B + jb;
    for (int64_t k = 0; k < g.K; ++k) {
      const __m256 ak = _mm256_broadcast_ss(g.a + k);
      acc0 = _mm256_fmadd_ps(ak, _mm256_loadu_ps(b + k * g.ldb), acc0);
      acc1 = _mm256_fmadd_ps(ak, _mm256_loadu_ps(b + k * g.ldb + 8), acc1);
    }
  } else {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t step = g.trans_b ? 1 : g.ldb;
      const float* b = g.trans_b ? g.B + (jb + j) * g.ldb : g.B + jb + j;
      float sum = 0.0f;
      for (int64_t k = 0; k < g.K; ++k) sum = std::fma(g.a[k], b[k * step], sum);
      out[j] = sum;
    }
    return;
  }
  alignas(32) float all[16];
  _mm256_store_ps(all, acc0);
  _mm256_store_ps(all + 8, acc1);
  for (int64_t j = 0; j < cols; ++j) out[j] = all[j];
}

}  // namespace onyxrt::kernels
