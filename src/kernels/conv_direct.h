// Direct (im2col-free) float convolution for 1-D and 2-D windows with group 1.
//
// The input of each image is copied once into a zero-bordered channel-blocked buffer
// [C / 8][Hp][Wp][8] (NCHW8c; fewer than 8 channels stay one block, and a 1x1 window, which
// reads no neighbours, takes all C as one block: channels-last). An output pixel then reads,
// for each channel block and kernel row, one contiguous run of KW * 8 floats, so the convolution
// is a GEMM whose A rows are pixels addressed in place: no column matrix is unfolded. A tile
// computes 6 output pixels x 16 output channels in registers, broadcasting the pixels' inputs
// against filters packed 16 channels wide (constant filters are packed once at session creation).
// K is walked a few channel blocks at a time over a group of tiles, so that the filter rows and
// the input rows of a chunk stay in L1. Tiles run over the flat pixel index, so rows of the
// output never leave a tile ragged except the last. Each tile transposes its registers into NCHW
// and adds the bias and the residual and applies the activation on the way out.
//
// Against im2col + SGEMM this reads the input once instead of writing and re-reading
// kernel-size copies of it, and small outputs (7x7 maps) tile by 6 pixels instead of 16.
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/conv_activation.h"
#include "kernels/ref/window.h"

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

constexpr int kConvDirectPixels = 6;     // MR: output pixels per tile
constexpr int kConvDirectChannels = 16;  // NR: output channels per tile
constexpr int kConvDirectChannelBlock = 8;  // input channels per block of the copy

// Output channels of 16-channel block b when the output has `channels` (padded) channels: 16, or
// fewer for the last block, 0 past it (a tile's cols and cols_next).
inline int conv_direct_block_cols(int64_t channels, int64_t b) {
  const int64_t left = channels - b * kConvDirectChannels;
  return static_cast<int>(left < 0 ? 0 : left < kConvDirectChannels ? left : kConvDirectChannels);
}

// One tile: acc[i][j] (i < 6 pixels, j < 16 channels) = (first ? 0 : partial[i * 16 + j]) +
// sum over segments s and t < seg_len of a[i][seg_off[s] + t] * w[(s * seg_len + t) * 16 + j].
// A tile that is not `last` stores acc to `partial` (the driver splits long K so that the
// filter chunk stays in L1 across tiles); the last one writes
// y[j * ldy + i] = act(acc[i][j] + bias[j] + z[j * ldy + i]) for i < rows, j < cols: NCHW output
// directly. Every a[i] must be readable (tail pixels point at a valid pixel). `act` holds only
// kinds that fit the SGEMM epilogue; the driver applies the others after.
struct ConvDirectTile {
  const float* a[kConvDirectPixels];
  const int64_t* seg_off;
  int64_t nseg;
  int64_t seg_len;
  const float* w;
  float* partial;  // [6][16], 32-byte aligned: read unless first, written unless last
  bool first, last;
  float* y;
  int64_t ldy;
  int rows, cols;
  const float* bias;  // the tile's first channel's, or null
  const float* z;     // laid out as y, or null
  ConvActivation act;
  // NCHW8c output instead: y and z are [M / 8][pixels][8] with ldy the block stride, pointing at
  // the tile's first pixel of its first channel block, and cols is 8 or 16 (M padded to 8).
  bool blocked_y = false;
  // Variants with ConvDirectVariant::blocks 2 only: cols_next > 0 makes the tile compute the next
  // 16 output channels as well (cols is then 16), from filters at w + w_next, with partial sums
  // at partial + 96, bias at bias + 16, and y and z 16 channels on (y + 16 ldy, or y + 2 ldy when
  // blocked). Each block's sums are the bits the tile gives it alone.
  int64_t w_next = 0;
  int cols_next = 0;
};
using ConvDirectTileFn = void (*)(const ConvDirectTile& t);

