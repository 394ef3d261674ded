// The 14x32 AVX-512 micro-kernel's companion for the last M panel and for fused epilogues: a tile
// of `rows` < 14 rows runs a kernel of that many rows (2 x rows zmm sums) instead of all 14 over
// zero padding, and the epilogue is applied in registers before the one store. M = 128 (BERT,
// GPT-2) left 2 rows in a 14-row tile: the full kernel spent 12 rows' FMAs of every tenth tile on
// padding. Each element is one chain of FMAs in k order, then beta * C fused, then bias, sum and
// activation as f32_gemm_epilogue_portable adds them: the bits of the 14-row kernel and the
// separate epilogue.
#include <immintrin.h>

#include <cstdint>

#include "kernels/sgemm_epilogue.h"
#include "kernels/sgemm_ukernels.h"

// GCC 12 reports the _mm512_undefined_ps() inside _mm512_max_ps, once inlined, as maybe used
// uninitialized: a known false positive of its own headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace onyxrt::kernels {
namespace {

constexpr int MR = 14, NR = 32;

template <int R, bool kEpilogue>
void gemm_rows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta, const SgemmEpilogue* ep,
               int64_t i0, int64_t j0) {
  __m512 acc[R][2];
#pragma GCC unroll 14
  for (int i = 0; i < R; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k, a += MR, b += NR) {
    const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  if (beta != 0.0f) {
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i) {
      const float* row = c + i * ldc;
      acc[i][0] = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), acc[i][1]);
    }
  }
  if constexpr (kEpilogue) {
    using Act = SgemmEpilogue::Activation;
    if (ep->bias_kind == SgemmEpilogue::Bias::kPerColumn) {
      const __m512 c0 = _mm512_loadu_ps(ep->bias + j0), c1 = _mm512_loadu_ps(ep->bias + j0 + 16);
#pragma GCC unroll 14
      for (int i = 0; i < R; ++i) acc[i][0] = _mm512_add_ps(acc[i][0], c0), acc[i][1] = _mm512_add_ps(acc[i][1], c1);
    } else if (ep->bias_kind == SgemmEpilogue::Bias::kPerRow) {
#pragma GCC unroll 14
      for (int i = 0; i < R; ++i) {
        const __m512 r = _mm512_set1_ps(ep->bias[i0 + i]);
        acc[i][0] = _mm512_add_ps(acc[i][0], r), acc[i][1] = _mm512_add_ps(acc[i][1], r);
      }
    }
    if (ep->sum) {
#pragma GCC unroll 14
      for (int i = 0; i < R; ++i) {
        const float* z = ep->sum + (i0 + i) * ep->ld_sum + j0;
        acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(z));
        acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(z + 16));
      }
    }
    const __m512 zero = _mm512_setzero_ps(), lo = _mm512_set1_ps(ep->alpha), hi = _mm512_set1_ps(ep->beta);
#pragma GCC unroll 14
    for (int i = 0; i < R; ++i)
      for (int h = 0; h < 2; ++h) {
        __m512& v = acc[i][h];
        switch (ep->activation) {  // bound first in max/min: NaN passes, as std::max(x, lo)
          case Act::kNone: break;
          case Act::kRelu: v = _mm512_max_ps(zero, v); break;
          case Act::kClip: v = _mm512_min_ps(hi, _mm512_max_ps(lo, v)); break;
          case Act::kLeakyRelu: v = _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), lo, v); break;
        }
      }
  }
#pragma GCC unroll 14
  for (int i = 0; i < R; ++i) {
    _mm512_storeu_ps(c + i * ldc, acc[i][0]);
    _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);
  }
}

template <bool kEpilogue>
void dispatch(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta, const SgemmEpilogue* ep,
              int64_t i0, int64_t j0, int rows) {
  switch (rows) {
#define ONYXRT_ROWS_CASE(r) \
  case r: return gemm_rows<r, kEpilogue>(kc, a, b, c, ldc, beta, ep, i0, j0);
    ONYXRT_ROWS_CASE(1) ONYXRT_ROWS_CASE(2) ONYXRT_ROWS_CASE(3) ONYXRT_ROWS_CASE(4) ONYXRT_ROWS_CASE(5)
    ONYXRT_ROWS_CASE(6) ONYXRT_ROWS_CASE(7) ONYXRT_ROWS_CASE(8) ONYXRT_ROWS_CASE(9) ONYXRT_ROWS_CASE(10)
    ONYXRT_ROWS_CASE(11) ONYXRT_ROWS_CASE(12) ONYXRT_ROWS_CASE(13)
#undef ONYXRT_ROWS_CASE
    default: break;
  }
}

}  // namespace

void f32_gemm_14x32_avx512_rows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                                const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows) {
  if (rows >= MR) {  // a whole tile: the assembly kernel, then the epilogue over the tile while in L1
    f32_gemm_14x32_avx512(kc, a, b, c, ldc, beta);
    if (ep) f32_gemm_epilogue_avx2(*ep, c, ldc, MR, NR, i0, j0);
    return;
  }
  if (ep)
    dispatch<true>(kc, a, b, c, ldc, beta, ep, i0, j0, rows);
  else
    dispatch<false>(kc, a, b, c, ldc, beta, nullptr, i0, j0, rows);
}

}  // namespace onyxrt::kernels
