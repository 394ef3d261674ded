#include "kernels/conv_winograd.h"

#include <algorithm>
#include <cmath>

#include "core/thread_pool.h"
#include "kernels/conv_winograd_body.h"
#include "kernels/nchwc_reorder.h"

namespace onyxrt::kernels {
namespace {

// The portable register: 8 floats, one step per lane (the oracle the vector variant is held to).
struct Lanes8 {
  struct V {
    float f[8];
  };
  static V load(const float* p) {
    V v;
    std::copy(p, p + 8, v.f);
    return v;
  }
  static void store(float* p, const V& v) { std::copy(v.f, v.f + 8, p); }
  static V zero() { return V{}; }
  template <typename F>
  static V map2(const V& a, const V& b, F f) {
    V r;
    for (int i = 0; i < 8; ++i) r.f[i] = f(a.f[i], b.f[i]);
    return r;
  }
  static V add(const V& a, const V& b) { return map2(a, b, [](float x, float y) { return x + y; }); }
  static V sub(const V& a, const V& b) { return map2(a, b, [](float x, float y) { return x - y; }); }
  // c * a + b, one rounding, as the vector FMA.
  static V fma(float c, const V& a, const V& b) {
    return map2(a, b, [c](float x, float y) { return std::fma(c, x, y); });
  }
  template <typename F>
  static void with_activation(const ConvActivation& act, F&& f) {
    f([&act](V v) {
      apply_conv_activation(act, nullptr, v.f, 8);
      return v;
    });
  }
};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Tiles per block: V and M of a block (36 x tiles x channels each) stay within a few hundred KB
// for 64 channels, and the per-point GEMMs get 11 tiles of 6 rows. Fewer tiles than this: one
// block, so that each point's U is read once per image.
constexpr int64_t kTilesPerBlock = 66;
// Threads run whole blocks of their own (transforms and GEMMs, no barrier between the three
// steps) when each block still gets this many tiles; otherwise every step is split across them.
constexpr int64_t kMinTilesPerThreadBlock = 16;

struct BlockPlan {
  int tile = 4, points = 36;
  int64_t tiles_w = 0, tiles = 0;  // per image
  int64_t tb = 0;                  // tiles per block (the last one of an image may have fewer)
  int slots = 1;                   // scratch blocks: one per thread when they run blocks alone
};

BlockPlan block_plan(const Window3d& w, int tile, int threads) {
  BlockPlan p;
  p.tile = tile, p.points = winograd_points(tile);
  p.tiles_w = ceil_div(w.out[2], tile);
  p.tiles = ceil_div(w.out[1], tile) * p.tiles_w;
  p.tb = std::min(p.tiles, kTilesPerBlock);
  if (threads > 1) {
    // A multiple of `threads` blocks of equal size, so that the threads end together.
    const int64_t blocks = ceil_div(p.tiles, kTilesPerBlock * threads) * threads;
    const int64_t tb = std::min(p.tiles, ceil_div(ceil_div(p.tiles, blocks), kConvDirectPixels) * kConvDirectPixels);
    if (tb >= kMinTilesPerThreadBlock) p.tb = tb, p.slots = threads;
  }
  return p;
}

int64_t block_floats(const BlockPlan& p, int64_t Cp, int64_t Mp) { return p.points * p.tb * (Cp + Mp); }

// Tiles of side `tile` over the output map, and whether they waste little of it: at least 9
// tiles, covering at most 1.6x the map's pixels.
bool tiles_pay(const Window3d& w, int tile) {
  const int64_t tiles = ceil_div(w.out[1], tile) * ceil_div(w.out[2], tile);
  return tiles >= 9 && tiles * tile * tile * 5 <= w.out[1] * w.out[2] * 8;
}

}  // namespace

void f32_winograd_portable_input(const WinogradInputTile& t) { winograd_body::input<Lanes8>(t); }
void f32_winograd_portable_output(const WinogradOutputTile& t) { winograd_body::output<Lanes8>(t); }

std::span<const WinogradVariant> winograd_variants() {
#define ONYXRT_WINOGRAD_ENTRY(prefix, pred) WinogradVariant{#prefix, pred, prefix##_input, prefix##_output},
  static const WinogradVariant variants[] = {ONYXRT_WINOGRAD_VARIANTS(ONYXRT_WINOGRAD_ENTRY)};
#undef ONYXRT_WINOGRAD_ENTRY
  return variants;
}

const WinogradVariant& winograd_selected_variant() {
  static const WinogradVariant& selected = []() -> const WinogradVariant& {
    for (const WinogradVariant& v : winograd_variants())
      if (v.supported(cpu_features())) return v;
    return winograd_variants().back();
  }();
  return selected;
}

bool winograd_supports(const Window3d& w) {
  if (w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1 || w.pad_begin[0] != 0 || w.pad_end[0] != 0) return false;
  for (int d = 1; d < 3; ++d)
    if (w.kernel[d] != 3 || w.stride[d] != 1 || w.dilation[d] != 1 || w.pad_begin[d] > 2 || w.pad_end[d] > 2)
      return false;
  return true;
}

int winograd_tile(const Window3d& w, int64_t C, int64_t M) {
  if (!winograd_supports(w) || &winograd_selected_variant() == &winograd_variants().back()) return 0;
  // Measured against the direct tiles, one convolution at a time, one thread (Zen 3), F(4x4):
  // 64 -> 64 at 56x56 0.47x the time, 32 -> 32 0.59x, 16 -> 64 at 55x55 0.70-0.74x, 16 -> 8
  // 0.74x, 48 -> 192 at 13x13 0.8x; 8 -> 32 0.86x and 8 -> 8 0.91x, within the noise (GEMMs over
  // one block of input channels); 128 -> 128 at 9x9 1.14x (9 tiles of 16 pixels for 81), and 8x8
  // or 7x7 maps about even (4 tiles), where F(2x2) takes them.
  if (C < 16) return 0;
  const int tile = tiles_pay(w, 4) ? 4 : tiles_pay(w, 2) ? 2 : 0;
  // The transformed filters are 4x the originals for F(4x4) (VGG-19: 1.46 GB peak against
  // onnxruntime's 0.94), 1.8x for F(2x2): past 128 MiB for one convolution the memory is not
  // worth the time. F(2x2) runs on small maps, where the filters' bytes weigh more than the
  // arithmetic saved: ResNet-50's two 512 -> 512 at 7x7 (16.8 MB each) made the model 3% slower in
  // an A/B at 1 and 2 threads, though each alone ran 0.93-0.96x the direct time; 192 -> 320 at 7x7
  // (3.9 MB) 0.90x, 256 -> 256 at 8x8 0.81x, 128 -> 128 at 9x9 0.71x, Inception v2 4% faster.
  const int64_t u_bytes = tile ? winograd_points(tile) * nchwc_padded_channels(C) * ceil_div(M, 16) * 16 * 4 : 0;
  return u_bytes > (tile == 2 ? int64_t{8} << 20 : int64_t{128} << 20) ? 0 : tile;
}

WinogradWeights winograd_pack_weights(const float* w, int64_t out_channels, int64_t in_channels, int tile) {
  // G (6x3) of F(4x4): 1/4 0 0 / -1/6 -1/6 -1/6 / -1/6 1/6 -1/6 / 1/24 1/12 1/6 / 1/24 -1/12 1/6 /
  // 0 0 1; of F(2x2) (4x3): 1 0 0 / 1/2 1/2 1/2 / 1/2 -1/2 1/2 / 0 0 1.
  static constexpr double G4[6][3] = {{0.25, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                      {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                      {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  static constexpr double G2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  const auto G = [tile](int i, int j) { return tile == 2 ? G2[i][j] : G4[i][j]; };
  const int alpha = tile + 2, points = winograd_points(tile);
  const int64_t Cp = nchwc_padded_channels(in_channels), NB = ceil_div(out_channels, kConvDirectChannels);
  WinogradWeights out;
  out.in_channels = in_channels, out.out_channels = out_channels, out.tile = tile;
  out.u.assign(static_cast<size_t>(points * NB * Cp * kConvDirectChannels), 0.0f);
  for (int64_t m = 0; m < out_channels; ++m)
    for (int64_t c = 0; c < in_channels; ++c) {
      const float* g = w + (m * in_channels + c) * 9;
      double gg[6][3];  // G g
      for (int i = 0; i < alpha; ++i)
        for (int j = 0; j < 3; ++j) gg[i][j] = G(i, 0) * g[j] + G(i, 1) * g[3 + j] + G(i, 2) * g[6 + j];
      for (int i = 0; i < alpha; ++i)
        for (int j = 0; j < alpha; ++j) {
          const double v = gg[i][0] * G(j, 0) + gg[i][1] * G(j, 1) + gg[i][2] * G(j, 2);  // (G g) G^T
          const int64_t at = (((i * alpha + j) * NB + m / kConvDirectChannels) * Cp + c) * kConvDirectChannels;
          out.u[static_cast<size_t>(at + m % kConvDirectChannels)] = static_cast<float>(v);
        }
    }
  return out;
}

int64_t conv_winograd_workspace_size(const WinogradArgs& a, int threads) {
  const BlockPlan p = block_plan(a.win, a.weights->tile, threads);
  return p.slots * block_floats(p, nchwc_padded_channels(a.in_channels), nchwc_padded_channels(a.out_channels));
}

void conv_winograd_f32(const WinogradArgs& a, float* workspace, ThreadPool* pool) {
  const WinogradVariant& v = a.variant ? *a.variant : winograd_selected_variant();
  const ConvDirectVariant& direct = a.direct ? *a.direct : conv_direct_selected_variant();
  const Window3d& w = a.win;
  const int64_t H = w.in[1], W = w.in[2], OH = w.out[1], OW = w.out[2];
  const int64_t Cp = nchwc_padded_channels(a.in_channels), Mp = nchwc_padded_channels(a.out_channels);
  const int64_t Cb = Cp / kNchwcBlock, Mb = Mp / kNchwcBlock, NB = ceil_div(Mp, kConvDirectChannels);
  const BlockPlan plan = block_plan(w, a.weights->tile, pool ? pool->num_threads() : 1);
  const int64_t tb_max = plan.tb, tiles_w = plan.tiles_w, tiles = plan.tiles;
  const int tile_side = plan.tile, points = plan.points;
  const ConvActivation act = a.act.fits_sgemm_epilogue() ? a.act : ConvActivation{};
  // Tiles [t0, t0 + tb) of image n, through V and M in `scratch`, each step split over `step_pool`.
  auto run_block = [&](int64_t n, int64_t t0, int64_t tb, float* scratch, ThreadPool* step_pool) {
    const float* x = a.x + n * Cp * H * W;
    float* y = a.y + n * Mp * OH * OW;
    const float* z = a.z ? a.z + n * Mp * OH * OW : nullptr;
    float* vbuf = scratch;                                   // [xi][tile in block][Cp]
    float* mbuf = scratch + points * tb_max * Cp;  // [xi][Mp / 8][tile in block][8]
    ThreadPool::parallel_for(step_pool, tb * Cb, 4, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t t = t0 + i / Cb, cb = i % Cb;
        WinogradInputTile in;
        in.x = x + cb * H * W * kNchwcBlock;
        in.H = H, in.W = W;
        in.r0 = t / tiles_w * tile_side - w.pad_begin[1];
        in.c0 = t % tiles_w * tile_side - w.pad_begin[2];
        in.tile = tile_side;
        in.v = vbuf + (i / Cb) * Cp + cb * kNchwcBlock;
        in.v_stride = tb_max * Cp;
        v.input(in);
      }
    });
    ThreadPool::parallel_for(step_pool, points, 1, [&](int64_t p0, int64_t p1) {
      static constexpr int64_t kWholeRow = 0;
      ConvDirectTile tile;
      tile.seg_off = &kWholeRow, tile.nseg = 1, tile.seg_len = Cp;
      tile.partial = nullptr, tile.first = tile.last = true;
      tile.ldy = tb_max * kNchwcBlock;
      tile.bias = nullptr, tile.z = nullptr, tile.blocked_y = true;
      // Two 16-channel blocks a call where the tile takes them (ConvDirectVariant::blocks).
      const int64_t blocks = direct.blocks > 1 ? 2 : 1;
      tile.w_next = Cp * kConvDirectChannels;
      for (int64_t xi = p0; xi < p1; ++xi) {
        const float* vx = vbuf + xi * tb_max * Cp;
        for (int64_t t = 0; t < tb; t += kConvDirectPixels) {
          tile.rows = static_cast<int>(std::min<int64_t>(kConvDirectPixels, tb - t));
          for (int i = 0; i < kConvDirectPixels; ++i) tile.a[i] = vx + std::min<int64_t>(t + i, tb - 1) * Cp;
          for (int64_t b = 0; b < NB; b += blocks) {
            tile.w = a.weights->u.data() + ((xi * NB + b) * Cp) * kConvDirectChannels;
            tile.cols = conv_direct_block_cols(Mp, b);
            tile.cols_next = blocks > 1 ? conv_direct_block_cols(Mp, b + 1) : 0;
            tile.y = mbuf + xi * Mp * tb_max + (b * kConvDirectChannels * tb_max + t * kNchwcBlock);
            direct.tile(tile);
          }
        }
      }
    });
    ThreadPool::parallel_for(step_pool, tb * Mb, 4, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const int64_t t = t0 + i / Mb, mb = i % Mb;
        const int64_t plane = mb * OH * OW * kNchwcBlock;
        WinogradOutputTile out;
        out.m = mbuf + (mb * tb_max + i / Mb) * kNchwcBlock;
        out.m_stride = tb_max * Mp;
        out.bias = a.bias ? a.bias + mb * kNchwcBlock : nullptr;
        out.z = z ? z + plane : nullptr;
        out.y = y + plane;
        out.OH = OH, out.OW = OW;
        out.r0 = t / tiles_w * tile_side, out.c0 = t % tiles_w * tile_side;
        out.tile = tile_side;
        out.act = act;
        v.output(out);
      }
    });
  };
  const int64_t blocks = ceil_div(tiles, tb_max), scratch_floats = block_floats(plan, Cp, Mp);
  // With slots, each slot has an equal share of the tiles, in blocks of at most tb_max. Dealing
  // whole blocks out in turn gave one thread the short last block: 108 tiles to 88 at 55x55, 30 to
  // 19 at 27x27 (SqueezeNet's 3x3 layers, 97 us on one thread to 80 on the other). Shares start at
  // a multiple of the GEMM's row group (kConvDirectPixels tiles), as blocks do, so that every tile
  // falls in the same group whatever the thread count: a group of one row runs a kernel that sums
  // in another order (the AVX2 tile's one-pixel path).
  const auto share_start = [&](int64_t s) {
    return s == plan.slots ? tiles : s * tiles / plan.slots / kConvDirectPixels * kConvDirectPixels;
  };
  // Each share is `per` blocks of tb_max tiles from its start (the last ones shorter or empty), and
  // a thread that has run its own share's blocks takes blocks of the others' still waiting: a thread
  // the host slows no longer holds the whole layer. Blocks run in the scratch of the slot that runs
  // them.
  int64_t per = 1;
  for (int64_t s = 0; s < plan.slots; ++s) per = std::max(per, ceil_div(share_start(s + 1) - share_start(s), tb_max));
  for (int64_t n = 0; n < a.batch; ++n) {
    if (plan.slots > 1) {
      ThreadPool::parallel_for_chunks_in_slots(pool, plan.slots * per, 1, [&](int slot, int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
          const int64_t end = share_start(c / per + 1), t = share_start(c / per) + c % per * tb_max;
          if (t < end) run_block(n, t, std::min(tb_max, end - t), workspace + slot * scratch_floats, nullptr);
        }
      });
    } else {
      for (int64_t b = 0; b < blocks; ++b)
        run_block(n, b * tb_max, std::min(tb_max, tiles - b * tb_max), workspace, pool);
    }
  }
  if (!a.act.fits_sgemm_epilogue())
    ThreadPool::parallel_for(pool, a.batch * Mp, 1, [&](int64_t m0, int64_t m1) {
      apply_conv_activation(a.act, nullptr, a.y + m0 * OH * OW, (m1 - m0) * OH * OW);
    });
}

}  // namespace onyxrt::kernels