// One image row into the blocked copy: dst[(c / CB) * block_stride + w * CB + c % CB] =
// src[c * plane + w * step] for c < C, w < width, and 0 for the channels of the last block past
// C. CB is min(C, 8), or C itself for 1x1 windows.
using ConvDirectPackRowFn = void (*)(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width,
                                     float* dst, int64_t CB, int64_t block_stride);

// Depthwise (group == C == M) on the same blocked copy: out[i][j] for pixel i < 8 and channel
// j < 8 of one channel block = sum over taps t of a[i][tap_off[t] + j] * w[t * 8 + j], then
// y[j * ldy + i] = act(out[i][j] + bias[j] + z[j * ldy + i]) for i < rows, j < cols. Eight
// channels share each vector, so no window ever straddles a vector lane.
constexpr int kConvDirectDwPixels = 8;
struct ConvDirectDwTile {
  const float* a[kConvDirectDwPixels];
  const int64_t* tap_off;
  int64_t taps;
  const float* w;
  float* y;
  int64_t ldy;
  int rows, cols;
  const float* bias;
  const float* z;
  ConvActivation act;
  const float* divisors;  // average pooling: each pixel's window count (8 floats)
  // NCHW8c output instead: y and z are the block's [pixels][8], pointing at the tile's first
  // pixel, and cols is 8.
  bool blocked_y = false;
};
using ConvDirectDwTileFn = void (*)(const ConvDirectDwTile& t);

// Depthwise 3x3 along one output row of one NCHW8c channel block (dilation 1, stride 1 or 2 along
// the row): for pixel j < count and channel c < 8, with col(j, kw) = col0 + j * stride + kw,
// y[j * 8 + c] = act(sum over kh, kw < 3 of x(kh, col(j, kw), c) * w[(kh * 3 + kw) * 8 + c]
//                    + bias[c] + z[j * 8 + c]),
// where x(kh, col, c) = rows[kh][col * 8 + c], or 0 when width > 0 and col lies outside
// [0, width) (an unpadded row read where it lies: its edge pixels see zero columns). Taps are
// summed in order from zero, as the 8-pixel tile sums them. bias and z may be null. A row holds
// its nine filter vectors in registers and reads each input vector once per kernel row, where the
// tile reloads it for every tap that covers it.
struct ConvDirectDwRow {
  const float* rows[3];
  int64_t count;
  int stride;
  const float* w;
  const float* bias;
  const float* z;
  float* y;
  ConvActivation act;
  int64_t col0 = 0;   // pixel 0's first column
  int64_t width = 0;  // columns of rows[kh] that hold data; 0: every column read does
};
using ConvDirectDwRowFn = void (*)(const ConvDirectDwRow& r);

// Max or average pooling along one output row of one NCHW8c channel block, read where the input
// lies (dilation 1): for pixel j < count and channel c < 8, with the window's columns
// col(j, kw) = col0 + j * stride + kw that lie in [0, width),
// y[j * 8 + c] = the largest of rows[kh][col * 8 + c] over kh < nrows and those columns (NaN never
// wins; -inf when all are NaN), or their sum, taken in that order (kh outer) from zero, divided by
// divisors[j]. rows are the input rows the window covers (rows of padding left out: a max
// ignores their -inf, a sum their zeros), so the values are the bits the tiles give from a padded
// copy (but for the sign of a zero sum). The tiles paid for the copy, and a call per 8 pixels.
constexpr int kConvDirectPoolRows = 16;  // the most kernel rows a row call takes
struct ConvDirectPoolRow {
  const float* rows[kConvDirectPoolRows];
  int nrows;
  int kw, stride;
  bool max;                // else average
  int64_t col0, width, count;
  const float* divisors;   // average: each pixel's window count
  float* y;
};
using ConvDirectPoolRowFn = void (*)(const ConvDirectPoolRow& r);

