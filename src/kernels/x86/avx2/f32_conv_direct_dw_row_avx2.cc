// AVX2+FMA depthwise 3x3 along an output row of one NCHW8c block: four output pixels accumulate
// at once (the filter vectors are FMA memory operands), each input vector loaded once per kernel
// row and applied to every pixel whose window covers it.
#include <immintrin.h>

#include <algorithm>

#include "kernels/conv_direct.h"
#include "kernels/x86/avx2/conv_activation_avx2.h"

namespace onyxrt::kernels {
namespace {

constexpr int B = kConvDirectChannelBlock;

// Pixels [j, j + NP) of the row: column c of their windows' span feeds pixel p through tap
// c - p * S.
template <int S, int NP>
inline void dw3x3_pixels(const float* const rows[3], const float* w, int64_t j, __m256 acc[NP]) {
  for (int p = 0; p < NP; ++p) acc[p] = _mm256_setzero_ps();
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh) {
    const float* x = rows[kh] + j * S * B;
    asm("" : "+r"(x));  // each load x plus a constant, not a hoisted offset register of its own
#pragma GCC unroll 12
    for (int c = 0; c < (NP - 1) * S + 3; ++c) {
      const __m256 v = _mm256_loadu_ps(x + c * B);
#pragma GCC unroll 4
      for (int p = 0; p < NP; ++p)
        if (c - p * S >= 0 && c - p * S < 3)
          acc[p] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + (kh * 3 + c - p * S) * B), acc[p]);
    }
  }
}

template <int S, typename Act>
void dw3x3_row(const ConvDirectDwRow& r, Act act) {
  // The filters are read from r.w at each FMA (L1): copied into nine locals, they came to the
  // stack through a rep movsq on every call, a fifth of a stride-2 row of 28 pixels.
  const float* w = r.w;
  const __m256 bias = r.bias ? _mm256_loadu_ps(r.bias) : _mm256_setzero_ps();
  // The taps are summed from zero and the bias added after, as the 8-pixel tile does: the same bits.
  auto store = [&](const __m256* acc, int n, int64_t j) {
    for (int p = 0; p < n; ++p) {
      __m256 v = _mm256_add_ps(acc[p], bias);
      if (r.z) v = _mm256_add_ps(v, _mm256_loadu_ps(r.z + (j + p) * B));
      _mm256_storeu_ps(r.y + (j + p) * B, act(v));
    }
  };
  // Pixels [j_lo, j_hi) read only columns inside [0, width): the fast path. The others (the
  // edges of an unpadded row) see zero vectors for the columns outside, one pixel at a time.
  int64_t j_lo = 0, j_hi = r.count;
  if (r.width > 0) {
    j_lo = std::clamp<int64_t>(r.col0 < 0 ? (-r.col0 + S - 1) / S : 0, 0, r.count);
    const int64_t last = r.width - 3 - r.col0;
    j_hi = last < 0 ? j_lo : std::clamp<int64_t>(last / S + 1, j_lo, r.count);
  }
  __m256 acc[4];
  auto edge = [&](int64_t j) {
    acc[0] = _mm256_setzero_ps();
    for (int kh = 0; kh < 3; ++kh)
      for (int kw = 0; kw < 3; ++kw) {
        const int64_t col = r.col0 + j * S + kw;
        const __m256 v = col >= 0 && col < r.width ? _mm256_loadu_ps(r.rows[kh] + col * B) : _mm256_setzero_ps();
        acc[0] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + (kh * 3 + kw) * B), acc[0]);
      }
    store(acc, 1, j);
  };
  for (int64_t j = 0; j < j_lo; ++j) edge(j);
  const int64_t first = r.col0 + j_lo * S;
  const float* rows[3] = {r.rows[0] + first * B, r.rows[1] + first * B, r.rows[2] + first * B};
  const int64_t n = j_hi - j_lo;
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    dw3x3_pixels<S, 4>(rows, w, j, acc);
    store(acc, 4, j_lo + j);
  }
  if (j + 2 <= n) {
    dw3x3_pixels<S, 2>(rows, w, j, acc);
    store(acc, 2, j_lo + j);
    j += 2;
  }
  if (j < n) {
    dw3x3_pixels<S, 1>(rows, w, j, acc);
    store(acc, 1, j_lo + j);
  }
  for (int64_t e = j_hi; e < r.count; ++e) edge(e);
}

}  // namespace

void f32_conv_direct_avx2_dw3x3_row(const ConvDirectDwRow& r) {
  avx2::with_activation(r.act, [&](auto act) {
    if (r.stride == 1)
      dw3x3_row<1>(r, act);
    else
      dw3x3_row<2>(r, act);
  });
}

}  // namespace onyxrt::kernels
