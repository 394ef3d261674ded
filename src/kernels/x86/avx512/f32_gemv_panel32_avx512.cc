// The row-vector panel for the AVX-512 micro-kernel's 32-column panels: the AVX2 panel's four
// partial sums per column over k mod 4 (kernels/sgemm_gemv.h), two zmm a phase, so that both
// panels give every column the same bits. Without it the 14x32 kernel's row vectors took the
// generic loop: MobileNetV2's 1280 -> 1000 head 256 vs onnxruntime's 142 us.
#include <immintrin.h>

#include <cmath>

#include "kernels/sgemm_gemv.h"

namespace onyxrt::kernels {
namespace {

constexpr int NR = 32;

// lo[q] / hi[q] += a[k] * row k (32 floats at b + k * step) for the k of phase q = k mod 4.
inline void run_rows(const float* a, const float* b, int64_t step, int64_t K, bool aligned, __m512 lo[4],
                     __m512 hi[4]) {
  auto load = [aligned](const float* p) { return aligned ? _mm512_load_ps(p) : _mm512_loadu_ps(p); };
  int64_t k = 0;
  for (; k + 4 <= K; k += 4)
    for (int q = 0; q < 4; ++q) {
      const __m512 ak = _mm512_set1_ps(a[k + q]);
      const float* row = b + (k + q) * step;
      lo[q] = _mm512_fmadd_ps(ak, load(row), lo[q]);
      hi[q] = _mm512_fmadd_ps(ak, load(row + 16), hi[q]);
    }
  for (; k < K; ++k) {
    const __m512 ak = _mm512_set1_ps(a[k]);
    const float* row = b + k * step;
    lo[k % 4] = _mm512_fmadd_ps(ak, load(row), lo[k % 4]);
    hi[k % 4] = _mm512_fmadd_ps(ak, load(row + 16), hi[k % 4]);
  }
}

}  // namespace

void f32_gemv_panel32_avx512(const GemvPanelArgs& g, int64_t jb, int64_t cols, float* out) {
  // Without the caller's partial sums, local ones from zero, added up at the end.
  alignas(64) float local[4 * NR] = {};
  float* partials = g.partials ? g.partials : local;
  if (g.packed || (!g.trans_b && cols == NR)) {
    __m512 lo[4], hi[4];
    for (int q = 0; q < 4; ++q) lo[q] = _mm512_loadu_ps(partials + NR * q), hi[q] = _mm512_loadu_ps(partials + NR * q + 16);
    if (g.packed) {
      for (int64_t p0 = 0; p0 < g.K; p0 += g.kc) {  // kc is a multiple of 4: the phases carry over
        const int64_t kc = g.K - p0 < g.kc ? g.K - p0 : g.kc;
        run_rows(g.a + p0, g.packed + p0 * g.npad + (jb / NR) * kc * NR, NR, kc, true, lo, hi);
      }
    } else {
      run_rows(g.a, g.B + jb, g.ldb, g.K, false, lo, hi);
    }
    for (int q = 0; q < 4; ++q) _mm512_storeu_ps(partials + NR * q, lo[q]), _mm512_storeu_ps(partials + NR * q + 16, hi[q]);
  } else {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t step = g.trans_b ? 1 : g.ldb;
      const float* b = g.trans_b ? g.B + (jb + j) * g.ldb : g.B + jb + j;
      for (int64_t k = 0; k < g.K; ++k) partials[NR * (k % 4) + j] = std::fma(g.a[k], b[k * step], partials[NR * (k % 4) + j]);
    }
  }
  if (!g.partials) gemv_panel_total(partials, NR, cols, out);
}

}  // namespace onyxrt::kernels
