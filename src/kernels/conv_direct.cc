// The direct convolution's driver: the padded channel-blocked copy of the input, the tile loop over
// (pixel tiles x 16-channel blocks), the portable variant and the tiles' shared output step.
#include "kernels/conv_direct.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <thread>

#include "core/thread_pool.h"

namespace onyxrt::kernels {
namespace {

constexpr int MR = kConvDirectPixels, NR = kConvDirectChannels;

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Channels per block of the copy. A 1x1 window reads one pixel's channels and nothing around it,
// so it takes them all as one block (plain channels-last) and runs K in pieces of that run.
// NCHW8c tensors bring their own blocks of 8.
int64_t channel_block(int64_t C, int64_t KH, int64_t KW, bool nchwc) {
  if (nchwc) return kConvDirectChannelBlock;
  return KH * KW == 1 ? C : std::min<int64_t>(C, kConvDirectChannelBlock);
}

// Geometry of one call in the (h, w) plane: dims 1 and 2 of the window.
struct Plan {
  int64_t C = 0, M = 0, H = 0, W = 0, Hp = 0, Wp = 0, OH = 0, OW = 0, P = 0;
  int64_t KH = 0, KW = 0, sh = 0, sw = 0, dh = 0, dw = 0, pt = 0, pl = 0;
  int64_t in_h = 0, in_w = 0;         // x's plane; H x W are the pixels the copy keeps
  int64_t copy_sh = 1, copy_sw = 1;  // rows / columns of x the copy steps over (1x1 windows)
  int64_t CB = 0, Cb = 0;            // channels per block of the copy, and blocks
  int64_t K = 0, ocb = 0, tiles = 0;
  int64_t xp_floats = 0, w_floats = 0;
  std::vector<int64_t> seg_off;
  int64_t seg_len = 0;
  int64_t segs_per_chunk = 0;  // K is run in chunks of this many segments
  bool x_blocked = false;  // x is NCHW8c (ConvDirectArgs::nchwc without nchw_x)
  bool y_blocked = false;  // y and z are NCHW8c (ConvDirectArgs::nchwc)
  bool in_place = false;   // x blocked and no padding: the tiles read x itself, no copy
  // x blocked and a strided 1x1 window (4+ output blocks): each group of tiles packs its pixels'
  // channels into contiguous rows once (as the SGEMM packs A) and the tiles read those, K in
  // seg_off's chunks.
  bool pack_a = false;
  int64_t pack_floats = 0;  // the packed rows of one image: tiles * 6 rows of K
  int64_t x_channels = 0, y_channels = 0;  // channels of x's and y's layout (padded to 8 when blocked)
};

// The chunks parallel_for_chunks deals out: about 16 per thread. The last chunk a thread takes
// is what the others may wait on, and tasks are several microseconds each, so a chunk is mostly
// one task; at 4 per thread (two tasks a chunk, 9 chunks for 2 threads) the caller waited on the
// worker 82-95 us of a 2.2 ms MobileNetV2 run at two threads, 49 us at 16.
int64_t chunk_tasks(int64_t tasks, int64_t threads) { return std::max<int64_t>(1, tasks / (16 * threads)); }

// Steps of K whose 16-wide filter rows (64 bytes each) stay in L1 while a task's tiles reuse them.
constexpr int64_t kChunkK = 256;
// Blocked strided 1x1 convolutions over this many input channels or more pack their pixels
// (Plan::pack_a),
constexpr int64_t kPackMinK = 32;
constexpr int64_t kPackMinBlocks = 4;  // ... and this many blocks of 16 output channels

Plan make_plan(const Window3d& g, int64_t C, int64_t M, bool depthwise = false, bool x_blocked = false,
               bool y_blocked = false) {
  Plan p;
  p.C = C, p.M = M;
  p.x_blocked = x_blocked, p.y_blocked = y_blocked;
  p.x_channels = x_blocked ? round_up(C, kConvDirectChannelBlock) : C;
  p.y_channels = y_blocked ? round_up(M, kConvDirectChannelBlock) : M;
  p.in_h = p.H = g.in[1], p.in_w = p.W = g.in[2];
  p.OH = g.out[1], p.OW = g.out[2], p.P = p.OH * p.OW;
  p.KH = g.kernel[1], p.KW = g.kernel[2], p.sh = g.stride[1], p.sw = g.stride[2];
  p.dh = g.dilation[1], p.dw = g.dilation[2], p.pt = g.pad_begin[1], p.pl = g.pad_begin[2];
  if (p.KH == 1 && p.KW == 1 && !depthwise && !x_blocked) {
    // A strided 1x1 window reads one pixel in sh * sw: copy only those, then step by 1.
    p.copy_sh = p.sh, p.copy_sw = p.sw, p.sh = p.sw = 1;
    p.H = p.OH, p.W = p.OW;
  }
  // Only the rows and columns some window reaches: pad_end may exceed what the last window needs.
  p.Hp = std::max(p.pt + p.H, (p.OH - 1) * p.sh + (p.KH - 1) * p.dh + 1);
  p.Wp = std::max(p.pl + p.W, (p.OW - 1) * p.sw + (p.KW - 1) * p.dw + 1);
  p.CB = x_blocked   ? kConvDirectChannelBlock
         : depthwise ? std::min<int64_t>(C, kConvDirectChannelBlock)
                     : channel_block(C, p.KH, p.KW, false);
  p.in_place = x_blocked && p.Hp == p.H && p.Wp == p.W && p.pt == 0 && p.pl == 0;
  p.Cb = (C + p.CB - 1) / p.CB;
  p.K = p.Cb * p.CB * p.KH * p.KW;
  p.ocb = (M + NR - 1) / NR;
  p.tiles = (p.P + MR - 1) / MR;
  p.xp_floats = p.in_place ? 0 : round_up(p.Cb * p.Hp * p.Wp * p.CB, 16);
  p.w_floats = p.ocb * p.K * NR;
  // The depthwise-shaped drivers walk taps (tap_offsets), not segments of K. The plan is made on
  // every call, so its one vector is sized once (growing it by push_back was most of the malloc
  // time of a MobileNetV2 run).
  if (depthwise) return p;
  const int64_t row = p.Wp * p.CB, block = p.Hp * row;
  p.seg_off.reserve(static_cast<size_t>(p.Cb * p.KH * (p.dw == 1 ? 1 : p.KW)));
  for (int64_t cb = 0; cb < p.Cb; ++cb)
    for (int64_t kh = 0; kh < p.KH; ++kh) {
      if (p.dw == 1) {  // a kernel row's columns and channels are one contiguous run
        p.seg_off.push_back(cb * block + kh * p.dh * row);
      } else {
        for (int64_t kw = 0; kw < p.KW; ++kw) p.seg_off.push_back(cb * block + kh * p.dh * row + kw * p.dw * p.CB);
      }
    }
  p.seg_len = p.dw == 1 ? p.KW * p.CB : p.CB;
  // A chunk is whole channel blocks (or pieces of a 1x1 run): its input rows are a few KB, its
  // filter rows <= kChunkK.
  int64_t per_block = static_cast<int64_t>(p.seg_off.size()) / p.Cb;
  if (p.KH * p.KW == 1 && p.K > kChunkK * 3 / 2 && !x_blocked) {
    // One run of C: cut it into equal pieces of at most kChunkK (the tile takes one length).
    int64_t pieces = 2;
    while (p.C / pieces > kChunkK || p.C % pieces != 0) ++pieces;
    if (p.C / pieces >= 32) {
      p.seg_len = p.C / pieces;
      p.seg_off.clear();
      for (int64_t i = 0; i < pieces; ++i) p.seg_off.push_back(i * p.seg_len);
      per_block = 1;
    }
  }
  const bool strided = p.sh > 1 || p.sw > 1;
  if (x_blocked && p.KH * p.KW == 1 && !depthwise && strided && p.K >= kPackMinK && p.ocb >= kPackMinBlocks) {
    // A strided 1x1 window read in place takes every other pixel of each of K / 8 planes; packed
    // rows were 4-12% faster (512 -> 1024 at 28x28 stride 2: 57 -> 64 GF/s). Stride 1 reads in
    // place since the tile unrolls its 8-step segments fully: packing cost 10-35% there (256 -> 64
    // at 56x56: 61 GF/s in place, 45 packed), where it had gained before the unrolling. With
    // fewer than 4 blocks of 16 output channels the packing is not paid back.
    p.pack_a = true;
    p.pack_floats = round_up(p.tiles * MR * p.K, 16);
    int64_t pieces = (p.K + kChunkK - 1) / kChunkK;
    while (p.K % pieces != 0) ++pieces;
    p.seg_len = p.K / pieces;
    p.seg_off.clear();
    for (int64_t i = 0; i < pieces; ++i) p.seg_off.push_back(i * p.seg_len);
    p.segs_per_chunk = 1;
    return p;
  }
  const int64_t segs = static_cast<int64_t>(p.seg_off.size());
  p.segs_per_chunk = p.K <= kChunkK * 3 / 2 ? segs
                                            : per_block * std::max<int64_t>(1, kChunkK / (per_block * p.seg_len));
  return p;
}

// K ordered (channel block, kh, kw, channel in block), as the segments walk the copy.
void pack_weights_into(const float* w, int64_t M, int64_t C, int64_t KH, int64_t KW, bool nchwc, float* dst) {
  const int64_t CB = channel_block(C, KH, KW, nchwc), Cb = (C + CB - 1) / CB;
  const int64_t K = Cb * CB * KH * KW, ocb = (M + NR - 1) / NR;
  for (int64_t b = 0; b < ocb; ++b)
    for (int64_t cb = 0; cb < Cb; ++cb)
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw)
          for (int64_t ci = 0; ci < CB; ++ci) {
            const int64_t c = cb * CB + ci;
            float* row = dst + (b * K + ((cb * KH + kh) * KW + kw) * CB + ci) * NR;
            for (int64_t j = 0; j < NR; ++j) {
              const int64_t m = b * NR + j;
              row[j] = m < M && c < C ? w[((m * C + c) * KH + kh) * KW + kw] : 0.0f;
            }
          }
}

// x [C][H][W] (or NCHW8c [Cb][H][W][8]) -> xp [Cb][Hp][Wp][CB] with zeros where the window
// reads padding and in the channels past C. Rows split over the pool.
void pad_channels_blocked(const Plan& p, const float* x, float* xp, ConvDirectPackRowFn pack_row, ThreadPool* pool) {
  const int64_t row = p.Wp * p.CB, block = p.Hp * row, plane = p.in_h * p.in_w;
  ThreadPool::parallel_for(pool, p.Hp, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, row * p.Cb)),
                           [&](int64_t h0, int64_t h1) {
    for (int64_t hp = h0; hp < h1; ++hp) {
      const int64_t h = hp - p.pt;
      if (h < 0 || h >= p.H) {
        for (int64_t cb = 0; cb < p.Cb; ++cb) std::memset(xp + cb * block + hp * row, 0, sizeof(float) * row);
        continue;
      }
      for (int64_t cb = 0; cb < p.Cb; ++cb) {
        float* dst = xp + cb * block + hp * row;
        std::memset(dst, 0, sizeof(float) * p.pl * p.CB);
        std::memset(dst + (p.pl + p.W) * p.CB, 0, sizeof(float) * (p.Wp - p.pl - p.W) * p.CB);
      }
      if (p.x_blocked) {
        for (int64_t cb = 0; cb < p.Cb; ++cb)
          std::memcpy(xp + cb * block + hp * row + p.pl * p.CB, x + (cb * p.in_h + h) * p.in_w * p.CB,
                      sizeof(float) * p.W * p.CB);
        continue;
      }
      pack_row(x + h * p.copy_sh * p.in_w, plane, p.copy_sw, p.C, p.W, xp + hp * row + p.pl * p.CB, p.CB, block);
    }
  });
}

