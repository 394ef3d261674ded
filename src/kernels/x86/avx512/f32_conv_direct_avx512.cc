// AVX-512 direct convolution: the 6-pixel x 16-channel tile with one zmm per pixel, the filter
// row of 16 channels one load. Six accumulators alone would leave the FMA units waiting on their
// latency (4 cycles, 2 units: 8 chains needed), so even and odd K steps feed two sets of six, summed
// once at the end. On a Sapphire Rapids Xeon, against the AVX2 tile in the same run: light
// ResNet-50 64.7 -> 45.6 ms (2 threads), VGG-19 521 -> 371 ms and Inception v2 57.3 -> 41.4 ms (1).
// The NCHW8c layout stays: a zmm of 16 output channels is two 8-channel blocks, split as the tile
// stores. The other kernels (depthwise, pooling, copies) are the AVX2 variant's.
#include <immintrin.h>

#include "kernels/conv_direct.h"

namespace onyxrt::kernels {

namespace {

// 16 channels in a zmm, or the last 8 of an M = 8 (mod 16) in a ymm with the same order of sums:
// a channel's result must not depend on which tile computed it (a model whose logits are equal
// to the last bit must keep them equal).
struct Zmm {
  using V = __m512;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V fma(float a, V b, V c) { return _mm512_fmadd_ps(_mm512_set1_ps(a), b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
};
struct Ymm {
  using V = __m256;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V fma(float a, V b, V c) { return _mm256_fmadd_ps(_mm256_set1_ps(a), b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
};

template <typename R>
void tile(const ConvDirectTile& t) {
  using V = typename R::V;
  V e0, e1, e2, e3, e4, e5;
  if (t.first) {
    e0 = e1 = e2 = e3 = e4 = e5 = R::zero();
  } else {
    const float* p = t.partial;
    e0 = R::load(p), e1 = R::load(p + 16), e2 = R::load(p + 32);
    e3 = R::load(p + 48), e4 = R::load(p + 64), e5 = R::load(p + 80);
  }
  V o0 = R::zero(), o1 = o0, o2 = o0, o3 = o0, o4 = o0, o5 = o0;
  const float* w = t.w;
#define ONYXRT_CONV_STEP(k, c0, c1, c2, c3, c4, c5)                        \
  {                                                                        \
    const V b = R::load(w);                                                \
    c0 = R::fma(a0[k], b, c0), c1 = R::fma(a1[k], b, c1), c2 = R::fma(a2[k], b, c2); \
    c3 = R::fma(a3[k], b, c3), c4 = R::fma(a4[k], b, c4), c5 = R::fma(a5[k], b, c5); \
    w += 16;                                                               \
  }
#define ONYXRT_CONV_PAIR(k)                            \
  {                                                    \
    ONYXRT_CONV_STEP(k, e0, e1, e2, e3, e4, e5)        \
    ONYXRT_CONV_STEP((k) + 1, o0, o1, o2, o3, o4, o5)  \
  }
  for (int64_t s = 0; s < t.nseg; ++s) {
    const int64_t off = t.seg_off[s];
    const float *a0 = t.a[0] + off, *a1 = t.a[1] + off, *a2 = t.a[2] + off;
    const float *a3 = t.a[3] + off, *a4 = t.a[4] + off, *a5 = t.a[5] + off;
    if (t.seg_len == 8) {  // one channel block per segment: unrolled, as in the AVX2 tile
      ONYXRT_CONV_PAIR(0) ONYXRT_CONV_PAIR(2) ONYXRT_CONV_PAIR(4) ONYXRT_CONV_PAIR(6)
      continue;
    }
    int64_t k = 0;
#pragma GCC unroll 2
    for (; k + 1 < t.seg_len; k += 2) ONYXRT_CONV_PAIR(k)
    if (k < t.seg_len) ONYXRT_CONV_STEP(k, e0, e1, e2, e3, e4, e5)
  }
#undef ONYXRT_CONV_PAIR
#undef ONYXRT_CONV_STEP
  e0 = R::add(e0, o0), e1 = R::add(e1, o1), e2 = R::add(e2, o2);
  e3 = R::add(e3, o3), e4 = R::add(e4, o4), e5 = R::add(e5, o5);
  float* p = t.partial;
  alignas(64) float acc[kConvDirectPixels * kConvDirectChannels];
  if (t.last) p = acc;
  R::store(p, e0), R::store(p + 16, e1), R::store(p + 32, e2);
  R::store(p + 48, e3), R::store(p + 64, e4), R::store(p + 80, e5);
  if (t.last) f32_conv_direct_avx2_store_tile(acc, t);  // reads channels past cols of no row
}

}  // namespace

void f32_conv_direct_avx512_tile(const ConvDirectTile& t) {
  if (t.cols <= 8) return tile<Ymm>(t);
  tile<Zmm>(t);
}

// Per-channel-block kernels gain nothing from 16 lanes on 8-channel blocks: the AVX2 ones run.
void f32_conv_direct_avx512_dw_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_dw_tile(t); }
void f32_conv_direct_avx512_dw3x3_row(const ConvDirectDwRow& r) { f32_conv_direct_avx2_dw3x3_row(r); }
void f32_conv_direct_avx512_max_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_max_tile(t); }
void f32_conv_direct_avx512_avg_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_avg_tile(t); }
void f32_conv_direct_avx512_pack_row(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width,
                                     float* dst, int64_t CB, int64_t block_stride) {
  f32_conv_direct_avx2_pack_row(src, plane, step, C, width, dst, CB, block_stride);
}
void f32_conv_direct_avx512_unpack(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane) {
  f32_conv_direct_avx2_unpack(src, count, cn, dst, plane);
}

}  // namespace onyxrt::kernels
