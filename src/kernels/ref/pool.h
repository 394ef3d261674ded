// Portable reference pooling over one [in...] plane (one image, one channel), spatial rank 1-3
// expressed as a Window3d.
#pragma once
#include <cstdint>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// y[o] = max over the window's in-bounds elements (padding never wins; NaN inputs are skipped as
// onnxruntime does). When `indices` is non-null it receives index_base + the flat position of the
// maximum in the plane, row-major or, with column_major (MaxPool storage_order=1), column-major.
template <typename T>
void maxpool_3d_ref(const Window3d& w, const T* x, T* y, int64_t* indices, int64_t index_base, bool column_major);

// y[o] = mean over the window. With count_include_pad the divisor counts window positions inside
// the padded input ([-pad_begin, in + pad_end)), otherwise only those inside the input.
template <typename T>
void avgpool_3d_ref(const Window3d& w, const T* x, T* y, bool count_include_pad);

}  // namespace onyxrt::kernels
