// AVX2+FMA direct convolution: the 6-pixel x 16-channel tile in 12 ymm accumulators (the register
// shape of the SGEMM's 6x16 kernel, with the pixels' inputs broadcast straight from the padded
// channels-last image through six row pointers), its in-register transpose to NCHW with the
// bias / residual / activation epilogue, and the 8x8-transposing row copy into the 8-channel blocks.
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "kernels/conv_direct.h"
#include "kernels/prefetch_spread.h"
#include "kernels/x86/avx2/conv_activation_avx2.h"

namespace onyxrt::kernels {
namespace {

using avx2::clip_v;
using avx2::leaky_v;
using avx2::relu_v;

// r[j] becomes column j of the 8x8 block held in r[0..7].
inline void transpose8x8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20), r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20), r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31), r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31), r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

inline __m256 load6(const float* p) {
  const __m128 lo = _mm_loadu_ps(p);
  const __m128 hi = _mm_castsi128_ps(_mm_loadu_si64(p + 4));  // unaligned 2 floats, no UB
  return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
}

inline void store6(float* p, __m256 v) {
  _mm_storeu_ps(p, _mm256_castps256_ps128(v));
  _mm_storeu_si64(p + 4, _mm_castps_si128(_mm256_extractf128_ps(v, 1)));
}

inline __m256 activate(__m256 v, const ConvActivation& act) {
  using Kind = ConvActivation::Kind;
  switch (act.kind) {
    case Kind::kRelu: return relu_v(v);
    case Kind::kClip: return clip_v(v, _mm256_set1_ps(act.alpha), _mm256_set1_ps(act.beta));
    case Kind::kLeakyRelu: return leaky_v(v, _mm256_set1_ps(act.alpha));
    default: return v;
  }
}

// Channels [j0, j0 + 8) of a full tile: acc[i] holds pixel i's 8 channels.
inline void store_half(const __m256 acc[6], int j0, const ConvDirectTile& t) {
  __m256 r[8] = {acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], _mm256_setzero_ps(), _mm256_setzero_ps()};
  transpose8x8(r);
  for (int j = 0; j < 8; ++j) {
    __m256 v = r[j];
    if (t.bias) v = _mm256_add_ps(v, _mm256_set1_ps(t.bias[j0 + j]));
    if (t.z) v = _mm256_add_ps(v, load6(t.z + (j0 + j) * t.ldy));
    store6(t.y + (j0 + j) * t.ldy, activate(v, t.act));
  }
}

// One 8-channel block of an NCHW8c tile: acc[i] is pixel i's, stored at y + 8 * i as it is.
// The bias is added even when absent (as zero), as the portable store does.
template <typename Act>
inline void store_blocked_rows_with(const __m256* acc, int rows, float* y, const float* z, __m256 b, Act act) {
  for (int i = 0; i < rows; ++i) {
    __m256 v = _mm256_add_ps(acc[i], b);
    if (z) v = _mm256_add_ps(v, _mm256_loadu_ps(z + 8 * i));
    _mm256_storeu_ps(y + 8 * i, act(v));
  }
}

inline void store_blocked_rows(const __m256* acc, int rows, float* y, const float* z, const float* bias,
                               const ConvActivation& act) {
  const __m256 b = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
  avx2::with_activation(act, [&](auto fn) { store_blocked_rows_with(acc, rows, y, z, b, fn); });
}

// A pooling tile (acc[i]: pixel i's 8 channels) stored as NCHW, with no epilogue.
inline void store_pool_tile(__m256 acc[8], const ConvDirectDwTile& t) {
  if (t.blocked_y) {
    for (int i = 0; i < t.rows; ++i) _mm256_storeu_ps(t.y + 8 * i, acc[i]);
    return;
  }
  if (t.rows != 8 || t.cols != 8) {
    alignas(32) float tmp[64];
    for (int i = 0; i < 8; ++i) _mm256_store_ps(tmp + 8 * i, acc[i]);
    ConvDirectDwTile plain = t;
    plain.bias = nullptr, plain.z = nullptr, plain.act = ConvActivation{};
    conv_direct_store_dw_tile(tmp, plain);
    return;
  }
  transpose8x8(acc);  // acc[j]: channel j's 8 pixels
  for (int j = 0; j < 8; ++j) _mm256_storeu_ps(t.y + j * t.ldy, acc[j]);
}