// Plan::pack_a: tiles [t_begin, t_end) of x (blocked: in place or the padded copy) into `dst`
// [tiles * 6][K], each output pixel's channels in one row (the last tile's missing pixels repeat
// the last one), block by block so that the reads run along each block's pixels.
void pack_tiles(const Plan& p, const float* xp, float* dst, int64_t t_begin, int64_t t_end) {
  constexpr int64_t kTilesPerRun = 16;
  const int64_t block = p.Hp * p.Wp * p.CB;
  int64_t src[kTilesPerRun * MR];
  for (int64_t t0 = t_begin; t0 < t_end; t0 += kTilesPerRun) {
    const int64_t rows = (std::min(t_end, t0 + kTilesPerRun) - t0) * MR, q0 = t0 * MR;
    int64_t oh = q0 / p.OW, ow = q0 % p.OW;
    for (int64_t r = 0; r < rows; ++r) {
      src[r] = oh < p.OH ? (oh * p.sh * p.Wp + ow * p.sw) * p.CB : src[r - 1];
      if (++ow == p.OW) ow = 0, ++oh;
    }
    for (int64_t cb = 0; cb < p.Cb; ++cb)
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(dst + (q0 + r) * p.K + cb * p.CB, xp + src[r] + cb * block,
                    sizeof(float) * kConvDirectChannelBlock);
  }
}

