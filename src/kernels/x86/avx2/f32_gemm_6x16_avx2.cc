// AVX2+FMA SGEMM micro-kernel, 6x16 tile: 12 ymm accumulators + 2 for the B row + 1 broadcast of
// 16. 12 independent FMAs per k cover the FMA latency (4) x 2 pipes of Zen 3/4 and Haswell+.
// A second entry applies the SGEMM epilogue in registers: on small-K convolutions (MobileNet's
// pointwise layers, K = 16-96) a separate pass over the stored tile cost as much as the FMAs.
#include <immintrin.h>

#include <cstdint>

#include "kernels/sgemm_epilogue.h"
#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {
namespace {

constexpr int MR = 6;

// Rows [R, MR) of the tile are not computed (the panel's zero padding there is skipped); rows
// [rows, R) are computed but never read or written in C. A last M panel of fewer than 6 rows runs
// with R = rows: M = 128 (BERT, GPT-2) left 2 rows in a 6-row tile, whose 12 FMAs per k took 6
// cycles where the 2 rows' 4 take 4 (FMA latency). Each element's sum is the same chain either way.
// kInPlace: b is 16 columns of a row-major B, rows ldb apart, read unaligned (rows_b_in_place);
// otherwise a packed panel (rows 16 apart, aligned), with the stride a constant as it always was.
template <bool kEpilogue, int R = MR, bool kInPlace = false>
inline void gemm_6x16(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                      const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows, int64_t ldb = 16) {
  const int64_t b_step = kInPlace ? ldb : 16;
  // Start fetching the C tile now: it is read (beta != 0) or written back only after the K loop,
  // and a tile row missing L1 then stalls the stores/loads of the whole tile (~10% at 1024^3).
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    if (i >= rows) break;
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 15), _MM_HINT_T0);
  }
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k, a += MR, b += b_step) {
    const __m256 b0 = kInPlace ? _mm256_loadu_ps(b) : _mm256_load_ps(b);
    const __m256 b1 = kInPlace ? _mm256_loadu_ps(b + 8) : _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  if (beta != 0.0f) {
    const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      if (i >= rows) break;
      const float* row = c + i * ldc;
      acc[i][0] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), acc[i][1]);
    }
  }
  if constexpr (kEpilogue) {
    // The order of f32_gemm_epilogue_portable: bias, then sum, then the activation.
    using Act = SgemmEpilogue::Activation;
    if (ep->bias_kind == SgemmEpilogue::Bias::kPerColumn) {
      const __m256 c0 = _mm256_loadu_ps(ep->bias + j0), c1 = _mm256_loadu_ps(ep->bias + j0 + 8);
#pragma GCC unroll 6
      for (int i = 0; i < MR; ++i) acc[i][0] = _mm256_add_ps(acc[i][0], c0), acc[i][1] = _mm256_add_ps(acc[i][1], c1);
    } else if (ep->bias_kind == SgemmEpilogue::Bias::kPerRow) {
#pragma GCC unroll 6
      for (int i = 0; i < MR; ++i) {
        if (i >= rows) break;
        const __m256 r = _mm256_set1_ps(ep->bias[i0 + i]);
        acc[i][0] = _mm256_add_ps(acc[i][0], r), acc[i][1] = _mm256_add_ps(acc[i][1], r);
      }
    }
    if (ep->sum) {
#pragma GCC unroll 6
      for (int i = 0; i < MR; ++i) {
        if (i >= rows) break;
        const float* z = ep->sum + (i0 + i) * ep->ld_sum + j0;
        acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(z));
        acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(z + 8));
      }
    }
    const __m256 zero = _mm256_setzero_ps(), lo = _mm256_set1_ps(ep->alpha), hi = _mm256_set1_ps(ep->beta);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i)
      for (int h = 0; h < 2; ++h) {
        __m256& v = acc[i][h];
        switch (ep->activation) {  // bound first in max/min: NaN passes, as std::max(x, lo)
          case Act::kNone: break;
          case Act::kRelu: v = _mm256_max_ps(zero, v); break;
          case Act::kClip: v = _mm256_min_ps(hi, _mm256_max_ps(lo, v)); break;
          case Act::kLeakyRelu: v = _mm256_blendv_ps(_mm256_mul_ps(lo, v), v, _mm256_cmp_ps(v, zero, _CMP_GE_OQ)); break;
        }
      }
  }
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    if (i >= rows) break;
    _mm256_storeu_ps(c + i * ldc, acc[i][0]);
    _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
  }
}

}  // namespace

void f32_gemm_6x16_avx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta) {
  gemm_6x16<false>(kc, a, b, c, ldc, beta, nullptr, 0, 0, MR);
}

namespace {

template <bool kInPlace>
void rows_with_ldb(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc, float beta,
                   const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows) {
  auto run = [&]<int R>() {
    if (ep)
      gemm_6x16<true, R, kInPlace>(kc, a, b, c, ldc, beta, ep, i0, j0, rows, ldb);
    else
      gemm_6x16<false, R, kInPlace>(kc, a, b, c, ldc, beta, nullptr, i0, j0, rows, ldb);
  };
  switch (rows) {
    case 1: return run.template operator()<1>();
    case 2: return run.template operator()<2>();
    case 3: return run.template operator()<3>();
    case 4: return run.template operator()<4>();
    case 5: return run.template operator()<5>();
    default: return run.template operator()<MR>();
  }
}

}  // namespace

void f32_gemm_6x16_avx2_rows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                             const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows) {
  rows_with_ldb<false>(kc, a, b, 16, c, ldc, beta, ep, i0, j0, rows);
}

void f32_gemm_6x16_avx2_rows_b_in_place(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                                        int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                        int rows) {
  rows_with_ldb<true>(kc, a, b, ldb, c, ldc, beta, ep, i0, j0, rows);
}

}  // namespace onyxrt::kernels
