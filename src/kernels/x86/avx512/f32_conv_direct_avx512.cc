// AVX-512 direct convolution: 6 pixels x 16 channels a block, one zmm per pixel, and two blocks
// (32 channels) per call where the driver has them (ConvDirectTile::cols_next), so that each
// broadcast input feeds two FMAs. Six accumulators alone would leave the FMA units waiting on
// their latency (4 cycles, 2 units: 8 chains needed), so even and odd K steps feed two sets, summed
// once at the end: 24 zmm accumulators for two blocks.
//
// One block per call read 7 loads per 6 FMAs and paid the call's set-up every 6 pixels: ResNet-50's
// 1x1 convolutions ran at 58-62% of the FMA peak on a Zen 5 EPYC where onnxruntime's ran at 90%.
//
// The NCHW8c layout stays: a zmm of 16 output channels is two 8-channel blocks, split as the tile
// stores. The other kernels (depthwise, pooling, copies) are the AVX2 variant's.
#include <immintrin.h>

#include "kernels/conv_direct.h"
#include "kernels/prefetch_spread.h"
#include "kernels/x86/avx512/conv_activation_avx512.h"

// GCC 12 reports the _mm512_undefined_ps() inside _mm512_max_ps / _mm512_set1_ps, once inlined, as
// maybe used uninitialized: a known false positive of its own headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace onyxrt::kernels {

namespace {

constexpr int MR = kConvDirectPixels;
constexpr int kBlockFloats = kConvDirectPixels * kConvDirectChannels;  // one block's partial sums

// A block's sums: even and odd K steps apart until the end of a chunk.
struct Sums {
  __m512 e[MR], o[MR];
};

[[gnu::always_inline]] inline void start(Sums& s, bool first, const float* partial) {
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    s.e[i] = first ? _mm512_setzero_ps() : _mm512_load_ps(partial + 16 * i);
    s.o[i] = _mm512_setzero_ps();
  }
}

// One K step into the even or odd set of one or two blocks: pixel i's input at a[i][k].
template <bool Two, bool Odd>
[[gnu::always_inline]] inline void step(Sums& s0, Sums& s1, const float* const a[MR], int64_t k, const float* w,
                                        int64_t w_next) {
  const __m512 b0 = _mm512_loadu_ps(w);
  __m512 b1 = b0;
  if constexpr (Two) b1 = _mm512_loadu_ps(w + w_next);
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    const __m512 v = _mm512_set1_ps(a[i][k]);
    __m512& c0 = Odd ? s0.o[i] : s0.e[i];
    c0 = _mm512_fmadd_ps(v, b0, c0);
    if constexpr (Two) {
      __m512& c1 = Odd ? s1.o[i] : s1.e[i];
      c1 = _mm512_fmadd_ps(v, b1, c1);
    }
  }
}

// One segment of len K steps at a[i] (filters advance 16 a step): steps paired even / odd, an odd
// last step into the even set, as the one-block tile always summed.
template <bool Two>
[[gnu::always_inline]] inline void segment(Sums& s0, Sums& s1, const float* const a[MR], int64_t len, const float*& w,
                                           int64_t w_next) {
  if (len == 8) {  // one channel block: unrolled
#pragma GCC unroll 4
    for (int k = 0; k < 8; k += 2) {
      step<Two, false>(s0, s1, a, k, w, w_next);
      step<Two, true>(s0, s1, a, k + 1, w + 16, w_next);
      w += 32;
    }
    return;
  }
  int64_t k = 0;
#pragma GCC unroll 2
  for (; k + 1 < len; k += 2, w += 32) {
    step<Two, false>(s0, s1, a, k, w, w_next);
    step<Two, true>(s0, s1, a, k + 1, w + 16, w_next);
  }
  if (k < len) {
    step<Two, false>(s0, s1, a, k, w, w_next);
    w += 16;
  }
}

[[gnu::always_inline]] inline void finish(Sums& s) {
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) s.e[i] = _mm512_add_ps(s.e[i], s.o[i]);
}

[[gnu::always_inline]] inline void save(const Sums& s, float* partial) {
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) _mm512_store_ps(partial + 16 * i, s.e[i]);
}

template <typename Act>
[[gnu::always_inline]] inline void store_blocked_with(const Sums& s, int rows, int cols, float* y, const float* z,
                                                      int64_t ldy, const float* bias, Act act) {
  // Lanes past cols (a last block of 8) are neither read from bias nor stored.
  const __mmask16 lanes = cols > 8 ? 0xffff : 0x00ff;
  const __m512 b = bias ? _mm512_maskz_loadu_ps(lanes, bias) : _mm512_setzero_ps();
  for (int i = 0; i < rows; ++i) {
    __m512 v = _mm512_add_ps(s.e[i], b);
    if (z) {
      const __m256 lo = _mm256_loadu_ps(z + 8 * i);
      const __m256 hi = cols > 8 ? _mm256_loadu_ps(z + ldy + 8 * i) : _mm256_setzero_ps();
      v = _mm512_add_ps(v, _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1));
    }
    v = act(v);
    _mm256_storeu_ps(y + 8 * i, _mm512_castps512_ps256(v));
    if (cols > 8) _mm256_storeu_ps(y + ldy + 8 * i, _mm512_extractf32x8_ps(v, 1));
  }
}

// The end of a chunk for one block whose tile is `t` (its y, z, bias, cols): partial sums, or
// act(sums + bias + z) into y.
// The activation is chosen once per call (avx512::with_activation), not per tile: a tile of
// K = 16 spent a fifth of its time in the store's dispatch.
template <typename Act>
[[gnu::always_inline]] inline void leave(Sums& s, const ConvDirectTile& t, Act act) {
  finish(s);
  if (!t.last) return save(s, t.partial);
  if (t.blocked_y) return store_blocked_with(s, t.rows, t.cols, t.y, t.z, t.ldy, t.bias, act);
  alignas(64) float acc[kBlockFloats];
  save(s, acc);
  f32_conv_direct_avx2_store_tile(acc, t);  // reads channels past cols of no row
}