void run_tiles(const Plan& p, const ConvDirectArgs& a, const float* xp, float* packed, const float* pw, float* y,
               const float* z, const ConvDirectVariant& v, ThreadPool* pool) {
  constexpr int64_t kMaxGroup = 16;
  const ConvDirectTileFn fn = v.tile;
  const ConvDirectPointwiseFn pointwise = v.pointwise;
  // A task takes `blocks` 16-channel output blocks at once when the variant's tile does
  // (ConvDirectTile::cols_next): the pixels' inputs are then broadcast once for both.
  const int64_t blocks = std::clamp<int64_t>(v.blocks, 1, 2), block_tasks = (p.ocb + blocks - 1) / blocks;
  const int threads = pool ? pool->num_threads() : 1;
  // Each task keeps one 16-channel filter chunk hot over `group` consecutive pixel tiles; enough
  // tasks per thread that an uneven split costs little.
  const int64_t want_tasks = 8 * threads;
  // Packed rows of a group stay within ~256 KB (L2).
  const int64_t max_group = p.pack_a ? std::clamp<int64_t>((int64_t{64} << 10) / (MR * p.K), 1, kMaxGroup) : kMaxGroup;
  const int64_t group = std::clamp<int64_t>(p.tiles * block_tasks / want_tasks, 1, max_group);
  const int64_t groups = (p.tiles + group - 1) / group;
  const int64_t nseg = static_cast<int64_t>(p.seg_off.size());
  // Tasks taken as threads free up (chunk_tasks): 2-thread Inception v2 went from 1.41 to 1.27 x
  // onnxruntime against halves handed out up front.
  const int64_t tasks = groups * block_tasks;
  // Task order. Pixel groups outer (the default) keep a group's input rows in L2 while every block
  // of 16 output channels passes over them. When the filters are much larger than the image, they
  // are what leaves L2 instead, and the first tile of each group waits on a filter row from L3 at
  // every step of K: there blocks go outer, so that one block's filters stay in L2 over all the
  // groups. 512 -> 512 3x3 at 28x28 (9.4 MB of filters, 1.8 MB of input): 70 -> 82 GF/s at 1
  // thread; 64 -> 64 at 224x224 (147 KB against 13 MB) lost 10% the other way.
  const int64_t x_floats = p.in_place ? p.x_channels * p.H * p.W : p.xp_floats;
  const bool blocks_outer = groups > 1 && p.w_floats > 2 * x_floats;
  // Plan::pack_a: each group is packed once, by the first thread that needs it, into the image's
  // packed rows, and read from there by every task of the group (packing per task repeated it for
  // every chunk a thread took; packing the whole image up front left it in L3 at 1 thread).
  std::vector<std::atomic<int>> group_state(static_cast<size_t>(packed ? groups : 0));  // 0, 1 packing, 2 ready
  // 1x1 stride-1 windows read in place: a task's whole tiles go to the variant's pointwise run, one
  // call per chunk of K (whole channel blocks), which reads tile g's pixels at x + 48 g in every
  // channel block.
  const bool pointwise_runs = pointwise && p.in_place && p.KH * p.KW == 1 && p.sh == 1 && p.sw == 1 && p.y_blocked &&
                              !p.pack_a && p.seg_len == kConvDirectChannelBlock;
  ThreadPool::parallel_for_chunks(pool, tasks, chunk_tasks(tasks, threads), [&](int64_t t0, int64_t t1) {
    alignas(64) float partial[kMaxGroup][2 * MR * NR];
    const float* rows_a[kMaxGroup][MR];
    ConvDirectTile tile;
    tile.seg_len = p.seg_len;
    tile.ldy = p.y_blocked ? p.P * kConvDirectChannelBlock : p.P;
    tile.blocked_y = p.y_blocked;
    const int64_t pixel_step = p.y_blocked ? kConvDirectChannelBlock : 1;
    tile.act = a.act.fits_sgemm_epilogue() ? a.act : ConvActivation{};
    tile.w_next = p.K * NR;
    int64_t rows_for = -1;  // the group rows_a holds
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t gi = blocks_outer ? t % groups : t / block_tasks;
      const int64_t b = (blocks_outer ? t / groups : t % block_tasks) * blocks;
      const int64_t ti0 = gi * group, n_tiles = std::min(p.tiles, ti0 + group) - ti0;
      if (rows_for != gi) {
        // Pixel coordinates step along the rows: a division per pixel costs as much as a small
        // K's arithmetic (1x1 convolutions of 16 channels).
        rows_for = gi;
        const int64_t q0 = ti0 * MR;
        if (packed) {
          std::atomic<int>& state = group_state[static_cast<size_t>(gi)];
          int expected = 0;
          if (state.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
            pack_tiles(p, xp, packed, ti0, ti0 + n_tiles);
            state.store(2, std::memory_order_release);
          } else {
            while (state.load(std::memory_order_acquire) != 2) std::this_thread::yield();
          }
          for (int64_t g = 0; g < n_tiles; ++g)
            for (int i = 0; i < MR; ++i) rows_a[g][i] = packed + (q0 + g * MR + i) * p.K;
        } else {
          // A pointwise run reads its whole tiles' pixels itself: only a ragged last tile takes
          // the pointers (working them out for every tile was 12% of 32 -> 16 channels at 112x112).
          const int64_t g0 = pointwise_runs ? std::min(n_tiles, (p.P - q0) / MR) : 0;
          int64_t oh = (q0 + g0 * MR) / p.OW, ow = (q0 + g0 * MR) % p.OW;
          const float* last = xp + ((p.OH - 1) * p.sh * p.Wp + (p.OW - 1) * p.sw) * p.CB;
          for (int64_t g = g0; g < n_tiles; ++g)
            for (int i = 0; i < MR; ++i) {
              rows_a[g][i] = oh < p.OH ? xp + (oh * p.sh * p.Wp + ow * p.sw) * p.CB : last;
              if (++ow == p.OW) ow = 0, ++oh;
            }
        }
      }
      tile.cols = conv_direct_block_cols(p.y_channels, b);
      tile.cols_next = blocks > 1 ? conv_direct_block_cols(p.y_channels, b + 1) : 0;
      tile.bias = a.bias ? a.bias + b * NR : nullptr;
      ConvDirectPointwiseRun run;
      run.tiles = 0;  // tiles [0, run.tiles) go to the pointwise run
      // The next task's block of filters, when it is another: its chunk of K is fetched into L2
      // while this task's tiles run (pointwise runs only).
      const float* next_w = nullptr;
      int64_t next_floats = 0;  // its blocks' filters, side by side from next_w
      if (pointwise_runs && t + 1 < t1) {
        const int64_t nb = (blocks_outer ? (t + 1) / groups : (t + 1) % block_tasks) * blocks;
        if (nb != b) next_w = pw + nb * p.K * NR, next_floats = std::min(blocks, p.ocb - nb) * p.K * NR;
      }
      if (pointwise_runs) {
        const int64_t q0 = ti0 * MR;
        run.x_block = p.Hp * p.Wp * p.CB;
        run.tiles = std::min(n_tiles, (p.P - q0) / MR);  // a ragged last tile (its pointers repeat a real pixel) takes the tile
        run.y = y + b * NR * p.P + q0 * pixel_step, run.z = z ? z + b * NR * p.P + q0 * pixel_step : nullptr;
        run.ldy = tile.ldy, run.bias = tile.bias, run.act = tile.act, run.cols = tile.cols;
        run.w_next = tile.w_next, run.cols_next = tile.cols_next;
        run.partial = partial[0];
      }
      const int64_t g_begin = run.tiles;
      for (int64_t s0 = 0; s0 < nseg; s0 += p.segs_per_chunk) {
        tile.seg_off = p.seg_off.data() + s0;
        tile.nseg = std::min(p.segs_per_chunk, nseg - s0);
        tile.w = pw + (b * p.K + s0 * p.seg_len) * NR;
        tile.first = s0 == 0;
        tile.last = s0 + tile.nseg == nseg;
        if (run.tiles > 0) {
          run.x = xp + ti0 * MR * p.CB + p.seg_off[s0], run.blocks = tile.nseg, run.w = tile.w;
          run.first = tile.first, run.last = tile.last;
          // This chunk's share of the next task's filters, in proportion to its share of K.
          const int64_t from = next_floats * s0 * p.seg_len / p.K;
          const int64_t to = next_floats * (s0 + tile.nseg) * p.seg_len / p.K;
          run.prefetch = next_w ? next_w + from : nullptr;
          run.prefetch_floats = to - from;
          pointwise(run);
        }
        for (int64_t g = g_begin; g < n_tiles; ++g) {
          const int64_t q0 = (ti0 + g) * MR;
          std::copy(rows_a[g], rows_a[g] + MR, tile.a);
          tile.partial = partial[g];
          tile.rows = static_cast<int>(std::min<int64_t>(MR, p.P - q0));
          tile.y = y + b * NR * p.P + q0 * pixel_step;
          tile.z = z ? z + b * NR * p.P + q0 * pixel_step : nullptr;
          fn(tile);
        }
      }
    }
  });
  if (!a.act.fits_sgemm_epilogue())
    ThreadPool::parallel_for(pool, p.y_channels, std::max<int64_t>(1, 4096 / p.P), [&](int64_t m0, int64_t m1) {
      apply_conv_activation(a.act, nullptr, y + m0 * p.P, (m1 - m0) * p.P);
    });
}

}  // namespace