// The last step of a tile: lo[i] / hi[i] hold pixel i's channels 0-7 / 8-15 (hi unread when cols
// is 8 or fewer).
// Always inlined into the tile, as this code was before the AVX-512 tile came to share it: a call
// spills the twelve accumulators to memory at the end of every tile (short tiles: K = 16-96).
[[gnu::always_inline]] inline void store_tile(const __m256 lo[6], const __m256 hi[6], const ConvDirectTile& t) {
  if (t.blocked_y) {  // cols is 8 or 16
    store_blocked_rows(lo, t.rows, t.y, t.z, t.bias, t.act);
    if (t.cols > 8)
      store_blocked_rows(hi, t.rows, t.y + t.ldy, t.z ? t.z + t.ldy : nullptr, t.bias ? t.bias + 8 : nullptr, t.act);
    return;
  }
  if (t.rows == kConvDirectPixels && (t.cols == 8 || t.cols == kConvDirectChannels)) {
    store_half(lo, 0, t);
    if (t.cols > 8) store_half(hi, 8, t);
    return;
  }
  alignas(32) float acc[kConvDirectPixels * kConvDirectChannels];
  for (int i = 0; i < 6; ++i) _mm256_store_ps(acc + 16 * i, lo[i]), _mm256_store_ps(acc + 16 * i + 8, hi[i]);
  conv_direct_store_tile(acc, t);
}

// The tile's six pixel pointers at segment s: a0..a5 (the step macros read them by name).
#define ONYXRT_SEGMENT_ROWS(s)                                              \
  const int64_t off = t.seg_off[s];                                         \
  const float *a0 = t.a[0] + off, *a1 = t.a[1] + off, *a2 = t.a[2] + off; \
  const float *a3 = t.a[3] + off, *a4 = t.a[4] + off, *a5 = t.a[5] + off;

// A tile whose last block holds 8 output channels or fewer (M = 24, 40, ...): six accumulators,
// half the FMAs of the 16-wide tile, which would compute 8 channels of padding. 144 -> 24 at
// 56x56: 59 -> 64 GF/s; 64 -> 24 3x3 at 28x28: 60 -> 69.
// The 6x8 tile's sums entering a chunk of K (zero for the first, else its partial sums at p,
// [6][16] with the second 8 unused) and leaving one that is not the last.
#define ONYXRT_START_8(first, p)                                                                   \
  if (first) {                                                                                     \
    c0 = c1 = c2 = c3 = c4 = c5 = _mm256_setzero_ps();                                            \
  } else {                                                                                         \
    c0 = _mm256_load_ps(p), c1 = _mm256_load_ps(p + 16), c2 = _mm256_load_ps(p + 32);            \
    c3 = _mm256_load_ps(p + 48), c4 = _mm256_load_ps(p + 64), c5 = _mm256_load_ps(p + 80);       \
  }
#define ONYXRT_SAVE_8(p)                                                                          \
  _mm256_store_ps(p, c0), _mm256_store_ps(p + 16, c1), _mm256_store_ps(p + 32, c2);               \
  _mm256_store_ps(p + 48, c3), _mm256_store_ps(p + 64, c4), _mm256_store_ps(p + 80, c5);

// One K step of the 6x8 tile: accumulators c0..c5, pixel pointers a0..a5, filter rows at w.
#define ONYXRT_CONV_STEP_8(k)                       \
  {                                                 \
    const __m256 b = _mm256_loadu_ps(w);            \
    c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + (k)), b, c0); \
    c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + (k)), b, c1); \
    c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + (k)), b, c2); \
    c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + (k)), b, c3); \
    c4 = _mm256_fmadd_ps(_mm256_broadcast_ss(a4 + (k)), b, c4); \
    c5 = _mm256_fmadd_ps(_mm256_broadcast_ss(a5 + (k)), b, c5); \
    w += 16;                                        \
  }
void tile_8_channels(const ConvDirectTile& t) {
  __m256 c0, c1, c2, c3, c4, c5;
  ONYXRT_START_8(t.first, t.partial)
  const float* w = t.w;
  for (int64_t s = 0; s < t.nseg; ++s) {
    ONYXRT_SEGMENT_ROWS(s)
#pragma GCC unroll 8
    for (int64_t k = 0; k < t.seg_len; ++k) ONYXRT_CONV_STEP_8(k)
  }
  if (!t.last) {
    ONYXRT_SAVE_8(t.partial)
    return;
  }
  const __m256 acc[6] = {c0, c1, c2, c3, c4, c5};
  store_tile(acc, acc, t);  // cols <= 8: the second half is never read
}

}  // namespace

