// Row vector times B (M == 1: classifier heads, single-token decoding) for one panel of a
// micro-kernel's NR columns (16 for AVX2+FMA, 32 for AVX-512). Each column keeps four partial sums, over k mod 4 (each a chain of fused
// multiply-adds in k order), added as (s0 + s1) + (s2 + s3) at the end, whether B is plain,
// transposed or pre-packed, so all give bitwise the same result.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

struct GemvPanelArgs {
  int64_t K = 0;
  const float* a = nullptr;  // K floats, alpha already applied
  // Plain B: K x N (N x K when trans_b), row stride ldb.
  const float* B = nullptr;
  int64_t ldb = 0;
  bool trans_b = false;
  // Or pre-packed (sgemm.cc's PackedB layout for the panel's micro-kernel): K blocks of kc, Npad columns.
  const float* packed = nullptr;
  int64_t kc = 0;
  int64_t npad = 0;
  // Set: the partial sums [4 phases][NR columns] start from here instead of zero and are written
  // back here, not added up into `out`: a caller runs K one block at a time (blocks of a multiple
  // of 4), then adds them up with gemv_panel_total.
  float* partials = nullptr;
};

constexpr int kGemvMaxPanel = 32;  // the widest panel: GemvPanelArgs::partials holds 4 x this

// out[j] = sum over k of a[k] * B[k][jb + j] for j < cols (cols <= 16, or 32).
void f32_gemv_panel16_avx2(const GemvPanelArgs& args, int64_t jb, int64_t cols, float* out);
void f32_gemv_panel32_avx512(const GemvPanelArgs& args, int64_t jb, int64_t cols, float* out);

// The sums of GemvPanelArgs::partials ([4][nr]) as a panel adds them: out[j] = (p0 + p1) + (p2 + p3).
inline void gemv_panel_total(const float* partials, int64_t nr, int64_t cols, float* out) {
  for (int64_t j = 0; j < cols; ++j)
    out[j] = (partials[j] + partials[nr + j]) + (partials[2 * nr + j] + partials[3 * nr + j]);
}

}  // namespace onyxrt::kernels
