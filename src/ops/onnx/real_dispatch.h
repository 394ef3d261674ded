// Dispatch for the ops of ops_f (GridSample, RoiAlign, Attention, ...) that compute in float32 or
// float64 only: their factories reject other element types, so compute() sees just these two.
#pragma once
#include "onyxrt/dtype.h"

namespace onyxrt::ops {

inline bool is_f32_or_f64(DataType t) { return t == DataType::Float || t == DataType::Double; }

// Calls fn(float{}) or fn(double{}); returns false (calling nothing) for any other type.
template <typename Fn>
bool visit_f32_or_f64(DataType t, Fn&& fn) {
  if (t == DataType::Float) {
    fn(float{});
    return true;
  }
  if (t == DataType::Double) {
    fn(double{});
    return true;
  }
  return false;
}

}  // namespace onyxrt::ops