namespace {

// The activations a tile applies as it stores (those that fit the SGEMM epilogue).
float activate_in_store(float v, const ConvActivation& act) {
  using Kind = ConvActivation::Kind;
  switch (act.kind) {
    case Kind::kRelu: return v > 0.0f ? v : 0.0f;
    case Kind::kClip: return std::min(std::max(v, act.alpha), act.beta);
    case Kind::kLeakyRelu: return v >= 0.0f ? v : act.alpha * v;
    default: return v;
  }
}

// y[j * ldy + i] = act(acc[i * pixel_stride + j] + bias[j] + z[j * ldy + i]) for pixels i < rows
// and channels j < cols: the NCHW store every tile kind shares for its ragged edges.
void store_channel_rows(const float* acc, int pixel_stride, float* y_tile, int64_t ldy, int rows, int cols,
                        const float* bias, const float* z_tile, const ConvActivation& act) {
  for (int j = 0; j < cols; ++j) {
    float* y = y_tile + j * ldy;
    const float* z = z_tile ? z_tile + j * ldy : nullptr;
    const float b = bias ? bias[j] : 0.0f;
    for (int i = 0; i < rows; ++i) {
      float v = acc[i * pixel_stride + j] + b;
      if (z) v += z[i];
      y[i] = activate_in_store(v, act);
    }
  }
}

// The NCHW8c form: y[(j / 8) * ldy + i * 8 + j % 8] for the same values.
void store_pixel_rows(const float* acc, int pixel_stride, float* y, int64_t ldy, int rows, int cols,
                      const float* bias, const float* z, const ConvActivation& act) {
  constexpr int B = kConvDirectChannelBlock;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const int64_t at = (j / B) * ldy + i * B + j % B;
      float v = acc[i * pixel_stride + j] + (bias ? bias[j] : 0.0f);
      if (z) v += z[at];
      y[at] = activate_in_store(v, act);
    }
}

}  // namespace

void conv_direct_store_tile(const float* acc, const ConvDirectTile& t) {
  if (t.blocked_y)
    store_pixel_rows(acc, NR, t.y, t.ldy, t.rows, t.cols, t.bias, t.z, t.act);
  else
    store_channel_rows(acc, NR, t.y, t.ldy, t.rows, t.cols, t.bias, t.z, t.act);
}

void f32_conv_direct_portable_tile(const ConvDirectTile& t) {
  float acc[MR * NR] = {};
  if (!t.first) std::copy(t.partial, t.partial + MR * NR, acc);
  const float* w = t.w;
  for (int64_t s = 0; s < t.nseg; ++s) {
    const int64_t off = t.seg_off[s];
    for (int64_t k = 0; k < t.seg_len; ++k, w += NR)
      for (int i = 0; i < MR; ++i) {
        const float a = t.a[i][off + k];
        for (int j = 0; j < NR; ++j) acc[i * NR + j] += a * w[j];
      }
  }
  if (t.last)
    conv_direct_store_tile(acc, t);
  else
    std::copy(acc, acc + MR * NR, t.partial);
}

void f32_conv_direct_portable_pack_row(const float* src, int64_t plane, int64_t step, int64_t C, int64_t width,
                                       float* dst, int64_t CB, int64_t block_stride) {
  for (int64_t c0 = 0; c0 < C; c0 += CB) {
    float* block = dst + c0 / CB * block_stride;
    for (int64_t w = 0; w < width; ++w)
      for (int64_t ci = 0; ci < CB; ++ci)
        block[w * CB + ci] = c0 + ci < C ? src[(c0 + ci) * plane + w * step] : 0.0f;
  }
}

void f32_conv_direct_portable_unpack(const float* src, int64_t count, int64_t cn, float* dst, int64_t plane) {
  for (int64_t j = 0; j < cn; ++j)
    for (int64_t p = 0; p < count; ++p) dst[j * plane + p] = src[p * kConvDirectChannelBlock + j];
}

std::span<const ConvDirectVariant> conv_direct_variants() {
#define ONYXRT_CONV_DIRECT_ENTRY(prefix, pred, pointwise, blocks) \
  ConvDirectVariant{#prefix, pred, prefix##_tile, prefix##_dw_tile, prefix##_dw3x3_row, prefix##_max_tile, \
                    prefix##_avg_tile, prefix##_pool_row, prefix##_pack_row, prefix##_unpack, pointwise, blocks},
  static const ConvDirectVariant variants[] = {ONYXRT_CONV_DIRECT_VARIANTS(ONYXRT_CONV_DIRECT_ENTRY)};
#undef ONYXRT_CONV_DIRECT_ENTRY
  return variants;
}

const ConvDirectVariant& conv_direct_selected_variant() {
  static const ConvDirectVariant& selected = []() -> const ConvDirectVariant& {
    for (const ConvDirectVariant& v : conv_direct_variants())
      if (v.supported(cpu_features())) return v;
    return conv_direct_variants().back();
  }();
  return selected;
}

bool conv_direct_supports(const Window3d& w) {
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad_begin[0] != 0 || w.pad_end[0] != 0) return false;
  for (int d = 1; d < 3; ++d)  // padding past the window's own reach would only inflate the copy
    if (w.pad_begin[d] > (w.kernel[d] - 1) * w.dilation[d] || w.pad_end[d] > (w.kernel[d] - 1) * w.dilation[d])
      return false;
  // 1x1 stride 1 stays on the SGEMM over x: measured slower here on 56x56 maps (28 vs 45 GF/s
  // for 64 -> 256 channels), where K is small and the tile's transposing store dominates.
  const bool pointwise = w.kernel[1] == 1 && w.kernel[2] == 1 && w.stride[1] == 1 && w.stride[2] == 1;
  return !pointwise;
}

bool conv_direct_nchwc_supports(const Window3d& w) {
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad_begin[0] != 0 || w.pad_end[0] != 0) return false;
  for (int d = 1; d < 3; ++d)
    if (w.pad_begin[d] > (w.kernel[d] - 1) * w.dilation[d] || w.pad_end[d] > (w.kernel[d] - 1) * w.dilation[d])
      return false;
  return true;
}

bool conv_direct_preferred(const Window3d& w) {
  return conv_direct_supports(w) && &conv_direct_selected_variant() != &conv_direct_variants().back();
}

ConvDirectWeights conv_direct_pack_weights(const float* w, int64_t out_channels, int64_t in_channels, int64_t kh,
                                           int64_t kw, bool nchwc) {
  ConvDirectWeights packed;
  packed.out_channels = out_channels, packed.in_channels = in_channels, packed.kh = kh, packed.kw = kw;
  const int64_t CB = channel_block(in_channels, kh, kw, nchwc), Cb = (in_channels + CB - 1) / CB;
  packed.data.resize(static_cast<size_t>((out_channels + NR - 1) / NR * Cb * CB * kh * kw * NR));
  pack_weights_into(w, out_channels, in_channels, kh, kw, nchwc, packed.data.data());
  return packed;
}

