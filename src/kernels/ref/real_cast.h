// Conversions between the four real storage types (float, double, float16, bfloat16) and the
// double in which reference kernels compute, so one template serves all four. round_as<T>(x)
// rounds x to T's precision and back, for kernels that follow a spec's intermediate casts.
#pragma once
#include <type_traits>

#include "kernels/ref/float16.h"

namespace onyxrt::kernels {

inline double to_double(float v) { return v; }
inline double to_double(double v) { return v; }
inline double to_double(Float16 v) { return half_to_float(v); }
inline double to_double(BFloat16 v) { return bfloat16_to_float(v); }

template <typename T>
T from_double(double v) {
  if constexpr (std::is_same_v<T, Float16>)
    return float_to_half(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, BFloat16>)
    return float_to_bfloat16(static_cast<float>(v));
  else
    return static_cast<T>(v);
}

template <typename T>
double round_as(double v) {
  return to_double(from_double<T>(v));
}

}  // namespace onyxrt::kernels
