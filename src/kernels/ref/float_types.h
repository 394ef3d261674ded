// Dispatch over the floating element types that the normalization, resampling and recurrent ops
// accept (float, double, float16, bfloat16). Half types are stored as Float16/BFloat16 and computed
// in float by the ops, as onnxruntime's CPU kernels do.
#pragma once
#include "kernels/ref/float16.h"
#include "onyxrt/dtype.h"

namespace onyxrt::kernels {

inline bool is_float_or_half(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

// Calls fn(T{}) for one of the four types; returns false (calling nothing) otherwise.
template <typename Fn>
bool visit_float_or_half(DataType t, Fn&& fn) {
  switch (t) {
    case DataType::Float: fn(float{}); return true;
    case DataType::Double: fn(double{}); return true;
    case DataType::Float16: fn(Float16{}); return true;
    case DataType::BFloat16: fn(BFloat16{}); return true;
    default: return false;
  }
}

}  // namespace onyxrt::kernels