namespace {

// [C][taps] -> [Cb][taps][8], zero past C.
void pack_dw_weights_into(const float* w, int64_t C, int64_t taps, float* dst) {
  constexpr int64_t B = kConvDirectChannelBlock;
  for (int64_t cb = 0; cb < (C + B - 1) / B; ++cb)
    for (int64_t j = 0; j < B; ++j) {
      const int64_t c = cb * B + j;
      for (int64_t k = 0; k < taps; ++k) dst[(cb * taps + k) * B + j] = c < C ? w[c * taps + k] : 0.0f;
    }
}

}  // namespace

ConvDirectWeights conv_direct_pack_dw_weights(const float* w, int64_t channels, int64_t kh, int64_t kw) {
  ConvDirectWeights packed;
  packed.out_channels = channels, packed.in_channels = 1, packed.kh = kh, packed.kw = kw;
  constexpr int64_t B = kConvDirectChannelBlock;
  packed.data.resize(static_cast<size_t>((channels + B - 1) / B * B * kh * kw));
  pack_dw_weights_into(w, channels, kh * kw, packed.data.data());
  return packed;
}

int64_t conv_direct_workspace_size(const ConvDirectArgs& a) {
  const Plan p = make_plan(a.win, a.in_channels, a.out_channels, false, a.nchwc && !a.nchw_x, a.nchwc);
  return p.xp_floats + (a.packed_w ? 0 : p.w_floats) + p.pack_floats;
}

void conv_direct_f32(const ConvDirectArgs& a, float* workspace, ThreadPool* pool) {
  const Plan p = make_plan(a.win, a.in_channels, a.out_channels, false, a.nchwc && !a.nchw_x, a.nchwc);
  if (a.batch == 0 || p.P == 0 || p.M == 0) return;
  const ConvDirectVariant& v = a.variant ? *a.variant : conv_direct_selected_variant();
  float* xp = workspace;
  const float* pw = nullptr;
  float* packed = xp + p.xp_floats;  // then the packed pixels, when Plan::pack_a
  if (a.packed_w) {
    pw = a.packed_w->data.data();
  } else {
    pack_weights_into(a.w, p.M, p.C, p.KH, p.KW, p.x_blocked, packed);
    pw = packed;
    packed += p.w_floats;
  }
  const int64_t in_size = p.x_channels * p.in_h * p.in_w, out_size = p.y_channels * p.P;
  for (int64_t n = 0; n < a.batch; ++n) {
    const float* x = a.x + n * in_size;
    if (!p.in_place) {
      pad_channels_blocked(p, x, xp, v.pack_row, pool);
      x = xp;
    }
    run_tiles(p, a, x, p.pack_a ? packed : nullptr, pw, a.y + n * out_size, a.z ? a.z + n * out_size : nullptr, v, pool);
  }
}

void conv_direct_store_dw_tile(const float* acc, const ConvDirectDwTile& t) {
  if (t.blocked_y)
    store_pixel_rows(acc, kConvDirectChannelBlock, t.y, t.ldy, t.rows, t.cols, t.bias, t.z, t.act);
  else
    store_channel_rows(acc, kConvDirectChannelBlock, t.y, t.ldy, t.rows, t.cols, t.bias, t.z, t.act);
}

void f32_conv_direct_portable_dw_tile(const ConvDirectDwTile& t) {
  constexpr int B = kConvDirectChannelBlock, PX = kConvDirectDwPixels;
  float acc[PX * B] = {};
  for (int64_t k = 0; k < t.taps; ++k)
    for (int i = 0; i < PX; ++i)
      for (int j = 0; j < B; ++j) acc[i * B + j] += t.a[i][t.tap_off[k] + j] * t.w[k * B + j];
  conv_direct_store_dw_tile(acc, t);
}

void f32_conv_direct_portable_dw3x3_row(const ConvDirectDwRow& r) {
  constexpr int B = kConvDirectChannelBlock;
  for (int64_t j = 0; j < r.count; ++j)
    for (int c = 0; c < B; ++c) {
      float v = 0.0f;  // summed in the 8-pixel tile's order, so that both give the same bits
      for (int kh = 0; kh < 3; ++kh)
        for (int kw = 0; kw < 3; ++kw) {
          const int64_t col = r.col0 + j * r.stride + kw;
          const bool inside = r.width == 0 || (col >= 0 && col < r.width);
          v += (inside ? r.rows[kh][col * B + c] : 0.0f) * r.w[(kh * 3 + kw) * B + c];
        }
      v += r.bias ? r.bias[c] : 0.0f;
      if (r.z) v += r.z[j * B + c];
      r.y[j * B + c] = activate_in_store(v, r.act);
    }
}

namespace {

// args.packed_w holds the filters in the [Cb][taps][8] form the depthwise tiles read.
bool dw_weights_prepacked(const ConvDirectArgs& a, int64_t channels, int64_t taps) {
  const ConvDirectWeights* pw = a.packed_w;
  return pw && pw->in_channels == 1 && pw->out_channels == channels && pw->kh * pw->kw == taps;
}

// An NCHW bias holds C values; every block reads 8 (the row kernel loads them as one vector).
bool dw_bias_needs_padding(const ConvDirectArgs& a, int64_t channels) {
  return a.bias && !a.nchwc && channels % kConvDirectChannelBlock != 0;
}

}  // namespace

int64_t conv_direct_dw_workspace_size(const ConvDirectArgs& a) {
  const Plan p = make_plan(a.win, a.in_channels, a.in_channels, /*depthwise=*/true, a.nchwc, a.nchwc);
  const int64_t taps = p.KH * p.KW;
  // Pre-packed filters and a whole-block bias need none: a run's models then allocate nothing here.
  if (dw_weights_prepacked(a, p.C, taps) && !dw_bias_needs_padding(a, p.C)) return 0;
  return p.Cb * kConvDirectChannelBlock * (taps + 1);  // filters and bias, whole blocks of 8, zero past C
}

