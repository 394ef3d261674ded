// Pure compute shared by the normalization ops (LayerNormalization, RMSNormalization,
// GroupNormalization, InstanceNormalization, MeanVarianceNormalization): statistics of a
// contiguous run of values accumulated in double, and the mapping of a scale/bias tensor that
// broadcasts unidirectionally (right-aligned, numpy rule) onto the normalized block.
#pragma once
#include <cstdint>
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt::kernels {

struct MeanVar {
  double mean = 0;
  double var = 0;  // population variance (divides by n)
};

// Mean and variance of n values read through load(i); two passes for accuracy.
template <typename Load>
MeanVar mean_var(int64_t n, Load&& load) {
  MeanVar mv;
  if (n <= 0) return mv;
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(load(i));
  mv.mean = sum / static_cast<double>(n);
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(load(i)) - mv.mean;
    sq += d * d;
  }
  mv.var = sq / static_cast<double>(n);
  return mv;
}

// For each flat index of `target`, the flat index of `param` that broadcasting param (right-aligned,
// dims equal or 1, fewer dims allowed) onto target reads. Returns false when it does not broadcast.
bool broadcast_param_index(const Shape& param, const Shape& target, std::vector<int64_t>& index);

}  // namespace onyxrt::kernels
