// The row-vector panel: memory-bound on large heads, so one FMA chain per column (k order kept)
// is enough to keep up with the loads.
#include <immintrin.h>

#include <cmath>

#include "kernels/sgemm_gemv.h"

namespace onyxrt::kernels {
namespace {

// lo[q] / hi[q] += a[k] * row k (16 floats at b + k * step) for the k of phase q = k mod 4.
inline void run_rows(const float* a, const float* b, int64_t step, int64_t K, bool aligned, __m256 lo[4],
                     __m256 hi[4]) {
  auto load = [aligned](const float* p) { return aligned ? _mm256_load_ps(p) : _mm256_loadu_ps(p); };
  int64_t k = 0;
  for (; k + 4 <= K; k += 4)
    for (int q = 0; q < 4; ++q) {
      const __m256 ak = _mm256_broadcast_ss(a + k + q);
      const float* row = b + (k + q) * step;
      lo[q] = _mm256_fmadd_ps(ak, load(row), lo[q]);
      hi[q] = _mm256_fmadd_ps(ak, load(row + 8), hi[q]);
    }
  for (; k < K; ++k) {
    const __m256 ak = _mm256_broadcast_ss(a + k);
    const float* row = b + k * step;
    lo[k % 4] = _mm256_fmadd_ps(ak, load(row), lo[k % 4]);
    hi[k % 4] = _mm256_fmadd_ps(ak, load(row + 8), hi[k % 4]);
  }
}

}  // namespace

void f32_gemv_panel16_avx2(const GemvPanelArgs& g, int64_t jb, int64_t cols, float* out) {
  // Without the caller's partial sums, local ones from zero, added up at the end.
  alignas(32) float local[64] = {};
  float* partials = g.partials ? g.partials : local;
  if (g.packed || (!g.trans_b && cols == 16)) {
    __m256 lo[4], hi[4];
    for (int q = 0; q < 4; ++q) lo[q] = _mm256_loadu_ps(partials + 16 * q), hi[q] = _mm256_loadu_ps(partials + 16 * q + 8);
    if (g.packed) {
      for (int64_t p0 = 0; p0 < g.K; p0 += g.kc) {  // kc is a multiple of 4: the phases carry over
        const int64_t kc = g.K - p0 < g.kc ? g.K - p0 : g.kc;
        run_rows(g.a + p0, g.packed + p0 * g.npad + (jb / 16) * kc * 16, 16, kc, true, lo, hi);
      }
    } else {
      run_rows(g.a, g.B + jb, g.ldb, g.K, false, lo, hi);
    }
    for (int q = 0; q < 4; ++q) _mm256_storeu_ps(partials + 16 * q, lo[q]), _mm256_storeu_ps(partials + 16 * q + 8, hi[q]);
  } else {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t step = g.trans_b ? 1 : g.ldb;
      const float* b = g.trans_b ? g.B + (jb + j) * g.ldb : g.B + jb + j;
      for (int64_t k = 0; k < g.K; ++k) partials[16 * (k % 4) + j] = std::fma(g.a[k], b[k * step], partials[16 * (k % 4) + j]);
    }
  }
  if (!g.partials) gemv_panel_total(partials, 16, cols, out);
}

}  // namespace onyxrt::kernels
