// Packs one MR-row panel of A for the SGEMM micro-kernels (6 rows for the AVX2 6x16 tile, 14 for
// the AVX-512 14x32 one: AVX2 is enough to move the floats): eight k at a time, the rows are
// loaded as ymm and transposed in registers, four rows and then a last pair. Element by element
// the packing took 9% of a 1024^3 SGEMM on one thread (MR scattered stores per k).
#include <immintrin.h>

#include <cstdint>

#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {
namespace {

// Rows v[0..3] of eight k: the 4x8 transpose leaves k and k + 4 in the two halves of each s.
inline void store_four_rows(const __m256* v, float* d, int stride) {
  const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
  const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
  const __m256 s[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                       _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
  for (int j = 0; j < 4; ++j) {
    _mm_storeu_ps(d + j * stride, _mm256_castps256_ps128(s[j]));
    _mm_storeu_ps(d + (j + 4) * stride, _mm256_extractf128_ps(s[j], 1));
  }
}

// Rows v[0..1] of eight k, interleaved: pairs for k, k + 1 (lo) and k + 2, k + 3 (hi) per half.
inline void store_two_rows(const __m256* v, float* d, int stride) {
  const __m256 t4 = _mm256_unpacklo_ps(v[0], v[1]), t5 = _mm256_unpackhi_ps(v[0], v[1]);
  const __m128 p[4] = {_mm256_castps256_ps128(t4), _mm256_castps256_ps128(t5), _mm256_extractf128_ps(t4, 1),
                       _mm256_extractf128_ps(t5, 1)};
  for (int j = 0; j < 8; ++j) {
    const __m128 pair = p[(j / 4) * 2 + (j % 4) / 2];
    if (j % 2 == 0)
      _mm_storel_pi(reinterpret_cast<__m64*>(d + j * stride), pair);
    else
      _mm_storeh_pi(reinterpret_cast<__m64*>(d + j * stride), pair);
  }
}

template <int MR>
void pack_panel(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst) {
  static_assert(MR % 4 == 2, "groups of four rows and a last pair");
  const float* row[MR];
  for (int i = 0; i < MR; ++i) row[i] = i < rows ? a + i * lda : nullptr;  // rows past `rows` pack as zeros
  const __m256 va = _mm256_set1_ps(alpha);
  int64_t k = 0;
  for (; k + 8 <= kc; k += 8) {
    __m256 v[MR];
    for (int i = 0; i < MR; ++i) v[i] = row[i] ? _mm256_mul_ps(va, _mm256_loadu_ps(row[i] + k)) : _mm256_setzero_ps();
    float* d = dst + k * MR;
    for (int g = 0; g + 4 <= MR; g += 4) store_four_rows(v + g, d + g, MR);
    store_two_rows(v + MR - 2, d + MR - 2, MR);
  }
  for (; k < kc; ++k)
    for (int i = 0; i < MR; ++i) dst[k * MR + i] = row[i] ? alpha * row[i][k] : 0.0f;
}

}  // namespace

void f32_gemm_pack_a6_avx2(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst) {
  pack_panel<6>(a, lda, rows, kc, alpha, dst);
}

void f32_gemm_pack_a14_avx2(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst) {
  pack_panel<14>(a, lda, rows, kc, alpha, dst);
}

}  // namespace onyxrt::kernels