namespace {

// Depthwise 3x3 rows [r0, r1) of one NCHW8c block `x` (its unpadded plane) read where they lie:
// kernel rows above or below the plane read `zeros` (W * 8 floats), and the row kernel reads
// the columns left and right of it as zero (ConvDirectDwRow::width). The band copy this replaces
// moved every input row once more (MobileNetV2: 12 MB a run, 5% of its time in memmove).
// `r` comes with w, bias and act set.
void dw3x3_rows_in_place(const Plan& p, const float* x, int64_t r0, int64_t r1, ConvDirectDwRow r, float* y,
                         const float* z, const float* zeros, ConvDirectDwRowFn dw3x3_row) {
  constexpr int B = kConvDirectChannelBlock;
  r.count = p.OW, r.col0 = -p.pl, r.width = p.W;
  for (int64_t oh = r0; oh < r1; ++oh) {
    for (int kh = 0; kh < 3; ++kh) {
      const int64_t ih = oh * p.sh - p.pt + kh;
      r.rows[kh] = ih >= 0 && ih < p.H ? x + ih * p.W * B : zeros;
    }
    r.y = y + oh * p.OW * B;
    r.z = z ? z + oh * p.OW * B : nullptr;
    dw3x3_row(r);
  }
}

// The depthwise-shaped drivers (depthwise conv, max and average pool): one task per (image, block
// of 8 channels, band of output rows) copies the padded input rows its band reads, filled with
// `pad`, into a buffer of the thread's own, then runs `tile` over the band's 8-pixel tiles. A band
// keeps its rows (about 96 KB) in L2 between the copy and the tiles' reads; the rows two bands
// share are copied by both (smaller bands measured slower on strided 112x112 planes: 0.56 ms at
// 24 KB, 0.42 at 48 KB, 0.36 at 96 KB for 96 channels). `setup(tile, n, cb)` fills the tile's per-block fields.
template <typename Setup>
void run_blocked_planes(const Plan& p, int64_t batch, const float* x_all, float* y_all, float pad,
                        ConvDirectPackRowFn pack_row, ConvDirectDwTileFn fn, const int64_t* tap_off, int64_t taps,
                        ThreadPool* pool, const Setup& setup, const float* divisors = nullptr,
                        ConvDirectDwRowFn dw3x3_row = nullptr, ConvDirectUnpackFn unpack = nullptr) {
  constexpr int B = kConvDirectChannelBlock, PX = kConvDirectDwPixels;
  constexpr int64_t kBandFloats = 24 * 1024;
  const int64_t plane = p.in_h * p.in_w, row = p.Wp * B, reach = (p.KH - 1) * p.dh + 1;
  // Bands of equal height, at most what fits kBandFloats: the largest that fits left a remnant
  // (144 channels at 56x56: bands of 50 and 6 rows), and at two threads the chunks of the tall
  // bands fell to one thread, which worked 68 us to the other's 49.
  const int64_t band_max = std::clamp<int64_t>((kBandFloats / row - reach) / p.sh + 1, 1, p.OH);
  const int64_t fit = (p.OH + band_max - 1) / band_max, band = (p.OH + fit - 1) / fit;
  const int64_t bands = (p.OH + band - 1) / band;  // can be fewer than `fit` (7 rows in 5: 4 of 2)
  const int64_t pixel_step = p.y_blocked ? B : 1;
  const int64_t tasks = batch * p.Cb * bands, threads = pool ? pool->num_threads() : 1;
  // Blocked 3x3 depthwise windows run whole output rows (ConvDirectDwRow) instead of 8-pixel tiles:
  // 144 channels at 56x56 0.36 -> 0.27 ms, 96 at 112x112 stride 2 0.47 -> 0.41. Rows shorter than
  // a tile stay on the tiles (960 at 7x7: 0.13 ms on tiles, 0.14 in rows).
  // An NCHW y takes each row through a blocked row buffer and `unpack`: with the band copy below,
  // ShuffleNet's NCHW depthwise convolutions went from 1.09 to 0.98 x the time of the blocked
  // path with its two reorders (136 channels at 28x28), 1.12 -> 0.94 (544 at 7x7).
  const bool rows_3x3 = dw3x3_row && (p.y_blocked || unpack) && p.KH == 3 && p.KW == 3 && p.dh == 1 && p.dw == 1 &&
                        (p.sw == 1 || p.sw == 2) && p.OW >= kConvDirectDwPixels;
  // A blocked input is read where it lies (dw3x3_rows_in_place), not copied into bands: 96
  // channels at 112x112 stride 2 0.34 -> 0.24 ms, 32 at 112x112 0.32 -> 0.24, 144 at 56x56
  // 0.25 -> 0.23.
  const bool rows_in_place = rows_3x3 && p.x_blocked;
  ThreadPool::parallel_for_chunks(pool, tasks, chunk_tasks(tasks, threads), [&](int64_t t0, int64_t t1) {
    thread_local std::vector<float, CacheLineAllocator<float>> buffer;  // 32-byte loads must not straddle lines
    thread_local std::vector<float, CacheLineAllocator<float>> zeros;
    thread_local std::vector<float, CacheLineAllocator<float>> band_copy;  // an NCHW band's rows as blocks
    thread_local std::vector<float, CacheLineAllocator<float>> y_row;  // one blocked output row, for an NCHW y
    if (rows_3x3 && !p.y_blocked && y_row.size() < static_cast<size_t>(p.OW * B)) y_row.resize(static_cast<size_t>(p.OW * B));
    if (rows_in_place) {
      if (zeros.size() < static_cast<size_t>(p.W * B)) zeros.assign(static_cast<size_t>(p.W * B), 0.0f);  // never written
    } else {
      buffer.resize(static_cast<size_t>(((band - 1) * p.sh + reach) * row));
    }
    // An unpadded blocked plane (Plan::in_place) is read where it lies (BatchNormalization's 1x1
    // as a depthwise conv, unpadded pools): no copy.
    const bool in_place = p.in_place;
    float* xb = buffer.data();
    ConvDirectDwTile tile{};
    tile.tap_off = tap_off;
    tile.taps = taps;
    tile.ldy = p.P;
    tile.blocked_y = p.y_blocked;
    for (int64_t t = t0; t < t1; ++t) {
      // Image, band, then channel block: the threads' home ranges (parallel_for_chunks) follow
      // the rows, as the pointwise convolutions' pixel groups do, so that each thread reads rows
      // its own core wrote.
      const int64_t n = t / (bands * p.Cb), cb = t % p.Cb, c0 = cb * B;
      const int64_t r0 = t / p.Cb % bands * band, r1 = std::min(p.OH, r0 + band);
      // NCHW8c blocks are whole (their channels past C hold finite values the tiles may read).
      const int64_t cn = p.y_blocked ? B : std::min<int64_t>(B, p.C - c0);
      const float* x = x_all + (n * p.x_channels + c0) * plane;
      const int64_t hp0 = r0 * p.sh, hp1 = (r1 - 1) * p.sh + reach;
      float* y = y_all + (n * p.y_channels + c0) * p.P;
      if (rows_in_place) {
        tile.cols = B;
        setup(tile, n, cb);
        dw3x3_rows_in_place(p, x, r0, r1,
                            ConvDirectDwRow{{}, 0, static_cast<int>(p.sw), tile.w, tile.bias, nullptr, nullptr, tile.act},
                            y, tile.z, zeros.data(), dw3x3_row);
        continue;
      }
      const float* rows = in_place ? x + hp0 * row : xb;  // what the tiles read: band row 0 first
      // An NCHW band's rows lie back to back in each plane: one row copy over all of them runs in
      // whole vectors where the rows alone are short (7 or 14 pixels: a third of a 7x7 depthwise
      // convolution went to the copy's scalar tail).
      const int64_t h_lo = std::clamp<int64_t>(hp0 - p.pt, 0, p.H), h_hi = std::clamp<int64_t>(hp1 - p.pt, h_lo, p.H);
      const bool whole_rows = !in_place && !p.x_blocked && p.W == p.in_w && p.W < 64;
      if (whole_rows) {
        if (band_copy.size() < static_cast<size_t>((h_hi - h_lo) * p.W * B))
          band_copy.resize(static_cast<size_t>((h_hi - h_lo) * p.W * B));
        pack_row(x + h_lo * p.in_w, plane, 1, cn, (h_hi - h_lo) * p.W, band_copy.data(), B, 0);
      }
      for (int64_t hp = in_place ? hp1 : hp0; hp < hp1; ++hp) {
        float* dst = xb + (hp - hp0) * row;
        const int64_t h = hp - p.pt;
        if (h < 0 || h >= p.H) {
          std::fill(dst, dst + row, pad);
          continue;
        }
        std::fill(dst, dst + p.pl * B, pad);
        std::fill(dst + (p.pl + p.W) * B, dst + row, pad);
        if (p.x_blocked || whole_rows) {
          const float* src = p.x_blocked ? x + h * p.in_w * B : band_copy.data() + (h - h_lo) * p.W * B;
          std::memcpy(dst + p.pl * B, src, sizeof(float) * p.W * B);
        } else {
          pack_row(x + h * p.in_w, plane, 1, cn, p.W, dst + p.pl * B, B, 0);
        }
        if (pad != 0.0f && cn < B)  // pack_row zero-fills the channels past C
          for (int64_t w = 0; w < p.W; ++w) std::fill(dst + (p.pl + w) * B + cn, dst + (p.pl + w + 1) * B, pad);
      }
      tile.cols = static_cast<int>(cn);
      setup(tile, n, cb);
      const float* z_block = tile.z;
      if (rows_3x3 && (p.y_blocked || !z_block)) {  // the row kernel reads a blocked z only
        ConvDirectDwRow r{{}, p.OW, static_cast<int>(p.sw), tile.w, tile.bias, nullptr, nullptr, tile.act};
        for (int64_t oh = r0; oh < r1; ++oh) {
          for (int kh = 0; kh < 3; ++kh) r.rows[kh] = rows + ((oh - r0) * p.sh + kh) * row;
          r.y = p.y_blocked ? y + oh * p.OW * B : y_row.data();
          r.z = z_block ? z_block + oh * p.OW * B : nullptr;
          dw3x3_row(r);
          if (!p.y_blocked) unpack(y_row.data(), p.OW, cn, y + oh * p.OW, p.P);
        }
        continue;
      }
      // Pixel coordinates step along the rows: a division per pixel would cost more than the
      // pixel's nine taps.
      int64_t oh = r0, ow = 0;
      const float* last = rows + ((r1 - 1 - r0) * p.sh * p.Wp + (p.OW - 1) * p.sw) * B;
      for (int64_t q0 = r0 * p.OW, q_end = r1 * p.OW; q0 < q_end; q0 += PX) {
        if (ow + PX <= p.OW) {  // the common case: all 8 pixels in one output row
          const float* first = rows + ((oh - r0) * p.sh * p.Wp + ow * p.sw) * B;
          for (int i = 0; i < PX; ++i) tile.a[i] = first + i * p.sw * B;
          if ((ow += PX) == p.OW) ow = 0, ++oh;
        } else {
          for (int i = 0; i < PX; ++i) {
            tile.a[i] = oh < r1 ? rows + ((oh - r0) * p.sh * p.Wp + ow * p.sw) * B : last;
            if (++ow == p.OW) ow = 0, ++oh;
          }
        }
        tile.rows = static_cast<int>(std::min<int64_t>(PX, q_end - q0));
        tile.divisors = divisors ? divisors + q0 : nullptr;
        tile.y = y + q0 * pixel_step;
        tile.z = z_block ? z_block + q0 * pixel_step : nullptr;
        fn(tile);
      }
    }
  });
}

// Pooling of NCHW8c x into NCHW8c y by output rows read in place (ConvDirectPoolRow), chunks of
// the (image, channel block, output row) rows taken as threads free up. 192 channels at 28x28,
// 3x3 stride 1, in a model: max 63 -> 29 us, average 66 -> 34, where the tiles copied each band
// into a padded buffer and ran 8 pixels a call (Inception v2's 13 pools: 803 -> 441 us).
void run_pool_rows(const Plan& p, int64_t batch, const float* x_all, float* y_all, bool max, const float* divisors,
                   ConvDirectPoolRowFn pool_row, ThreadPool* pool) {
  constexpr int B = kConvDirectChannelBlock;
  const int64_t planes = batch * p.Cb, threads = pool ? pool->num_threads() : 1;
  const int64_t rows = planes * p.OH;
  ThreadPool::parallel_for_chunks(pool, rows, chunk_tasks(rows, threads), [&](int64_t i0, int64_t i1) {
    ConvDirectPoolRow r{};
    r.kw = static_cast<int>(p.KW), r.stride = static_cast<int>(p.sw), r.max = max;
    r.col0 = -p.pl, r.width = p.W, r.count = p.OW;
    for (int64_t i = i0; i < i1; ++i) {  // image, row, then channel block, as the depthwise bands
      const int64_t plane = i / (p.OH * p.Cb) * p.Cb + i % p.Cb, oh = i / p.Cb % p.OH;
      const float* x = x_all + plane * p.H * p.W * B;
      r.nrows = 0;
      for (int64_t kh = 0; kh < p.KH; ++kh) {
        const int64_t ih = oh * p.sh - p.pt + kh;
        if (ih >= 0 && ih < p.H) r.rows[r.nrows++] = x + ih * p.W * B;
      }
      r.divisors = divisors ? divisors + oh * p.OW : nullptr;
      r.y = y_all + (plane * p.OH + oh) * p.OW * B;
      pool_row(r);
    }
  });
}

bool pool_rows_apply(const Plan& p, const ConvDirectVariant& v) {
  return v.pool_row && p.x_blocked && p.y_blocked && p.KH <= kConvDirectPoolRows && p.dh == 1 && p.dw == 1;
}

std::vector<int64_t> tap_offsets(const Plan& p) {
  std::vector<int64_t> off;
  for (int64_t kh = 0; kh < p.KH; ++kh)
    for (int64_t kw = 0; kw < p.KW; ++kw) off.push_back((kh * p.dh * p.Wp + kw * p.dw) * kConvDirectChannelBlock);
  return off;
}

bool blocked_plane_geometry(const Window3d& w) {
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad_begin[0] != 0 || w.pad_end[0] != 0) return false;
  // Large stride-1 planes stay on the per-plane kernels, which read NCHW in place and run whole
  // rows of vectors: measured 0.44 vs 0.46-0.63 ms (depthwise 32 x 112x112) and 0.43-0.66 vs
  // 0.57-0.77 ms (144 x 56x56) against the blocked tiles. Strided ones gain from the blocks (96 x
  // 112x112 stride 2: 1.2-1.8 vs 0.65-1.0 ms), as do small planes.
  if (w.stride[1] == 1 && w.stride[2] == 1 && w.out[1] * w.out[2] >= 2048) return false;
  // Each thread keeps its block buffer (padded plane x 8 floats): at most ~4 MiB.
  const int64_t padded = (w.in[1] + w.pad_begin[1] + w.pad_end[1]) * (w.in[2] + w.pad_begin[2] + w.pad_end[2]);
  if (padded > (int64_t{1} << 17)) return false;
  return &conv_direct_selected_variant() != &conv_direct_variants().back();
}

}  // namespace