// The same for the 6x16 tile (partial sums [6][16], pixel-major).
#define ONYXRT_START_16(first, p)                                                                  \
  if (first) {                                                                                     \
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps(); \
  } else {                                                                                         \
    c00 = _mm256_load_ps(p), c01 = _mm256_load_ps(p + 8), c10 = _mm256_load_ps(p + 16);          \
    c11 = _mm256_load_ps(p + 24), c20 = _mm256_load_ps(p + 32), c21 = _mm256_load_ps(p + 40);     \
    c30 = _mm256_load_ps(p + 48), c31 = _mm256_load_ps(p + 56), c40 = _mm256_load_ps(p + 64);     \
    c41 = _mm256_load_ps(p + 72), c50 = _mm256_load_ps(p + 80), c51 = _mm256_load_ps(p + 88);     \
  }
#define ONYXRT_SAVE_16(p)                                                                         \
  _mm256_store_ps(p, c00), _mm256_store_ps(p + 8, c01), _mm256_store_ps(p + 16, c10);             \
  _mm256_store_ps(p + 24, c11), _mm256_store_ps(p + 32, c20), _mm256_store_ps(p + 40, c21);       \
  _mm256_store_ps(p + 48, c30), _mm256_store_ps(p + 56, c31), _mm256_store_ps(p + 64, c40);       \
  _mm256_store_ps(p + 72, c41), _mm256_store_ps(p + 80, c50), _mm256_store_ps(p + 88, c51);

// One K step of the 6x16 tile: accumulators c00..c51, pixel pointers a0..a5, filter rows at w.
#define ONYXRT_CONV_STEP(k)                                                    \
  {                                                                            \
    const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);         \
    __m256 a = _mm256_broadcast_ss(a0 + (k));                                  \
    c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);     \
    a = _mm256_broadcast_ss(a1 + (k));                                         \
    c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);     \
    a = _mm256_broadcast_ss(a2 + (k));                                         \
    c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);     \
    a = _mm256_broadcast_ss(a3 + (k));                                         \
    c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);     \
    a = _mm256_broadcast_ss(a4 + (k));                                         \
    c40 = _mm256_fmadd_ps(a, b0, c40), c41 = _mm256_fmadd_ps(a, b1, c41);     \
    a = _mm256_broadcast_ss(a5 + (k));                                         \
    c50 = _mm256_fmadd_ps(a, b0, c50), c51 = _mm256_fmadd_ps(a, b1, c51);     \
    w += 16;                                                                   \
  }

// One 8-channel block of K (eight steps) of the 6x16 tile in one asm statement, the block's 8
// rows of 16 packed filters at w. Written with intrinsics, GCC hoisted later steps' filter loads
// and spilled two of the twelve accumulators to the stack inside the loop: a store and an FMA
// from memory every block, the hottest instruction of MobileNetV2's pointwise layers. Here the
// accumulators stay in registers; ymm12-13 hold the filter row, ymm14-15 the broadcasts. The same
// sums in the same order as ONYXRT_CONV_STEP. Each `+x` counts twice towards asm's 30 operands,
// so the pixel addresses come in as one base (a pointwise run's pixels lie side by side, 32 bytes
// apart) or as the tile's pointer array plus the segment's byte offset, loaded into scratch
// registers.
#define ONYXRT_ASM_PIXEL(i, addr, bc)                    \
  "vbroadcastss " addr ", %%" bc "\n\t"                  \
  "vfmadd231ps %%ymm12, %%" bc ", %[c" #i "0]\n\t"      \
  "vfmadd231ps %%ymm13, %%" bc ", %[c" #i "1]\n\t"
#define ONYXRT_ASM_STEP(A, kx, kw0, kw1)                                                              \
  "vmovups " kw0 "(%[w]), %%ymm12\n\t"                                                                \
  "vmovups " kw1 "(%[w]), %%ymm13\n\t"                                                                \
  ONYXRT_ASM_PIXEL(0, A(0, kx), "ymm14") ONYXRT_ASM_PIXEL(1, A(1, kx), "ymm15")                       \
  ONYXRT_ASM_PIXEL(2, A(2, kx), "ymm14") ONYXRT_ASM_PIXEL(3, A(3, kx), "ymm15")                       \
  ONYXRT_ASM_PIXEL(4, A(4, kx), "ymm14") ONYXRT_ASM_PIXEL(5, A(5, kx), "ymm15")