// Max pooling takes the same tile shape over a copy padded with -inf: out[i][j] = the largest of
// a[i][tap_off[t] + j] over the taps, NaN ignored (-inf when every tap is NaN), stored as the
// depthwise tile stores it; w, bias, z and act are unused.

// Average pooling likewise over a zero-padded copy: out[i][j] = (sum over the taps of
// a[i][tap_off[t] + j]) / divisors[i], the taps summed in order as the reference sums them.

// One block's pixels back to NCHW: dst[j * plane + p] = src[p * 8 + j] for p < count, j < cn
// (the NCHW8c reorder's inner step).
using ConvDirectUnpackFn = void (*)(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane);

// A run of whole 6-pixel tiles of a 1x1 stride-1 convolution over NCHW8c x read in place, for one
// block of 16 output channels (or a last block of 8), over one chunk of K, NCHW8c y: what as many
// ConvDirectTile calls do, with the tile loop inside the kernel. Per-tile calls spent a third of a
// K = 16-48 tile on setting up and leaving (738 instructions per 24-step tile for 480 of
// arithmetic). Sums in the tile's order, so the results are the same bits.
struct ConvDirectPointwiseRun {
  const float* x;      // the run's first pixel in the chunk's first channel block
  int64_t x_block;     // floats from one channel block's plane to the next
  int64_t blocks;      // the chunk's input channel blocks: its K / 8
  const float* w;      // the chunk's K rows of 16 packed filters
  // As ConvDirectTile's: tile i's sums are at partial + 96 i (the tile's layout), read unless
  // first, written instead of y unless last.
  float* partial;
  bool first, last;
  int64_t tiles;       // whole tiles of 6 pixels
  float* y;            // the run's first pixel in the first of its output blocks
  int cols;            // 16, or 8 for a last block of 8 channels (one output block)
  const float* z;      // laid out as y, or null
  int64_t ldy;         // floats from one output block's plane to the next
  const float* bias;   // 16 values, or null
  ConvActivation act;  // kinds that fit the SGEMM epilogue
  // As ConvDirectTile's (variants with blocks 2): the next 16 channels too. Tile i's partial sums
  // are then at partial + 192 i, the next block's 96 floats after its own.
  int64_t w_next = 0;
  int cols_next = 0;
  // Floats from `prefetch` on (the driver's next task's filters, or null) to pull into L2, a share
  // after each channel block of each tile (PrefetchSpread): the filters of a 7x7 map's layers come
  // from memory, and a task of a few tiles otherwise waits on its filter lines as its first tile
  // reaches them. A hint: the results do not depend on it.
  const float* prefetch = nullptr;
  int64_t prefetch_floats = 0;
};
using ConvDirectPointwiseFn = void (*)(const ConvDirectPointwiseRun& r);
void f32_conv_direct_avx2_pointwise(const ConvDirectPointwiseRun& r);
void f32_conv_direct_avx512_pointwise(const ConvDirectPointwiseRun& r);

// X(prefix, cpu_predicate, pointwise, blocks): blocks is how many 16-channel blocks of output the
// variant's tile and pointwise run take at once (ConvDirectTile::cols_next).
// Each variant is prefix##_tile, prefix##_dw_tile, prefix##_dw3x3_row, prefix##_max_tile,
// prefix##_avg_tile, prefix##_pool_row, prefix##_pack_row and prefix##_unpack.
#define ONYXRT_CONV_DIRECT_VARIANTS(X)                                                              \
  X(f32_conv_direct_avx512, [](const CpuFeatures& f) { return f.has_avx512_core() && f.fma; },         \
    f32_conv_direct_avx512_pointwise, 2)                                                                   \
  X(f32_conv_direct_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); },                          \
    f32_conv_direct_avx2_pointwise, 1)                                                                     \
  X(f32_conv_direct_portable, [](const CpuFeatures&) { return true; }, nullptr, 1)

