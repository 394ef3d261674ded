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
// NV = 4 (R <= 3 only): the tile is R x 32, columns 16-31 from the packed panel b_next.
template <bool kEpilogue, int R = MR, bool kInPlace = false, int NV = 2>
inline void gemm_6x16(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                      const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows, int64_t ldb = 16,
                      const float* b_next = nullptr) {
  static_assert(NV == 2 || (NV == 4 && R <= 3 && !kInPlace), "32 columns for tiles of up to 3 rows only");
  const int64_t b_step = kInPlace ? ldb : 16;
  // Start fetching the C tile now: it is read (beta != 0) or written back only after the K loop,
  // and a tile row missing L1 then stalls the stores/loads of the whole tile (~10% at 1024^3).
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    if (i >= rows) break;
#pragma GCC unroll 2
    for (int h = 0; h < NV / 2; ++h) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * h), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * h + 15), _MM_HINT_T0);
    }
  }
  __m256 acc[R][NV];
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int h = 0; h < NV; ++h) acc[i][h] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k, a += MR, b += b_step) {
    __m256 bv[NV];
    bv[0] = kInPlace ? _mm256_loadu_ps(b) : _mm256_load_ps(b);
    bv[1] = kInPlace ? _mm256_loadu_ps(b + 8) : _mm256_load_ps(b + 8);
    if constexpr (NV == 4) {
      bv[2] = _mm256_load_ps(b_next + k * 16);
      bv[3] = _mm256_load_ps(b_next + k * 16 + 8);
    }
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 4
      for (int h = 0; h < NV; ++h) acc[i][h] = _mm256_fmadd_ps(ai, bv[h], acc[i][h]);
    }
  }
  if (beta != 0.0f) {
    const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      if (i >= rows) break;
      const float* row = c + i * ldc;
#pragma GCC unroll 4
      for (int h = 0; h < NV; ++h) acc[i][h] = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8 * h), acc[i][h]);
    }
  }
  if constexpr (kEpilogue) {
    // The order of f32_gemm_epilogue_portable: bias, then sum, then the activation.
    using Act = SgemmEpilogue::Activation;
    if (ep->bias_kind == SgemmEpilogue::Bias::kPerColumn) {
#pragma GCC unroll 4
      for (int h = 0; h < NV; ++h) {
        const __m256 col = _mm256_loadu_ps(ep->bias + j0 + 8 * h);
#pragma GCC unroll 6
        for (int i = 0; i < R; ++i) acc[i][h] = _mm256_add_ps(acc[i][h], col);
      }
    } else if (ep->bias_kind == SgemmEpilogue::Bias::kPerRow) {
#pragma GCC unroll 6
      for (int i = 0; i < R; ++i) {
        if (i >= rows) break;
        const __m256 r = _mm256_set1_ps(ep->bias[i0 + i]);
#pragma GCC unroll 4
        for (int h = 0; h < NV; ++h) acc[i][h] = _mm256_add_ps(acc[i][h], r);
      }
    }
    if (ep->sum) {
#pragma GCC unroll 6
      for (int i = 0; i < R; ++i) {
        if (i >= rows) break;
        const float* z = ep->sum + (i0 + i) * ep->ld_sum + j0;
#pragma GCC unroll 4
        for (int h = 0; h < NV; ++h) acc[i][h] = _mm256_add_ps(acc[i][h], _mm256_loadu_ps(z + 8 * h));
      }
    }
    const __m256 zero = _mm256_setzero_ps(), lo = _mm256_set1_ps(ep->alpha), hi = _mm256_set1_ps(ep->beta);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
      for (int h = 0; h < NV; ++h) {
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
  for (int i = 0; i < R; ++i) {
    if (i >= rows) break;
#pragma GCC unroll 4
    for (int h = 0; h < NV; ++h) _mm256_storeu_ps(c + i * ldc + 8 * h, acc[i][h]);
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

void f32_gemm_6x16_avx2_rows_two_panels(int64_t kc, const float* a, const float* b, const float* b_next, float* c,
                                        int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                        int rows) {
  auto run = [&]<int R>() {
    if (ep)
      gemm_6x16<true, R, false, 4>(kc, a, b, c, ldc, beta, ep, i0, j0, rows, 16, b_next);
    else
      gemm_6x16<false, R, false, 4>(kc, a, b, c, ldc, beta, nullptr, i0, j0, rows, 16, b_next);
  };
  switch (rows) {
    case 1: return run.template operator()<1>();
    case 2: return run.template operator()<2>();
    default: return run.template operator()<3>();
  }
}

void f32_gemm_6x16_avx2_rows_b_in_place(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                                        int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                        int rows) {
  rows_with_ldb<true>(kc, a, b, ldb, c, ldc, beta, ep, i0, j0, rows);
}

}  // namespace onyxrt::kernels