// The tile's second block as a tile of its own.
ConvDirectTile next_block(const ConvDirectTile& t) {
  ConvDirectTile n = t;
  const int64_t y_step = t.blocked_y ? 2 * t.ldy : kConvDirectChannels * t.ldy;
  n.partial = t.partial ? t.partial + kBlockFloats : nullptr;
  n.y = t.y + y_step;
  n.z = t.z ? t.z + y_step : nullptr;
  n.bias = t.bias ? t.bias + kConvDirectChannels : nullptr;
  n.cols = t.cols_next, n.cols_next = 0;
  return n;
}

template <bool Two, typename Act>
void tile(const ConvDirectTile& t, Act act) {
  Sums s0, s1;
  start(s0, t.first, t.partial);
  if constexpr (Two) start(s1, t.first, t.partial ? t.partial + kBlockFloats : nullptr);
  const float* w = t.w;
  for (int64_t s = 0; s < t.nseg; ++s) {
    const int64_t off = t.seg_off[s];
    const float* a[MR] = {t.a[0] + off, t.a[1] + off, t.a[2] + off, t.a[3] + off, t.a[4] + off, t.a[5] + off};
    segment<Two>(s0, s1, a, t.seg_len, w, t.w_next);
  }
  leave(s0, t, act);
  if constexpr (Two) leave(s1, next_block(t), act);
}

constexpr int64_t kInputAhead = 4;  // tiles

template <bool Two, typename Act>
void pointwise(const ConvDirectPointwiseRun& r, Act act) {
  ConvDirectTile t;  // what leave() reads: tile 0's output, then each tile's
  t.ldy = r.ldy, t.blocked_y = true, t.act = r.act, t.bias = r.bias;
  t.rows = MR, t.cols = r.cols, t.cols_next = r.cols_next, t.last = r.last;
  t.partial = r.partial, t.y = r.y, t.z = r.z;
  ConvDirectTile next = next_block(t);  // the second block's, built once and moved along with t
  constexpr int64_t kTileFloats = MR * kConvDirectChannelBlock;  // one tile's pixels in a block plane
  PrefetchSpread prefetch(r.prefetch, r.prefetch_floats, r.tiles * r.blocks);
  for (int64_t i = 0; i < r.tiles; ++i) {
    if (i > 0) {
      for (ConvDirectTile* b : {&t, &next}) {
        b->partial += 2 * kBlockFloats;
        b->y += kTileFloats;
        if (b->z) b->z += kTileFloats;
      }
    }
    Sums s0, s1;
    start(s0, r.first, t.partial);
    if constexpr (Two) start(s1, r.first, next.partial);
    const float* w = r.w;
    const float* x = r.x + i * kTileFloats;
    // The input kInputAhead tiles on, plane by plane: a layer's input is 4-48 planes read 192
    // bytes at a time, which the hardware prefetchers did not follow out of L3 (MobileNetV2's
    // 32 -> 16 channels at 112x112, in the model: 177 -> 101 us; 76 once the input had been read).
    const float* x_ahead = i + kInputAhead < r.tiles ? x + kInputAhead * kTileFloats : nullptr;
    for (int64_t cb = 0; cb < r.blocks; ++cb) {
      if (x_ahead) {
        const char* line = reinterpret_cast<const char*>(x_ahead + cb * r.x_block);
        _mm_prefetch(line, _MM_HINT_T0);
        _mm_prefetch(line + 64, _MM_HINT_T0);
        _mm_prefetch(line + 128, _MM_HINT_T0);
      }
      // The tile's six pixels lie side by side in each channel block's plane.
      const float* a0 = x + cb * r.x_block;
      const float* a[MR] = {a0, a0 + 8, a0 + 16, a0 + 24, a0 + 32, a0 + 40};
      segment<Two>(s0, s1, a, kConvDirectChannelBlock, w, r.w_next);
      prefetch.step();
    }
    leave(s0, t, act);
    if constexpr (Two) leave(s1, next, act);
  }
}

}  // namespace

void f32_conv_direct_avx512_tile(const ConvDirectTile& t) {
  avx512::with_activation(t.act, [&](auto act) {
    if (t.cols_next > 0) return tile<true>(t, act);
    tile<false>(t, act);
  });
}

void f32_conv_direct_avx512_pointwise(const ConvDirectPointwiseRun& r) {
  avx512::with_activation(r.act, [&](auto act) {
    if (r.cols_next > 0) return pointwise<true>(r, act);
    pointwise<false>(r, act);
  });
}

// The other per-channel-block kernels are the AVX2 ones (the 3x3 rows have their own file).
void f32_conv_direct_avx512_dw_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_dw_tile(t); }
void f32_conv_direct_avx512_max_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_max_tile(t); }
void f32_conv_direct_avx512_avg_tile(const ConvDirectDwTile& t) { f32_conv_direct_avx2_avg_tile(t); }
void f32_conv_direct_avx512_pool_row(const ConvDirectPoolRow& r) { f32_conv_direct_avx2_pool_row(r); }
void f32_conv_direct_avx512_pack_row(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width,
                                     float* dst, int64_t CB, int64_t block_stride) {
  f32_conv_direct_avx2_pack_row(src, plane, step, C, width, dst, CB, block_stride);
}
void f32_conv_direct_avx512_unpack(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane) {
  f32_conv_direct_avx2_unpack(src, count, cn, dst, plane);
}

}  // namespace onyxrt::kernels