void conv_direct_dw_f32(const ConvDirectArgs& a, float* workspace, ThreadPool* pool) {
  constexpr int B = kConvDirectChannelBlock;
  const Plan p = make_plan(a.win, a.in_channels, a.in_channels, /*depthwise=*/true, a.nchwc, a.nchwc);
  if (a.batch == 0 || p.P == 0 || p.C == 0) return;
  const ConvDirectVariant& v = a.variant ? *a.variant : conv_direct_selected_variant();
  // Filters [C][1][KH][KW] -> [Cb][taps][8], zero past C: pre-packed, or here.
  const int64_t taps = p.KH * p.KW;
  const bool prepacked = dw_weights_prepacked(a, p.C, taps);
  if (!prepacked) pack_dw_weights_into(a.w, p.C, taps, workspace);
  const float* w = prepacked ? a.packed_w->data.data() : workspace;
  // A ragged last block reads a zero-padded copy of the bias.
  const float* bias = a.bias;
  if (dw_bias_needs_padding(a, p.C)) {
    float* padded = workspace + p.Cb * B * taps;
    std::fill(std::copy(bias, bias + p.C, padded), padded + p.Cb * B, 0.0f);
    bias = padded;
  }
  const std::vector<int64_t> tap_off = tap_offsets(p);
  const bool post = !a.act.fits_sgemm_epilogue();
  run_blocked_planes(p, a.batch, a.x, a.y, 0.0f, v.pack_row, v.dw_tile, tap_off.data(), taps, pool,
                     [&](ConvDirectDwTile& tile, int64_t n, int64_t cb) {
                       tile.w = w + cb * taps * B;
                       tile.bias = bias ? bias + cb * B : nullptr;
                       tile.z = a.z ? a.z + (n * p.y_channels + cb * B) * p.P : nullptr;
                       tile.act = post ? ConvActivation{} : a.act;
                     },
                     nullptr, v.dw3x3_row, v.unpack);
  if (post)
    ThreadPool::parallel_for(pool, a.batch * p.y_channels, std::max<int64_t>(1, 4096 / p.P), [&](int64_t c0, int64_t c1) {
      apply_conv_activation(a.act, nullptr, a.y + c0 * p.P, (c1 - c0) * p.P);
    });
}

