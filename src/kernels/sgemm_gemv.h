// Row vector times B (M == 1: classifier heads, single-token decoding) for one 16-column panel,
// compiled for AVX2+FMA. Each column sums a[k] * b[k] in k order with one fused multiply-add per
// step, whether B is plain or pre-packed, so the two give bitwise the same result.
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
  // Or pre-packed (sgemm.cc's PackedB layout for a 16-wide micro-kernel): K blocks of kc, Npad columns.
  const float* packed = nullptr;
  int64_t kc = 0;
  int64_t npad = 0;
  // Set: the 16 sums start from init[0..16) instead of zero, so that a caller can run K one
  // block at a time and keep each column's chain of multiply-adds, in k order, across blocks.
  const float* init = nullptr;
};

// out[j] = sum over k of a[k] * B[k][jb + j] for j < cols (cols <= 16).
void f32_gemv_panel16_avx2(const GemvPanelArgs& args, int64_t jb, int64_t cols, float* out);

}  // namespace onyxrt::kernels
