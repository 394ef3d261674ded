// One row of LayerNormalization / RMS norm / SkipLayerNormalization on the vector types of
// vmath_body.h. Two passes for the statistics (mean, then squared deviations), each accumulated
// in kLanes float partial sums, which keeps rows of a few thousand values within float accuracy.
#pragma once
#include <cmath>

#include "kernels/vmath_body.h"

namespace onyxrt::kernels {
namespace {
namespace vmath_body {

void layer_norm_row(const LayerNormRow& r, float* mean_out, float* inv_out) {
  const int64_t n = r.n;
  const float* v = r.x;
  if (r.skip || r.bias) {
    // v = x + skip + bias, kept in `sum` (or y, which pass 3 then overwrites in place).
    float* dst = r.sum ? r.sum : r.y;
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      VF s = load(r.x + i);
      if (r.skip) s += load(r.skip + i);
      if (r.bias) s += load(r.bias + i);
      store(dst + i, s);
    }
    for (; i < n; ++i) dst[i] = r.x[i] + (r.skip ? r.skip[i] : 0.0f) + (r.bias ? r.bias[i] : 0.0f);
    v = dst;
  }
  float mean = 0;
  if (!r.simplified) {
    VF acc = splat(0.0f);
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) acc += load(v + i);
    float s = hsum(acc);
    for (; i < n; ++i) s += v[i];
    mean = s / static_cast<float>(n);
  }
  VF acc = splat(0.0f);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const VF d = load(v + i) - mean;
    acc += d * d;
  }
  float sq = hsum(acc);
  for (; i < n; ++i) sq += (v[i] - mean) * (v[i] - mean);
  const float inv = 1.0f / std::sqrt(sq / static_cast<float>(n) + r.epsilon);
  for (i = 0; i + kLanes <= n; i += kLanes) {
    VF y = (load(v + i) - mean) * inv;
    if (r.gamma) y *= load(r.gamma + i);
    if (r.beta) y += load(r.beta + i);
    store(r.y + i, y);
  }
  for (; i < n; ++i) {
    float y = (v[i] - mean) * inv;
    if (r.gamma) y *= r.gamma[i];
    if (r.beta) y += r.beta[i];
    r.y[i] = y;
  }
  if (mean_out) *mean_out = mean;
  if (inv_out) *inv_out = inv;
}

}  // namespace vmath_body
}  // namespace
}  // namespace onyxrt::kernels