#define ONYXRT_DECLARE_CONV_DIRECT_VARIANT(prefix, pred, pointwise, blocks) \
  void prefix##_tile(const ConvDirectTile& t);           \
  void prefix##_dw_tile(const ConvDirectDwTile& t);      \
  void prefix##_dw3x3_row(const ConvDirectDwRow& r);     \
  void prefix##_max_tile(const ConvDirectDwTile& t);     \
  void prefix##_avg_tile(const ConvDirectDwTile& t);     \
  void prefix##_pool_row(const ConvDirectPoolRow& r);    \
  void prefix##_pack_row(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width, float* dst, \
                         int64_t CB, int64_t block_stride);                                                  \
  void prefix##_unpack(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane);
ONYXRT_CONV_DIRECT_VARIANTS(ONYXRT_DECLARE_CONV_DIRECT_VARIANT)
#undef ONYXRT_DECLARE_CONV_DIRECT_VARIANT

struct ConvDirectVariant {
  const char* name;
  bool (*supported)(const CpuFeatures&);
  ConvDirectTileFn tile;
  ConvDirectDwTileFn dw_tile;
  ConvDirectDwRowFn dw3x3_row;
  ConvDirectDwTileFn max_tile;
  ConvDirectDwTileFn avg_tile;
  ConvDirectPoolRowFn pool_row;
  ConvDirectPackRowFn pack_row;
  ConvDirectUnpackFn unpack;
  ConvDirectPointwiseFn pointwise;  // null: the driver calls the tile per 6 pixels
  int blocks = 1;  // 16-channel output blocks per tile call: 2 when the tile honours cols_next
};

// The output step of every variant's tile: acc is [6][16] row-major. Vector tiles call it for
// their ragged edges.
void conv_direct_store_tile(const float* acc, const ConvDirectTile& t);
// The same for the depthwise tile: acc is [8 pixels][8 channels] row-major.
void conv_direct_store_dw_tile(const float* acc, const ConvDirectDwTile& t);

// The AVX2 tile's output step over acc [6][16] (pixel-major): the AVX-512 tile, which computes in
// zmm registers and shares the AVX2 variant's other kernels, ends through it.
void f32_conv_direct_avx2_store_tile(const float* acc, const ConvDirectTile& t);

// Every variant compiled in, best first; the last one is portable.
std::span<const ConvDirectVariant> conv_direct_variants();
// The first variant cpu_features() supports; chosen once.
const ConvDirectVariant& conv_direct_selected_variant();

// True when the direct path can run `w` (group 1 is the caller's check): dim 0 trivial, and a
// window that is not a plain 1x1 stride-1 unpadded one (that is already a GEMM on x itself).
bool conv_direct_supports(const Window3d& w);
// True when conv_f32 should take the direct path: supported, and a vector tile kernel is
// selected (on a portable-only CPU the SGEMM path is as fast and better tested).
bool conv_direct_preferred(const Window3d& w);

// Cache-line aligned storage for packed filters: a 16-wide filter row must not straddle lines.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t{64}); }
  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const { return true; }
};

// Filters [M, C, KH, KW] packed for the tiles: for each block of 16 output channels, K = (C
// rounded up to the channel block) * KH * KW rows of 16 floats, K ordered (channel block, kh, kw,
// channel in block); channels past M or C are zero.
struct ConvDirectWeights {
  int64_t out_channels = 0, in_channels = 0, kh = 0, kw = 0;
  std::vector<float, CacheLineAllocator<float>> data;
};
// `nchwc` packs for ConvDirectArgs::nchwc with a blocked x (blocks of 8 channels for 1x1 windows too).
ConvDirectWeights conv_direct_pack_weights(const float* w, int64_t out_channels, int64_t in_channels, int64_t kh,
                                           int64_t kw, bool nchwc = false);
// Depthwise filters [C][1][kh][kw] as conv_direct_dw_f32 reads them ([C / 8][kh * kw][8], zero past
// C; in_channels 1), for ConvDirectArgs::packed_w: packed once at session creation instead of per call.
ConvDirectWeights conv_direct_pack_dw_weights(const float* w, int64_t channels, int64_t kh, int64_t kw);

