// Winograd F(4x4, 3x3) convolution on NCHW8c tensors: 3x3 windows, stride 1, dilation 1, group 1
// (and F(2x2, 3x3), the same with 2x2 tiles, for small maps).
//
// Each 4x4 block of output pixels (a tile) needs the 6x6 block of input around it. The input
// tile d is transformed to V = B^T d B, the filters g were transformed once to U = G g G^T, and
// for each of the 36 positions xi of the 6x6 transformed domain the tiles x output channels
// products are one GEMM over the input channels: M_xi = V_xi * U_xi. The output tile is then
// Y = A^T M A. That is 36 multiply-adds per input channel for 16 outputs, where the direct
// convolution does 9 per output: 4x fewer, for transforms that cost O(C + M) per tile.
//
// The channel blocks of NCHW8c make the transforms vector code: one register holds one pixel's 8
// channels, and every transform step is the same on all 8. Tiles run in blocks of up to 66 whose
// V and M stay in cache. The GEMMs are the direct convolution's 6 x 16 tiles, reading V's rows
// where they lie (no packing of A) against U packed once, and storing M in blocks of 8 channels,
// as the output transform reads it. With threads,
// a large map's blocks run one per thread, a small map's steps are split across them.
//
// Rounding: the transforms multiply by 4, 5 and 1/24 and sum up to 36 terms, so results differ
// from the direct convolution by a few units in the last place of the largest partial sums
// (about 1e-6 relative to the output's magnitude), well inside the 1e-3 agreement expected of an
// engine against onnxruntime.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/conv_activation.h"
#include "kernels/conv_direct.h"
#include "kernels/ref/window.h"

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

// Output pixels per tile side: 4 (F(4x4, 3x3)), or 2 (F(2x2, 3x3), for maps of 8x8 and under,
// where 4x4 tiles would be too few). A tile of side m reads (m + 2)^2 inputs: (m + 2)^2 points xi.
inline int winograd_points(int tile) { return (tile + 2) * (tile + 2); }

// One tile's input transform for one block of 8 channels: x is the block's [H][W][8] plane, the
// tile's (tile + 2)^2 window starts at row r0, column c0 (negative or past the edge: zeros there),
// and V[xi] (8 floats) goes to v + xi * v_stride.
struct WinogradInputTile {
  const float* x;
  int64_t H, W, r0, c0;
  float* v;
  int64_t v_stride;
  int tile = 4;
};
// One tile's output transform for one block of 8 output channels: m + xi * m_stride holds M[xi]
// (8 floats); the tile x tile result, plus bias (8 floats, or null) and z (laid out as y, or null), through
// `act` (a kind that fits the SGEMM epilogue), goes to y's [OH][OW][8] plane at row r0, column
// c0, clipped at the plane's edges.
struct WinogradOutputTile {
  const float* m;
  int64_t m_stride;
  const float* bias;
  const float* z;
  float* y;
  int64_t OH, OW, r0, c0;
  ConvActivation act;
  int tile = 4;
};
using WinogradInputFn = void (*)(const WinogradInputTile& t);
using WinogradOutputFn = void (*)(const WinogradOutputTile& t);

#define ONYXRT_WINOGRAD_VARIANTS(X)                                              \
  X(f32_winograd_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); }) \
  X(f32_winograd_portable, [](const CpuFeatures&) { return true; })

#define ONYXRT_DECLARE_WINOGRAD_VARIANT(prefix, pred)  \
  void prefix##_input(const WinogradInputTile& t); \
  void prefix##_output(const WinogradOutputTile& t);
ONYXRT_WINOGRAD_VARIANTS(ONYXRT_DECLARE_WINOGRAD_VARIANT)
#undef ONYXRT_DECLARE_WINOGRAD_VARIANT

struct WinogradVariant {
  const char* name;
  bool (*supported)(const CpuFeatures&);
  WinogradInputFn input;
  WinogradOutputFn output;
};
// Every variant compiled in, best first; the last one is portable.
std::span<const WinogradVariant> winograd_variants();
const WinogradVariant& winograd_selected_variant();

// True when the window is one Winograd computes: 2-D, 3x3, stride 1, dilation 1, each pad at
// most 2.
bool winograd_supports(const Window3d& w);
// The tile side a blocked convolution of C input and M output channels should take Winograd
// with, or 0 for the direct tiles: supported, a vector variant selected, 16 or more input
// channels, and enough tiles for the transforms to pay (measured against the direct tiles; see
// conv_winograd.cc).
int winograd_tile(const Window3d& w, int64_t C, int64_t M);

// The filters [M, C, 3, 3] transformed and packed for the direct convolution's tiles: for each
// point xi and each block of 16 output channels, Cp rows of 16 (u[xi][block][c][j]), with Cp and
// Mp the channel counts rounded up to 8 and zeros past C and M.
struct WinogradWeights {
  int64_t in_channels = 0, out_channels = 0;
  int tile = 4;
  std::vector<float, CacheLineAllocator<float>> u;
};
WinogradWeights winograd_pack_weights(const float* w, int64_t out_channels, int64_t in_channels, int tile = 4);

struct WinogradArgs {
  Window3d win;
  int64_t batch = 0, in_channels = 0, out_channels = 0;
  const float* x = nullptr;     // [batch][Cp / 8][H][W][8]
  const float* bias = nullptr;  // Mp floats, or null
  const float* z = nullptr;     // laid out as y, or null: added before the activation
  float* y = nullptr;           // [batch][Mp / 8][OH][OW][8]; channels past M are written too
  ConvActivation act;
  const WinogradWeights* weights = nullptr;
  const WinogradVariant* variant = nullptr;  // null: winograd_selected_variant()
  const ConvDirectVariant* direct = nullptr;  // the GEMMs' tiles; null: conv_direct_selected_variant()
};
// Floats of scratch conv_winograd_f32 needs with a pool of `threads`: V and M of one block of
// tiles, or of one per thread when they run blocks alone (large maps).
int64_t conv_winograd_workspace_size(const WinogradArgs& a, int threads);
void conv_winograd_f32(const WinogradArgs& a, float* workspace, ThreadPool* pool);

}  // namespace onyxrt::kernels
