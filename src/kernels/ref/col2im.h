// Portable reference col2im: the adjoint of im2col_3d_ref (kernels/ref/conv.h). With the same
// Window3d (w.in = image dims, w.out = window positions), it adds every column entry back onto the
// image pixel it was read from; entries that fall in the padding are dropped. ConvTranspose is a
// GEMM followed by this, and the Col2Im op is this alone.
#pragma once
#include <cstdint>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// image [channels, w.in...] += fold(col [channels * kernel_size, out_size]).
template <typename T>
void col2im_add_3d_ref(const Window3d& w, int64_t channels, const T* col, T* image);

extern template void col2im_add_3d_ref<float>(const Window3d&, int64_t, const float*, float*);
extern template void col2im_add_3d_ref<double>(const Window3d&, int64_t, const double*, double*);

}  // namespace onyxrt::kernels
