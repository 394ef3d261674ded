// float16 / bfloat16 kernels that compute in float: widen the input once, run the float kernel,
// round each result once (what onnxruntime's CPU kernels for these types do).
#pragma once
#include "kernels/ref/float16.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ops {

inline bool is_half_float(DataType t) { return t == DataType::Float16 || t == DataType::BFloat16; }

// A float copy of a float16 / bfloat16 tensor.
inline Tensor widen_to_float(const Tensor& t) {
  Tensor f = Tensor::allocate(DataType::Float, t.shape());
  float* dst = f.mutable_data<float>();
  const int64_t n = t.size();
  if (t.dtype() == DataType::Float16) {
    const kernels::Float16* src = t.data<kernels::Float16>();
    for (int64_t i = 0; i < n; ++i) dst[i] = kernels::half_to_float(src[i]);
  } else {
    const kernels::BFloat16* src = t.data<kernels::BFloat16>();
    for (int64_t i = 0; i < n; ++i) dst[i] = kernels::bfloat16_to_float(src[i]);
  }
  return f;
}

// Rounds the float tensor f into out (float16 or bfloat16, same element count).
inline void narrow_from_float(const Tensor& f, Tensor& out) {
  const float* src = f.data<float>();
  const int64_t n = f.size();
  if (out.dtype() == DataType::Float16) {
    kernels::Float16* dst = out.mutable_data<kernels::Float16>();
    for (int64_t i = 0; i < n; ++i) dst[i] = kernels::float_to_half(src[i]);
  } else {
    kernels::BFloat16* dst = out.mutable_data<kernels::BFloat16>();
    for (int64_t i = 0; i < n; ++i) dst[i] = kernels::float_to_bfloat16(src[i]);
  }
}

}  // namespace onyxrt::ops