#define ONYXRT_ASM_BLOCK(A)                                                                         \
  ONYXRT_ASM_STEP(A, "0", "0", "32") ONYXRT_ASM_STEP(A, "4", "64", "96")                            \
  ONYXRT_ASM_STEP(A, "8", "128", "160") ONYXRT_ASM_STEP(A, "12", "192", "224")                      \
  ONYXRT_ASM_STEP(A, "16", "256", "288") ONYXRT_ASM_STEP(A, "20", "320", "352")                     \
  ONYXRT_ASM_STEP(A, "24", "384", "416") ONYXRT_ASM_STEP(A, "28", "448", "480")
#define ONYXRT_ASM_ACCUMULATORS                                                                   \
  [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20),           \
      [c21] "+x"(c21), [c30] "+x"(c30), [c31] "+x"(c31), [c40] "+x"(c40), [c41] "+x"(c41),       \
      [c50] "+x"(c50), [c51] "+x"(c51)
// Pixel i of a pointwise run: kx + 32 i bytes from p.
#define ONYXRT_ASM_SIDE_BY_SIDE(i, kx) kx "+32*" #i "(%[p])"
#define ONYXRT_CONV_BLOCK_SIDE_BY_SIDE(p0, wp)                                            \
  __asm__(ONYXRT_ASM_BLOCK(ONYXRT_ASM_SIDE_BY_SIDE)                                       \
          : ONYXRT_ASM_ACCUMULATORS                                                       \
          : [p] "r"(p0), [w] "r"(wp)                                                      \
          : "xmm12", "xmm13", "xmm14", "xmm15", "memory");
// Pixel i of a tile: its pointer, loaded into a scratch register, plus the segment's offset.
#define ONYXRT_ASM_REG_0 "%%rax"
#define ONYXRT_ASM_REG_1 "%%rdx"
#define ONYXRT_ASM_REG_2 "%%r8"
#define ONYXRT_ASM_REG_3 "%%r9"
#define ONYXRT_ASM_REG_4 "%%r10"
#define ONYXRT_ASM_REG_5 "%%r11"
#define ONYXRT_ASM_POINTER(i, kx) kx "(" ONYXRT_ASM_REG_##i ")"
#define ONYXRT_ASM_LOAD_POINTER(i) \
  "mov 8*" #i "(%[pa]), " ONYXRT_ASM_REG_##i "\n\tadd %[off], " ONYXRT_ASM_REG_##i "\n\t"
#define ONYXRT_CONV_BLOCK_POINTERS(pointers, byte_offset, wp)                                       \
  __asm__(ONYXRT_ASM_LOAD_POINTER(0) ONYXRT_ASM_LOAD_POINTER(1) ONYXRT_ASM_LOAD_POINTER(2)          \
              ONYXRT_ASM_LOAD_POINTER(3) ONYXRT_ASM_LOAD_POINTER(4) ONYXRT_ASM_LOAD_POINTER(5)      \
                  ONYXRT_ASM_BLOCK(ONYXRT_ASM_POINTER)                                              \
          : ONYXRT_ASM_ACCUMULATORS                                                                 \
          : [pa] "r"(pointers), [off] "r"(byte_offset), [w] "r"(wp)                                 \
          : "rax", "rdx", "r8", "r9", "r10", "r11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");

namespace {

// A tile of one pixel, 16 channels: the last of 7x7 maps (49 = 8 x 6 + 1), which the 6-pixel
// tile would take at the cost of six. Four partial sums per half, over k mod 4, so that the
// FMAs' latency is covered without the other five pixels' work. The 1x1 convolutions at 7x7 of
// MobileNetV2 and ResNet-50 (160 -> 960 ... 2048 -> 512) took 7-8% less time.
void tile_1_pixel(const ConvDirectTile& t) {
  __m256 lo[4], hi[4];
  for (int j = 0; j < 4; ++j) lo[j] = hi[j] = _mm256_setzero_ps();
  if (!t.first) lo[0] = _mm256_load_ps(t.partial), hi[0] = _mm256_load_ps(t.partial + 8);
  const float* w = t.w;
  for (int64_t s = 0; s < t.nseg; ++s) {
    const float* a = t.a[0] + t.seg_off[s];
    int64_t k = 0;
    for (; k + 4 <= t.seg_len; k += 4, w += 64)
      for (int j = 0; j < 4; ++j) {
        const __m256 v = _mm256_broadcast_ss(a + k + j);
        lo[j] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 16 * j), lo[j]);
        hi[j] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 16 * j + 8), hi[j]);
      }
    for (; k < t.seg_len; ++k, w += 16) {
      const __m256 v = _mm256_broadcast_ss(a + k);
      lo[0] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), lo[0]);
      hi[0] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), hi[0]);
    }
  }
  const __m256 l = _mm256_add_ps(_mm256_add_ps(lo[0], lo[1]), _mm256_add_ps(lo[2], lo[3]));
  const __m256 h = _mm256_add_ps(_mm256_add_ps(hi[0], hi[1]), _mm256_add_ps(hi[2], hi[3]));
  if (!t.last) {
    _mm256_store_ps(t.partial, l), _mm256_store_ps(t.partial + 8, h);
    return;
  }
  const __m256 z = _mm256_setzero_ps();
  const __m256 l6[6] = {l, z, z, z, z, z}, h6[6] = {h, z, z, z, z, z};
  store_tile(l6, h6, t);
}

}  // namespace

