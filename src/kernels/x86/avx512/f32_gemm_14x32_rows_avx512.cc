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

// Row i of the tile, v0 and v1 its 32 sums, to C: beta * C fused, then bias, sum and activation
// as f32_gemm_epilogue_portable adds them.
template <bool kEpilogue>
inline void finish_row(__m512 v0, __m512 v1, float* row, float beta, const SgemmEpilogue* ep, int64_t i, int64_t j0) {
  if (beta != 0.0f) {
    const __m512 vb = _mm512_set1_ps(beta);
    v0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), v0);
    v1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), v1);
  }
  if constexpr (kEpilogue) {
    using Act = SgemmEpilogue::Activation;
    if (ep->bias_kind == SgemmEpilogue::Bias::kPerColumn) {
      v0 = _mm512_add_ps(v0, _mm512_loadu_ps(ep->bias + j0));
      v1 = _mm512_add_ps(v1, _mm512_loadu_ps(ep->bias + j0 + 16));
    } else if (ep->bias_kind == SgemmEpilogue::Bias::kPerRow) {
      const __m512 r = _mm512_set1_ps(ep->bias[i]);
      v0 = _mm512_add_ps(v0, r), v1 = _mm512_add_ps(v1, r);
    }
    if (ep->sum) {
      const float* z = ep->sum + i * ep->ld_sum + j0;
      v0 = _mm512_add_ps(v0, _mm512_loadu_ps(z));
      v1 = _mm512_add_ps(v1, _mm512_loadu_ps(z + 16));
    }
    const __m512 zero = _mm512_setzero_ps(), lo = _mm512_set1_ps(ep->alpha), hi = _mm512_set1_ps(ep->beta);
    switch (ep->activation) {  // bound first in max/min: NaN passes, as std::max(x, lo)
      case Act::kNone: break;
      case Act::kRelu: v0 = _mm512_max_ps(zero, v0), v1 = _mm512_max_ps(zero, v1); break;
      case Act::kClip:
        v0 = _mm512_min_ps(hi, _mm512_max_ps(lo, v0)), v1 = _mm512_min_ps(hi, _mm512_max_ps(lo, v1));
        break;
      case Act::kLeakyRelu:
        v0 = _mm512_mask_mul_ps(v0, _mm512_cmp_ps_mask(v0, zero, _CMP_LT_OQ), lo, v0);
        v1 = _mm512_mask_mul_ps(v1, _mm512_cmp_ps_mask(v1, zero, _CMP_LT_OQ), lo, v1);
        break;
    }
  }
  _mm512_storeu_ps(row, v0);
  _mm512_storeu_ps(row + 16, v1);
}

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
#pragma GCC unroll 14
  for (int i = 0; i < R; ++i) finish_row<kEpilogue>(acc[i][0], acc[i][1], c + i * ldc, beta, ep, i0 + i, j0);
}

// A whole tile with an epilogue: the assembly kernel's sums, finished row by row from L1. The
// kernel alone stores the tile and f32_gemm_epilogue_avx2 then read it back, a second pass that
// cost ShuffleNet's grouped 1x1 convolutions (K = 34-136) a fifth of their time.
void gemm_tile_epilogue(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                        const SgemmEpilogue* ep, int64_t i0, int64_t j0) {
  alignas(64) float acc[MR * NR];
  f32_gemm_14x32_avx512_sums(kc, a, b, c, ldc, acc);
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i)
    finish_row<true>(_mm512_load_ps(acc + i * NR), _mm512_load_ps(acc + i * NR + 16), c + i * ldc, beta, ep, i0 + i, j0);
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
  if (rows >= MR) {  // a whole tile: the assembly kernel
    if (ep) return gemm_tile_epilogue(kc, a, b, c, ldc, beta, ep, i0, j0);
    return f32_gemm_14x32_avx512(kc, a, b, c, ldc, beta);
  }
  if (ep)
    dispatch<true>(kc, a, b, c, ldc, beta, ep, i0, j0, rows);
  else
    dispatch<false>(kc, a, b, c, ldc, beta, nullptr, i0, j0, rows);
}

}  // namespace onyxrt::kernels
