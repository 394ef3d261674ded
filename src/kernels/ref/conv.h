// Portable reference convolution for one image and one group, by im2col + GEMM. Spatial rank 1-3
// is expressed as a Window3d. Layouts follow ONNX: x is [C, in...], weight is [M, C, kernel...],
// y is [M, out...] (C and M per group).
#pragma once
#include <cstdint>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// True when im2col would copy x unchanged (1x1 kernel, stride 1, no pad): x is then the column
// matrix itself.
bool conv_is_pointwise(const Window3d& w);
// Elements of the column matrix [C * kernel_size, out_size].
inline int64_t conv_col_size(const Window3d& w, int64_t channels) {
  return channels * w.kernel_size() * w.out_size();
}

// Unfolds x [channels, in...] into col [channels * kernel_size, out_size]; padding reads as 0.
template <typename T>
void im2col_3d_ref(const Window3d& w, int64_t channels, const T* x, T* col);

// y[m, :] = weight[m, :] * col (+ bias[m]) for output channels m in [m_begin, m_end).
template <typename T>
void conv_apply_weights_ref(const Window3d& w, int64_t in_channels, int64_t m_begin, int64_t m_end,
                            const T* weight, const T* bias, const T* col, T* y);

// The whole convolution of one image and group. `col` is scratch of conv_col_size(w, in_channels)
// elements; it may be null when conv_is_pointwise(w). `bias` may be null.
template <typename T>
void conv_3d_ref(const Window3d& w, int64_t in_channels, int64_t out_channels, const T* x, const T* weight,
                 const T* bias, T* y, T* col);

}  // namespace onyxrt::kernels