void f32_conv_direct_avx2_tile(const ConvDirectTile& t) {
  if (t.cols <= 8) return tile_8_channels(t);
  if (t.rows == 1) return tile_1_pixel(t);
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  ONYXRT_START_16(t.first, t.partial)
  const float* w = t.w;
  if (t.seg_len == 8) {  // one channel block per segment (1x1 windows in place, dilated columns)
    // Fully unrolled: the 4-step loop's exit and pointer setup every 8 steps cost 10-35% on
    // blocked 1x1 convolutions read in place.
    for (int64_t s = 0; s < t.nseg; ++s) {
      ONYXRT_CONV_BLOCK_POINTERS(t.a, t.seg_off[s] * int64_t{sizeof(float)}, w)
      w += 8 * kConvDirectChannels;
    }
  } else {
    for (int64_t s = 0; s < t.nseg; ++s) {
      ONYXRT_SEGMENT_ROWS(s)
#pragma GCC unroll 4
      for (int64_t k = 0; k < t.seg_len; ++k) ONYXRT_CONV_STEP(k)
    }
  }
#undef ONYXRT_SEGMENT_ROWS
  if (!t.last) {
    ONYXRT_SAVE_16(t.partial)
    return;
  }
  const __m256 lo[6] = {c00, c10, c20, c30, c40, c50}, hi[6] = {c01, c11, c21, c31, c41, c51};
  store_tile(lo, hi, t);
}

namespace {

// ConvDirectPointwiseRun with cols 8: tile_8_channels' six accumulators.
void pointwise_8_channels(const ConvDirectPointwiseRun& r) {
  for (int64_t tile = 0; tile < r.tiles; ++tile) {
    __m256 c0, c1, c2, c3, c4, c5;
    float* part = r.partial + tile * kConvDirectPixels * kConvDirectChannels;
    ONYXRT_START_8(r.first, part)
    const float* w = r.w;
    const float* x = r.x + tile * kConvDirectPixels * kConvDirectChannelBlock;
    for (int64_t cb = 0; cb < r.blocks; ++cb) {
      const float *a0 = x + cb * r.x_block, *a1 = a0 + 8, *a2 = a0 + 16, *a3 = a0 + 24, *a4 = a0 + 32, *a5 = a0 + 40;
      ONYXRT_CONV_STEP_8(0) ONYXRT_CONV_STEP_8(1) ONYXRT_CONV_STEP_8(2) ONYXRT_CONV_STEP_8(3)
      ONYXRT_CONV_STEP_8(4) ONYXRT_CONV_STEP_8(5) ONYXRT_CONV_STEP_8(6) ONYXRT_CONV_STEP_8(7)
    }
    if (!r.last) {
      ONYXRT_SAVE_8(part)
      continue;
    }
    const int64_t at = tile * kConvDirectPixels * kConvDirectChannelBlock;
    const __m256 acc[6] = {c0, c1, c2, c3, c4, c5};
    store_blocked_rows(acc, kConvDirectPixels, r.y + at, r.z ? r.z + at : nullptr, r.bias, r.act);
  }
}
#undef ONYXRT_CONV_STEP_8
#undef ONYXRT_START_8
#undef ONYXRT_SAVE_8

}  // namespace

