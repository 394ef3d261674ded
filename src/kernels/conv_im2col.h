// Column unfolding for 1-D/2-D convolutions (Window3d with dim 0 trivial): row r of the column
// matrix is (channel c, kernel row kh, kernel column kw), r = (c * KH + kh) * KW + kw, matching the
// [M, C, KH, KW] weight layout; each row holds out_h * out_w values. Rows are independent, so a
// caller splits them across threads. Interior runs are memcpy (stride 1) or a strided gather;
// padding is written as zeros without per-element bounds checks.
#pragma once
#include <cstdint>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// True when `w` is a geometry im2col_2d_f32 accepts (dim 0 trivial).
bool im2col_2d_supports(const Window3d& w);

// Rows [row_begin, row_end) of the column matrix of x [channels, in_h, in_w] into col (row r at
// col + r * out_size).
void im2col_2d_f32(const Window3d& w, int64_t row_begin, int64_t row_end, const float* x, float* col);

// The same column matrix written straight in the SGEMM's packed-B layout (see SgemmPackB in
// kernels/sgemm.h): rows [p0, p0 + kc) x columns [j0, j0 + nc) as panels of nr columns, so the
// convolution never materialises the unfolded matrix and then copies it a second time.
void im2col_2d_pack_f32(const Window3d& w, const float* x, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr,
                        float* dst);

}  // namespace onyxrt::kernels
