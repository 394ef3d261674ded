// AVX-512 depthwise 3x3 along an output row of one NCHW8c block, stride 1: two neighbouring output
// pixels share a zmm (their 8 channels side by side, as they lie in the row), so that one
// unaligned load of 16 floats at column c feeds both pixels' tap c, and the filter vectors are
// the 8 channels' taps repeated in both halves. Eight pixels take 9 loads and 12 FMAs per kernel
// row where the AVX2 row took 12 and 24. Each pixel's taps are summed in the AVX2 row's order
// (kernel row, then column, from zero; then bias, then residual), so both give the same bits; the
// edges of an unpadded row and an odd last pixel build their pairs from 8-float halves; stride 2 is
// left to the AVX2 row.
#include <immintrin.h>

#include <algorithm>

#include "kernels/conv_direct.h"
#include "kernels/x86/avx512/conv_activation_avx512.h"

// GCC 12 reports the _mm512_undefined_ps() inside _mm512_max_ps, once inlined, as maybe used
// uninitialized: a known false positive of its own headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace onyxrt::kernels {
namespace {

constexpr int B = kConvDirectChannelBlock;

// Pixel pairs [0, 2 NP) of rows whose column 0 is the first pixel's first tap: the pair p's tap
// (kh, kw) is the vector at column 2 p + kw.
template <int NP>
[[gnu::always_inline]] inline void pairs(const float* const rows[3], const __m512 w[9], __m512 acc[NP]) {
  for (int p = 0; p < NP; ++p) acc[p] = _mm512_setzero_ps();
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh) {
    const float* x = rows[kh];
#pragma GCC unroll 9
    for (int c = 0; c <= 2 * NP; ++c) {  // the last pair's last tap reads column 2 NP (and 2 NP + 1)
      const __m512 v = _mm512_loadu_ps(x + c * B);
#pragma GCC unroll 4
      for (int p = 0; p < NP; ++p)
        if (c - 2 * p >= 0 && c - 2 * p < 3) acc[p] = _mm512_fmadd_ps(v, w[kh * 3 + c - 2 * p], acc[p]);
    }
  }
}

template <typename Act>
void row_stride_1(const ConvDirectDwRow& r, Act act) {
  __m512 w[9];
  for (int k = 0; k < 9; ++k) w[k] = _mm512_broadcast_f32x8(_mm256_loadu_ps(r.w + k * B));
  const __m512 bias = r.bias ? _mm512_broadcast_f32x8(_mm256_loadu_ps(r.bias)) : _mm512_setzero_ps();
  // One pixel pair's output (pixels j and j + 1, or j alone when it is the last).
  auto store = [&](__m512 acc, int64_t j) {
    const bool both = j + 1 < r.count;
    __m512 v = _mm512_add_ps(acc, bias);
    if (r.z) v = _mm512_add_ps(v, both ? _mm512_loadu_ps(r.z + j * B) : _mm512_castps256_ps512(_mm256_loadu_ps(r.z + j * B)));
    v = act(v);
    if (both)
      _mm512_storeu_ps(r.y + j * B, v);
    else
      _mm256_storeu_ps(r.y + j * B, _mm512_castps512_ps256(v));
  };
  // Columns [0, avail) hold data: the row's width, or every column the pixels read.
  const int64_t avail = r.width > 0 ? r.width : r.col0 + r.count + 2;
  int64_t j = 0;
  while (j < r.count) {
    const int64_t q = r.col0 + j;  // the first column the next pairs read
    if (q >= 0 && q + 10 <= avail && j + 8 <= r.count) {
      const float* rows[3] = {r.rows[0] + q * B, r.rows[1] + q * B, r.rows[2] + q * B};
      __m512 acc[4];
      pairs<4>(rows, w, acc);
      for (int p = 0; p < 4; ++p) store(acc[p], j + 2 * p);
      j += 8;
      continue;
    }
    if (q >= 0 && q + 4 <= avail && j + 2 <= r.count) {
      const float* rows[3] = {r.rows[0] + q * B, r.rows[1] + q * B, r.rows[2] + q * B};
      __m512 acc[1];
      pairs<1>(rows, w, acc);
      store(acc[0], j);
      j += 2;
      continue;
    }
    // A pair at an edge: columns outside [0, avail), or past the last pixel, are zero vectors (not
    // read), as the AVX2 row's edge pixels take them: the same FMAs in the same order. An odd last
    // pixel's partner is computed and not stored.
    __m512 acc = _mm512_setzero_ps();
    const bool hi_real = j + 1 < r.count;
    auto column = [&](int kh, int64_t c, bool real) {
      return real && c >= 0 && c < avail ? _mm256_loadu_ps(r.rows[kh] + c * B) : _mm256_setzero_ps();
    };
    for (int kh = 0; kh < 3; ++kh)
      for (int kw = 0; kw < 3; ++kw) {
        const int64_t c = q + kw;  // the low pixel's column; the high one's is c + 1
        const __m512 v = _mm512_insertf32x8(_mm512_castps256_ps512(column(kh, c, true)), column(kh, c + 1, hi_real), 1);
        acc = _mm512_fmadd_ps(v, w[kh * 3 + kw], acc);
      }
    store(acc, j);
    j += 2;
  }
}

}  // namespace

void f32_conv_direct_avx512_dw3x3_row(const ConvDirectDwRow& r) {
  if (r.stride != 1) return f32_conv_direct_avx2_dw3x3_row(r);
  avx512::with_activation(r.act, [&](auto act) { row_stride_1(r, act); });
}

}  // namespace onyxrt::kernels