void f32_conv_direct_avx2_pointwise(const ConvDirectPointwiseRun& r) {
  if (r.cols <= 8) return pointwise_8_channels(r);
  PrefetchSpread prefetch(r.prefetch, r.prefetch_floats, r.tiles * r.blocks);
  for (int64_t tile = 0; tile < r.tiles; ++tile) {
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    float* part = r.partial + tile * kConvDirectPixels * kConvDirectChannels;
    ONYXRT_START_16(r.first, part)
    const float* w = r.w;
    const float* x = r.x + tile * kConvDirectPixels * kConvDirectChannelBlock;
    for (int64_t cb = 0; cb < r.blocks; ++cb) {
      // The tile's six pixels lie side by side in each channel block's plane.
      ONYXRT_CONV_BLOCK_SIDE_BY_SIDE(x + cb * r.x_block, w)
      w += 8 * kConvDirectChannels;
      prefetch.step();
    }
    if (!r.last) {
      ONYXRT_SAVE_16(part)
      continue;
    }
    const int64_t at = tile * kConvDirectPixels * kConvDirectChannelBlock;
    const __m256 lo[6] = {c00, c10, c20, c30, c40, c50}, hi[6] = {c01, c11, c21, c31, c41, c51};
    store_blocked_rows(lo, kConvDirectPixels, r.y + at, r.z ? r.z + at : nullptr, r.bias, r.act);
    store_blocked_rows(hi, kConvDirectPixels, r.y + r.ldy + at, r.z ? r.z + r.ldy + at : nullptr,
                       r.bias ? r.bias + 8 : nullptr, r.act);
  }
}
#undef ONYXRT_CONV_STEP
#undef ONYXRT_CONV_BLOCK_SIDE_BY_SIDE
#undef ONYXRT_CONV_BLOCK_POINTERS
#undef ONYXRT_ASM_SIDE_BY_SIDE
#undef ONYXRT_ASM_POINTER
#undef ONYXRT_ASM_LOAD_POINTER
#undef ONYXRT_ASM_ACCUMULATORS
#undef ONYXRT_ASM_BLOCK
#undef ONYXRT_ASM_STEP
#undef ONYXRT_ASM_PIXEL
#undef ONYXRT_START_16
#undef ONYXRT_SAVE_16

void f32_conv_direct_avx2_store_tile(const float* acc, const ConvDirectTile& t) {
  __m256 lo[6], hi[6];
  for (int i = 0; i < 6; ++i) lo[i] = _mm256_loadu_ps(acc + 16 * i), hi[i] = _mm256_loadu_ps(acc + 16 * i + 8);
  store_tile(lo, hi, t);
}

void f32_conv_direct_avx2_dw_tile(const ConvDirectDwTile& t) {
  // Named accumulators: an array here was kept in memory and zeroed with rep stos.
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  const float *a0 = t.a[0], *a1 = t.a[1], *a2 = t.a[2], *a3 = t.a[3];
  const float *a4 = t.a[4], *a5 = t.a[5], *a6 = t.a[6], *a7 = t.a[7];
  for (int64_t k = 0; k < t.taps; ++k) {
    const __m256 w = _mm256_loadu_ps(t.w + 8 * k);
    const int64_t off = t.tap_off[k];
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + off), w, s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + off), w, s1);
    s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + off), w, s2);
    s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + off), w, s3);
    s4 = _mm256_fmadd_ps(_mm256_loadu_ps(a4 + off), w, s4);
    s5 = _mm256_fmadd_ps(_mm256_loadu_ps(a5 + off), w, s5);
    s6 = _mm256_fmadd_ps(_mm256_loadu_ps(a6 + off), w, s6);
    s7 = _mm256_fmadd_ps(_mm256_loadu_ps(a7 + off), w, s7);
  }
  __m256 acc[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
  if (t.blocked_y) {
    store_blocked_rows(acc, t.rows, t.y, t.z, t.bias, t.act);
    return;
  }
  if (t.rows != 8 || t.cols != 8) {
    alignas(32) float tmp[64];
    for (int i = 0; i < 8; ++i) _mm256_store_ps(tmp + 8 * i, acc[i]);
    conv_direct_store_dw_tile(tmp, t);
    return;
  }
  transpose8x8(acc);  // acc[j]: channel j's 8 pixels
  for (int j = 0; j < 8; ++j) {
    __m256 v = acc[j];
    if (t.bias) v = _mm256_add_ps(v, _mm256_set1_ps(t.bias[j]));
    if (t.z) v = _mm256_add_ps(v, _mm256_loadu_ps(t.z + j * t.ldy));
    _mm256_storeu_ps(t.y + j * t.ldy, activate(v, t.act));
  }
}