struct ConvDirectArgs {
  Window3d win;
  int64_t batch = 0, in_channels = 0, out_channels = 0;
  const float* x = nullptr;     // [batch, C, in...]
  const float* w = nullptr;     // [M, C, kernel...]; unused when packed_w is set
  const float* bias = nullptr;  // [M] or null
  const float* z = nullptr;     // [batch, M, out...] or null: added before the activation
  float* y = nullptr;           // [batch, M, out...]
  ConvActivation act;
  const ConvDirectWeights* packed_w = nullptr;
  const ConvDirectVariant* variant = nullptr;  // null: conv_direct_selected_variant()
  // NCHW8c tensors (the layout pass's): x is [batch][Cp / 8][in...][8], y and z are
  // [batch][Mp / 8][out...][8], with Cp and Mp the channel counts rounded up to 8; the channels
  // past M are written (bias zero there). bias, when given, holds Mp values.
  bool nchwc = false;
  // With nchwc, x is plain NCHW instead (any channel count, as a 3-channel image): a first layer
  // that writes blocks for the chain after it. Filters then pack with nchwc = false.
  bool nchw_x = false;
};

// True when conv_direct_f32 / conv_direct_dw_f32 can run `w` with ConvDirectArgs::nchwc: a 1-D
// or 2-D window whose pads stay within its reach (1x1 stride 1 included).
bool conv_direct_nchwc_supports(const Window3d& w);

// True when conv_f32 should run a depthwise convolution (group == C == M) on the blocked copy:
// a 1-D/2-D window, at least one full block of 8 channels, a vector tile selected, and not a
// stride-1 output of 2048+ pixels (the per-plane kernel of depthwise_conv.h is faster there).
bool conv_direct_dw_preferred(const Window3d& w, int64_t channels);
// Depthwise on the blocked copy, made one block of 8 channels at a time into a buffer of the
// thread's own: args.out_channels == args.in_channels, args.w is [C, 1, kernel...]. The
// workspace holds the repacked filters (unless args.packed_w has them) and a padded bias.
int64_t conv_direct_dw_workspace_size(const ConvDirectArgs& a);
void conv_direct_dw_f32(const ConvDirectArgs& a, float* workspace, ThreadPool* pool);

// True when the blocked pooling tiles can run `w` at all: dilation 1 and pads under the kernel
// (every window then holds an input). The NCHW8c operators need only this.
bool pool_blocked_supports(const Window3d& w);
// True when MaxPool (float, no indices) or AveragePool (float) should run on the blocked copy:
// a 1-D/2-D window with dilation 1 and pads under the kernel (every window then holds an input),
// a vector tile selected, and not a large stride-1 output (as for depthwise).
bool pool_blocked_preferred(const Window3d& w, int64_t channels);
// y [batch, C, out...] = MaxPool(x [batch, C, in...]) one block of 8 channels at a time.
// `nchwc`: x and y are NCHW8c, `channels` a multiple of 8 (any plane size, pads as above).
void max_pool_blocked_f32(const Window3d& w, int64_t batch, int64_t channels, const float* x, float* y,
                          ThreadPool* pool, const ConvDirectVariant* variant = nullptr, bool nchwc = false);

// AveragePool the same way (the same conditions as pool_blocked_preferred).
void avg_pool_blocked_f32(const Window3d& w, int64_t batch, int64_t channels, const float* x, float* y,
                          bool count_include_pad, ThreadPool* pool, const ConvDirectVariant* variant = nullptr,
                          bool nchwc = false);

// Floats of scratch conv_direct_f32 needs (the padded input, and the packed filters when not
// pre-packed).
int64_t conv_direct_workspace_size(const ConvDirectArgs& a);
void conv_direct_f32(const ConvDirectArgs& a, float* workspace, ThreadPool* pool);

}  // namespace onyxrt::kernels
