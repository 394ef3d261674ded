// Reading and writing one element of a float / double / float16 / bfloat16 tensor as a double,
// for the reference-style kernels whose inputs may mix those types (LinearAttention's state,
// FlexAttention's softmax_precision scores). Callers check the dtype at session creation.
#pragma once
#include "kernels/ref/real_cast.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ops {

inline double load_real_element(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::Float16: return kernels::to_double(t.data<kernels::Float16>()[i]);
    case DataType::BFloat16: return kernels::to_double(t.data<kernels::BFloat16>()[i]);
    case DataType::Double: return t.data<double>()[i];
    default: return t.data<float>()[i];
  }
}

inline void store_real_element(Tensor& t, int64_t i, double v) {
  switch (t.dtype()) {
    case DataType::Float16: t.mutable_data<kernels::Float16>()[i] = kernels::from_double<kernels::Float16>(v); return;
    case DataType::BFloat16: t.mutable_data<kernels::BFloat16>()[i] = kernels::from_double<kernels::BFloat16>(v); return;
    case DataType::Double: t.mutable_data<double>()[i] = v; return;
    default: t.mutable_data<float>()[i] = static_cast<float>(v); return;
  }
}

// v rounded to dtype's precision (one of the four real types).
inline double round_to_dtype(DataType dtype, double v) {
  switch (dtype) {
    case DataType::Float16: return kernels::round_as<kernels::Float16>(v);
    case DataType::BFloat16: return kernels::round_as<kernels::BFloat16>(v);
    case DataType::Double: return v;
    default: return kernels::round_as<float>(v);
  }
}

}  // namespace onyxrt::ops