void f32_conv_direct_avx2_max_tile(const ConvDirectDwTile& t) {
  // max_ps(v, m) is (v > m ? v : m): a NaN input never replaces the running maximum.
  __m256 s0 = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  __m256 s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
  const float *a0 = t.a[0], *a1 = t.a[1], *a2 = t.a[2], *a3 = t.a[3];
  const float *a4 = t.a[4], *a5 = t.a[5], *a6 = t.a[6], *a7 = t.a[7];
  for (int64_t k = 0; k < t.taps; ++k) {
    const int64_t off = t.tap_off[k];
    s0 = _mm256_max_ps(_mm256_loadu_ps(a0 + off), s0);
    s1 = _mm256_max_ps(_mm256_loadu_ps(a1 + off), s1);
    s2 = _mm256_max_ps(_mm256_loadu_ps(a2 + off), s2);
    s3 = _mm256_max_ps(_mm256_loadu_ps(a3 + off), s3);
    s4 = _mm256_max_ps(_mm256_loadu_ps(a4 + off), s4);
    s5 = _mm256_max_ps(_mm256_loadu_ps(a5 + off), s5);
    s6 = _mm256_max_ps(_mm256_loadu_ps(a6 + off), s6);
    s7 = _mm256_max_ps(_mm256_loadu_ps(a7 + off), s7);
  }
  __m256 acc[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
  store_pool_tile(acc, t);
}

void f32_conv_direct_avx2_avg_tile(const ConvDirectDwTile& t) {
  __m256 acc[8];
  for (int i = 0; i < 8; ++i) acc[i] = _mm256_setzero_ps();
  const float* a[8] = {t.a[0], t.a[1], t.a[2], t.a[3], t.a[4], t.a[5], t.a[6], t.a[7]};
  for (int64_t k = 0; k < t.taps; ++k) {
    const int64_t off = t.tap_off[k];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) acc[i] = _mm256_add_ps(acc[i], _mm256_loadu_ps(a[i] + off));
  }
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) acc[i] = _mm256_div_ps(acc[i], _mm256_set1_ps(t.divisors[i]));
  store_pool_tile(acc, t);
}

namespace {

// Three planes interleaved, eight pixels at a time (r g b r g b ...): the copy a 3-channel first
// layer (RGB) makes of its whole image. Element by element it was 17% of MobileNetV2's and
// ShuffleNet's 3 -> 24/32 stem convolution.
void interleave3(const float* src, int64_t plane, int64_t width, float* dst) {
  // Output vector v, lane l holds pixel (8v + l) / 3, channel (8v + l) % 3: each channel's
  // pixels gathered by one permute, then blended by channel.
  const __m256i idx[3] = {_mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2), _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5),
                          _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7)};
  int64_t w = 0;
  for (; w + 8 <= width; w += 8) {
    const __m256 c0 = _mm256_loadu_ps(src + w), c1 = _mm256_loadu_ps(src + plane + w),
                 c2 = _mm256_loadu_ps(src + 2 * plane + w);
    float* out = dst + w * 3;
    // Lanes of channel 1 and 2 in each output vector (channel 0 is the rest): 8v + l = 1, 2 mod 3.
    _mm256_storeu_ps(out, _mm256_blend_ps(_mm256_blend_ps(_mm256_permutevar8x32_ps(c0, idx[0]),
                                                          _mm256_permutevar8x32_ps(c1, idx[0]), 0b10010010),
                                          _mm256_permutevar8x32_ps(c2, idx[0]), 0b00100100));
    _mm256_storeu_ps(out + 8, _mm256_blend_ps(_mm256_blend_ps(_mm256_permutevar8x32_ps(c0, idx[1]),
                                                              _mm256_permutevar8x32_ps(c1, idx[1]), 0b00100100),
                                              _mm256_permutevar8x32_ps(c2, idx[1]), 0b01001001));
    _mm256_storeu_ps(out + 16, _mm256_blend_ps(_mm256_blend_ps(_mm256_permutevar8x32_ps(c0, idx[2]),
                                                               _mm256_permutevar8x32_ps(c1, idx[2]), 0b01001001),
                                               _mm256_permutevar8x32_ps(c2, idx[2]), 0b10010010));
  }
  for (; w < width; ++w)
    for (int c = 0; c < 3; ++c) dst[w * 3 + c] = src[c * plane + w];
}