void f32_conv_direct_portable_max_tile(const ConvDirectDwTile& t) {
  constexpr int B = kConvDirectChannelBlock, PX = kConvDirectDwPixels;
  float acc[PX * B];
  std::fill(acc, acc + PX * B, -std::numeric_limits<float>::infinity());
  for (int64_t k = 0; k < t.taps; ++k)
    for (int i = 0; i < PX; ++i)
      for (int j = 0; j < B; ++j) {
        const float v = t.a[i][t.tap_off[k] + j];
        acc[i * B + j] = v > acc[i * B + j] ? v : acc[i * B + j];
      }
  ConvDirectDwTile plain = t;
  plain.bias = nullptr, plain.z = nullptr, plain.act = ConvActivation{};
  conv_direct_store_dw_tile(acc, plain);
}

void f32_conv_direct_portable_avg_tile(const ConvDirectDwTile& t) {
  constexpr int B = kConvDirectChannelBlock, PX = kConvDirectDwPixels;
  float acc[PX * B] = {};
  for (int64_t k = 0; k < t.taps; ++k)
    for (int i = 0; i < PX; ++i)
      for (int j = 0; j < B; ++j) acc[i * B + j] += t.a[i][t.tap_off[k] + j];
  for (int i = 0; i < PX; ++i)
    for (int j = 0; j < B; ++j) acc[i * B + j] /= t.divisors[i];
  ConvDirectDwTile plain = t;
  plain.bias = nullptr, plain.z = nullptr, plain.act = ConvActivation{};
  conv_direct_store_dw_tile(acc, plain);
}

bool conv_direct_dw_preferred(const Window3d& w, int64_t channels) {
  for (int d = 1; d < 3; ++d)
    if (w.pad_begin[d] > (w.kernel[d] - 1) * w.dilation[d] || w.pad_end[d] > (w.kernel[d] - 1) * w.dilation[d])
      return false;
  return channels >= kConvDirectChannelBlock && blocked_plane_geometry(w);
}

bool pool_blocked_supports(const Window3d& w) {
  for (int d = 1; d < 3; ++d)
    if (w.dilation[d] != 1 || w.pad_begin[d] >= w.kernel[d] || w.pad_end[d] >= w.kernel[d]) return false;
  return true;
}

bool pool_blocked_preferred(const Window3d& w, int64_t channels) {
  return pool_blocked_supports(w) && channels >= kConvDirectChannelBlock && blocked_plane_geometry(w);
}

void avg_pool_blocked_f32(const Window3d& win, int64_t batch, int64_t channels, const float* x, float* y,
                          bool count_include_pad, ThreadPool* pool, const ConvDirectVariant* variant, bool nchwc) {
  const Plan p = make_plan(win, channels, channels, /*depthwise=*/true, nchwc, nchwc);
  if (batch == 0 || p.P == 0 || p.C == 0) return;
  const ConvDirectVariant& v = variant ? *variant : conv_direct_selected_variant();
  // Each output's window count, as avgpool_3d_ref counts it (dilation 1): taps inside the input,
  // or inside input and pads. One float per pixel plus a tile's worth past the end.
  auto taps_in = [](int64_t start, int64_t k, int64_t lo, int64_t hi) {
    return std::max<int64_t>(0, std::min(start + k, hi) - std::max(start, lo));
  };
  std::vector<float> divisors(static_cast<size_t>(p.P + kConvDirectDwPixels), 1.0f);
  for (int64_t oh = 0; oh < p.OH; ++oh) {
    const int64_t h0 = oh * p.sh - p.pt;
    const int64_t rows = count_include_pad ? taps_in(h0, p.KH, -p.pt, p.H + win.pad_end[1]) : taps_in(h0, p.KH, 0, p.H);
    for (int64_t ow = 0; ow < p.OW; ++ow) {
      const int64_t w0 = ow * p.sw - p.pl;
      const int64_t cols =
          count_include_pad ? taps_in(w0, p.KW, -p.pl, p.W + win.pad_end[2]) : taps_in(w0, p.KW, 0, p.W);
      divisors[static_cast<size_t>(oh * p.OW + ow)] = static_cast<float>(rows * cols);
    }
  }
  if (pool_rows_apply(p, v)) return run_pool_rows(p, batch, x, y, /*max=*/false, divisors.data(), v.pool_row, pool);
  const std::vector<int64_t> tap_off = tap_offsets(p);
  run_blocked_planes(p, batch, x, y, 0.0f, v.pack_row, v.avg_tile, tap_off.data(), p.KH * p.KW, pool,
                     [](ConvDirectDwTile&, int64_t, int64_t) {}, divisors.data());
}

void max_pool_blocked_f32(const Window3d& win, int64_t batch, int64_t channels, const float* x, float* y,
                          ThreadPool* pool, const ConvDirectVariant* variant, bool nchwc) {
  const Plan p = make_plan(win, channels, channels, /*depthwise=*/true, nchwc, nchwc);
  if (batch == 0 || p.P == 0 || p.C == 0) return;
  const ConvDirectVariant& v = variant ? *variant : conv_direct_selected_variant();
  if (pool_rows_apply(p, v)) return run_pool_rows(p, batch, x, y, /*max=*/true, nullptr, v.pool_row, pool);
  const std::vector<int64_t> tap_off = tap_offsets(p);
  run_blocked_planes(p, batch, x, y, -std::numeric_limits<float>::infinity(), v.pack_row, v.max_tile, tap_off.data(),
                     p.KH * p.KW, pool, [](ConvDirectDwTile&, int64_t, int64_t) {});
}

}  // namespace onyxrt::kernels
