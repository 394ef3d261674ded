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
// for 64 channels, and the per-point GEMMs get 64 rows. Fewer tiles than this: one block, so that
// each point's U is read once per image.
constexpr int64_t kTilesPerBlock = 64;

int64_t tiles_per_block(const Window3d& w) {
  const int64_t tiles = ceil_div(w.out[1], kWinogradTile) * ceil_div(w.out[2], kWinogradTile);
  return std::min(tiles, kTilesPerBlock);
}

}  // namespace

void f32_winograd_portable_input(const WinogradInputTile& t) { winograd_body::input_tile<Lanes8>(t); }
void f32_winograd_portable_output(const WinogradOutputTile& t) { winograd_body::output_tile<Lanes8>(t); }

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

bool winograd_preferred(const Window3d& w, int64_t C, int64_t M) {
  if (!winograd_supports(w) || &winograd_selected_variant() == &winograd_variants().back()) return false;
  // Measured against the direct tiles, one convolution at a time, one thread (Zen 3): 64 -> 64 at
  // 56x56 0.61x the time, 128 -> 128 at 28x28 0.47x, 256 -> 256 at 14x14 0.72x, 48 -> 192 at 13x13
  // 0.76x, 32 -> 64 at 56x56 0.88x; but 32 -> 32 at 56x56 1.10x and 16 -> 64 at 55x55 1.03x (the
  // GEMMs over so few channels do not pay for the transforms), 128 -> 128 at 9x9 1.14x (9 tiles
  // of 16 pixels for 81) and 8x8 or 7x7 maps about even (4 tiles: GEMMs of 4 rows).
  const int64_t tiles = ceil_div(w.out[1], kWinogradTile) * ceil_div(w.out[2], kWinogradTile);
  const bool enough_channels = C >= 32 && M >= 32 && C + M >= 96;
  const bool little_waste = tiles >= 9 && tiles * kWinogradTile * kWinogradTile * 5 <= w.out[1] * w.out[2] * 8;
  return enough_channels && little_waste;
}

WinogradWeights winograd_pack_weights(const float* w, int64_t out_channels, int64_t in_channels) {
  // G (6x3): 1/4 0 0 / -1/6 -1/6 -1/6 / -1/6 1/6 -1/6 / 1/24 1/12 1/6 / 1/24 -1/12 1/6 / 0 0 1.
  static constexpr double G[6][3] = {{0.25, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                     {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                     {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  const int64_t Cp = nchwc_padded_channels(in_channels), Mp = nchwc_padded_channels(out_channels);
  std::vector<float> u(static_cast<size_t>(kWinogradPoints * Cp * Mp), 0.0f);  // [xi][c][m]
  for (int64_t m = 0; m < out_channels; ++m)
    for (int64_t c = 0; c < in_channels; ++c) {
      const float* g = w + (m * in_channels + c) * 9;
      double gg[6][3];  // G g
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 3; ++j) gg[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) {
          const double v = gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2];  // (G g) G^T
          u[static_cast<size_t>(((i * 6 + j) * Cp + c) * Mp + m)] = static_cast<float>(v);
        }
    }
  WinogradWeights out;
  out.in_channels = in_channels, out.out_channels = out_channels;
  for (int xi = 0; xi < kWinogradPoints; ++xi) out.u.push_back(pack_b(false, Cp, Mp, u.data() + xi * Cp * Mp, Mp));
  return out;
}

int64_t conv_winograd_workspace_size(const WinogradArgs& a) {
  const int64_t Cp = nchwc_padded_channels(a.in_channels), Mp = nchwc_padded_channels(a.out_channels);
  return kWinogradPoints * tiles_per_block(a.win) * (Cp + Mp);
}

void conv_winograd_f32(const WinogradArgs& a, float* workspace, ThreadPool* pool) {
  const WinogradVariant& v = a.variant ? *a.variant : winograd_selected_variant();
  const Window3d& w = a.win;
  const int64_t H = w.in[1], W = w.in[2], OH = w.out[1], OW = w.out[2];
  const int64_t Cp = nchwc_padded_channels(a.in_channels), Mp = nchwc_padded_channels(a.out_channels);
  const int64_t Cb = Cp / kNchwcBlock, Mb = Mp / kNchwcBlock;
  const int64_t tiles_w = ceil_div(OW, kWinogradTile), tiles = ceil_div(OH, kWinogradTile) * tiles_w;
  const int64_t tb_max = tiles_per_block(w);
  float* vbuf = workspace;                                   // [xi][tile in block][Cp]
  float* mbuf = workspace + kWinogradPoints * tb_max * Cp;  // [xi][tile in block][Mp]
  ConvActivation act = a.act.fits_sgemm_epilogue() ? a.act : ConvActivation{};
  for (int64_t n = 0; n < a.batch; ++n) {
    const float* x = a.x + n * Cp * H * W;
    float* y = a.y + n * Mp * OH * OW;
    const float* z = a.z ? a.z + n * Mp * OH * OW : nullptr;
    for (int64_t t0 = 0; t0 < tiles; t0 += tb_max) {
      const int64_t tb = std::min(tb_max, tiles - t0);
      ThreadPool::parallel_for(pool, tb * Cb, 4, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t t = t0 + i / Cb, cb = i % Cb;
          WinogradInputTile in;
          in.x = x + cb * H * W * kNchwcBlock;
          in.H = H, in.W = W;
          in.r0 = t / tiles_w * kWinogradTile - w.pad_begin[1];
          in.c0 = t % tiles_w * kWinogradTile - w.pad_begin[2];
          in.v = vbuf + (i / Cb) * Cp + cb * kNchwcBlock;
          in.v_stride = tb_max * Cp;
          v.input(in);
        }
      });
      ThreadPool::parallel_for(pool, kWinogradPoints, 1, [&](int64_t p0, int64_t p1) {
        for (int64_t xi = p0; xi < p1; ++xi)
          sgemm_packed(false, tb, 1.0f, vbuf + xi * tb_max * Cp, Cp, a.weights->u[static_cast<size_t>(xi)], 0.0f,
                       mbuf + xi * tb_max * Mp, Mp, nullptr);
      });
      ThreadPool::parallel_for(pool, tb * Mb, 4, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const int64_t t = t0 + i / Mb, mb = i % Mb;
          const int64_t plane = mb * OH * OW * kNchwcBlock;
          WinogradOutputTile out;
          out.m = mbuf + (i / Mb) * Mp + mb * kNchwcBlock;
          out.m_stride = tb_max * Mp;
          out.bias = a.bias ? a.bias + mb * kNchwcBlock : nullptr;
          out.z = z ? z + plane : nullptr;
          out.y = y + plane;
          out.OH = OH, out.OW = OW;
          out.r0 = t / tiles_w * kWinogradTile, out.c0 = t % tiles_w * kWinogradTile;
          out.act = act;
          v.output(out);
        }
      });
    }
  }
  if (!a.act.fits_sgemm_epilogue())
    ThreadPool::parallel_for(pool, a.batch * Mp, 1, [&](int64_t m0, int64_t m1) {
      apply_conv_activation(a.act, nullptr, a.y + m0 * OH * OW, (m1 - m0) * OH * OW);
    });
}

}  // namespace onyxrt::kernels