// Eight channels (plane apart) of n pixels (all eight when Full) into n channel-blocked pixels
// of out (CB apart). The tail is a template twin so that the full groups keep r in registers.
template <bool Full>
inline void pack_group(const float* s, int64_t plane, int64_t step, int n, float* out, int64_t CB) {
  __m256 r[8];
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int c = 0; c < 8; ++c) {
    const float* row = s + c * plane;
    if (step == 1) {
      r[c] = Full ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, mask);
    } else if (Full) {
      r[c] = _mm256_setr_ps(row[0], row[step], row[2 * step], row[3 * step], row[4 * step], row[5 * step],
                            row[6 * step], row[7 * step]);
    } else {
      alignas(32) float lane[8] = {};
      for (int w = 0; w < n; ++w) lane[w] = row[w * step];
      r[c] = _mm256_load_ps(lane);
    }
  }
  transpose8x8(r);
  if (Full) {
    for (int w = 0; w < 8; ++w) _mm256_storeu_ps(out + w * CB, r[w]);
  } else {
    for (int w = 0; w < n; ++w) _mm256_storeu_ps(out + w * CB, r[w]);
  }
}

// The first n (< 8) floats of v to p, in at most three stores: masked stores are slow on AMD.
inline void store_first(float* p, __m256 v, int n) {
  __m128 part = _mm256_castps256_ps128(v);
  if (n & 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(v, 1);
    p += 4;
  }
  if (n & 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), part);
    part = _mm_movehl_ps(part, part);
    p += 2;
  }
  if (n & 1) _mm_store_ss(p, part);
}

// n (all eight when Full) channel-blocked pixels of src into the planes of cn channels of dst.
template <bool Full>
inline void unpack_group(const float* src, int n, int64_t cn, float* dst, int64_t plane) {
  __m256 r[8];
  for (int i = 0; i < 8; ++i) r[i] = Full || i < n ? _mm256_loadu_ps(src + i * 8) : _mm256_setzero_ps();
  transpose8x8(r);  // r[j]: channel j's pixels
  if (Full) {
    for (int j = 0; j < 8; ++j) _mm256_storeu_ps(dst + j * plane, r[j]);
  } else if (n == 8) {
    for (int64_t j = 0; j < cn; ++j) _mm256_storeu_ps(dst + j * plane, r[j]);
  } else {
    for (int64_t j = 0; j < cn; ++j) store_first(dst + j * plane, r[j], n);
  }
}

}  // namespace

void f32_conv_direct_avx2_pack_row(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width,
                                   float* dst, int64_t CB, int64_t block_stride) {
  if (C == 3 && CB == 3 && step == 1) {
    interleave3(src, plane, width, dst);
    return;
  }
  if (C % 8 != 0 || CB % 8 != 0) {  // a short block, or a ragged C
    f32_conv_direct_portable_pack_row(src, plane, step, C, width, dst, CB, block_stride);
    return;
  }
  // A row's last width % 8 pixels take the same transpose, their loads masked (or gathered) to the
  // pixels that exist: 14- and 7-wide maps were half or all element by element.
  const int64_t w_full = width / 8 * 8;
  const int tail = static_cast<int>(width - w_full);
  for (int64_t c0 = 0; c0 < C; c0 += 8) {
    float* out = dst + c0 / CB * block_stride + c0 % CB;
    const float* s = src + c0 * plane;
    for (int64_t w0 = 0; w0 < w_full; w0 += 8) pack_group<true>(s + w0 * step, plane, step, 8, out + w0 * CB, CB);
    if (tail) pack_group<false>(s + w_full * step, plane, step, tail, out + w_full * CB, CB);
  }
}

void f32_conv_direct_avx2_unpack(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane) {
  // Eight pixels at a time through the transpose, a partial last group and a partial channel block
  // included (their loads read whole 8-channel pixels, which exist): both were element by element,
  // 3% of ShuffleNet's time at 28x28 and below.
  const int64_t full = count / 8 * 8;
  if (cn == 8)
    for (int64_t p = 0; p < full; p += 8) unpack_group<true>(src + p * 8, 8, 8, dst + p, plane);
  else
    for (int64_t p = 0; p < full; p += 8) unpack_group<false>(src + p * 8, 8, cn, dst + p, plane);
  if (full < count) unpack_group<false>(src + full * 8, static_cast<int>(count - full), cn, dst + full, plane);
}

}  // namespace onyxrt::kernels
