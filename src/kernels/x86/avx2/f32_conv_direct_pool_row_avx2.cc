// AVX2 max and average pooling along an output row of one NCHW8c block, read in place: eight
// pixels whose windows lie inside the row run at once (eight independent chains), the edge pixels
// one at a time over the columns they cover.
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "kernels/conv_direct.h"

namespace onyxrt::kernels {
namespace {

constexpr int B = kConvDirectChannelBlock;

template <bool kMax>
inline __m256 take(__m256 acc, const float* x) {
  // max_ps(v, acc) is (v > acc ? v : acc): a NaN input never replaces the running maximum.
  if constexpr (kMax)
    return _mm256_max_ps(_mm256_loadu_ps(x), acc);
  else
    return _mm256_add_ps(acc, _mm256_loadu_ps(x));
}

template <bool kMax>
inline void store(__m256 acc, const ConvDirectPoolRow& r, int64_t j) {
  if constexpr (!kMax) acc = _mm256_div_ps(acc, _mm256_set1_ps(r.divisors[j]));
  _mm256_storeu_ps(r.y + j * B, acc);
}

template <bool kMax>
inline __m256 start() {
  return kMax ? _mm256_set1_ps(-std::numeric_limits<float>::infinity()) : _mm256_setzero_ps();
}

// Pixels [j, j + NP), whose windows lie inside [0, width): NP independent chains, enough to
// cover the latency of an add. KW and S 0: r.kw and r.stride, read at run time; known, every
// load is a constant offset from the kernel row's pointer (run-time offsets spilled to the stack).
template <bool kMax, int KW, int S, int NP>
inline void pixels(const ConvDirectPoolRow& r, int64_t j) {
  const int kw = KW > 0 ? KW : r.kw;
  const int64_t step = (S > 0 ? S : r.stride) * int64_t{B};
  __m256 acc[NP];
#pragma GCC unroll 8
  for (int p = 0; p < NP; ++p) acc[p] = start<kMax>();
  for (int kh = 0; kh < r.nrows; ++kh) {
    const float* x = r.rows[kh] + (r.col0 + j * r.stride) * B;
    // Opaque to the optimizer, so that each load is x plus a constant: otherwise GCC hoists every
    // (column offset + constant) out of the kernel-row loop, spills them, and the loop's speed
    // came to depend on where its code and stack landed (a 56x56 stride-2 max pool 72 or 260 us).
    asm("" : "+r"(x));
#pragma GCC unroll 4
    for (int k = 0; k < kw; ++k)
#pragma GCC unroll 8
      for (int p = 0; p < NP; ++p) acc[p] = take<kMax>(acc[p], x + p * step + k * B);
  }
#pragma GCC unroll 8
  for (int p = 0; p < NP; ++p) store<kMax>(acc[p], r, j + p);
}

// One pixel over the columns of its window that lie in the row.
template <bool kMax>
inline void one_pixel(const ConvDirectPoolRow& r, int64_t j) {
  const int64_t c0 = r.col0 + j * r.stride;
  const int64_t lo = std::max<int64_t>(c0, 0), hi = std::min<int64_t>(c0 + r.kw, r.width);
  __m256 acc = start<kMax>();
  for (int kh = 0; kh < r.nrows; ++kh)
    for (int64_t c = lo; c < hi; ++c) acc = take<kMax>(acc, r.rows[kh] + c * B);
  store<kMax>(acc, r, j);
}

template <bool kMax, int KW, int S>
void pool_row(const ConvDirectPoolRow& r) {
  // Pixels [j_lo, j_hi) have every column of their windows in the row.
  const int64_t s = r.stride;
  const int64_t j_lo = std::min(r.count, r.col0 >= 0 ? 0 : (-r.col0 + s - 1) / s);
  const int64_t room = r.width - r.kw - r.col0;
  const int64_t j_hi = std::clamp<int64_t>(room >= 0 ? room / s + 1 : 0, j_lo, r.count);
  int64_t j = 0;
  for (; j < j_lo; ++j) one_pixel<kMax>(r, j);
  for (; j + 8 <= j_hi; j += 8) pixels<kMax, KW, S, 8>(r, j);
  // Short rows (14 and 7 pixels) leave most of theirs here: one chain per pixel ran at a third
  // of the adds' throughput.
  if (j + 4 <= j_hi) pixels<kMax, KW, S, 4>(r, j), j += 4;
  if (j + 2 <= j_hi) pixels<kMax, KW, S, 2>(r, j), j += 2;
  for (; j < r.count; ++j) one_pixel<kMax>(r, j);
}

template <bool kMax>
void pool_row_any(const ConvDirectPoolRow& r) {
  if (r.kw == 3 && r.stride == 1) return pool_row<kMax, 3, 1>(r);
  if (r.kw == 3 && r.stride == 2) return pool_row<kMax, 3, 2>(r);
  if (r.kw == 2 && r.stride == 2) return pool_row<kMax, 2, 2>(r);
  pool_row<kMax, 0, 0>(r);
}

}  // namespace

void f32_conv_direct_avx2_pool_row(const ConvDirectPoolRow& r) {
  if (r.max)
    pool_row_any<true>(r);
  else
    pool_row_any<false>(r);
}

}  // namespace onyxrt::kernels
