// Softmax and LogSoftmax of one contiguous row on the vector types of vmath_body.h (included
// first by the ISA's translation unit). Three passes as onnxruntime's float kernel: max, then
// exp(x - max) stored with its running sum, then the scale (or, for LogSoftmax, x - max - log sum).
#pragma once
#include <cmath>
#include <limits>

#include "kernels/vmath_body.h"

namespace onyxrt::kernels {
namespace {
namespace vmath_body {

inline float row_max(const float* x, int64_t n) {
  int64_t i = 0;
  float m = -std::numeric_limits<float>::infinity();
  if (n >= kLanes) {
    // Four running maxima: one was a chain of dependent vmax, 3 cycles each on Zen 3.
    VF m0 = load(x), m1 = m0, m2 = m0, m3 = m0;
    for (i = kLanes; i + 4 * kLanes <= n; i += 4 * kLanes) {
      m0 = vmax(m0, load(x + i));
      m1 = vmax(m1, load(x + i + kLanes));
      m2 = vmax(m2, load(x + i + 2 * kLanes));
      m3 = vmax(m3, load(x + i + 3 * kLanes));
    }
    for (; i + kLanes <= n; i += kLanes) m0 = vmax(m0, load(x + i));
    m = hmax(vmax(vmax(m0, m1), vmax(m2, m3)));
  }
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

// exp(x) for x <= 0 or NaN, as x - max is here: vexp without its upper clamp and with 2^n as one
// factor, since n >= -127 once x is clamped to -88. Where n is -127 (x below about -87.7) the
// factor's bits are 0 and the result exactly 0, as exp(-inf) must be; vexp went on into
// subnormals down to -104. For x above -87.3 (2^-126 still normal) the same floats as vexp.
inline VF vexp_nonpositive(VF x) { return vexp_bounded(x < -88.0f ? splat(-88.0f) : x); }

// y = exp(x - shift); returns the sum of y. Two vectors per step with two sums: one exp is a chain
// of ~50 cycles of latency, and one at a time the loop waited on it (0.85 vs 1.07 ns per float on
// Zen 3 for ViT's 197-long rows).
inline float exp_shift_sum(const float* x, float* y, int64_t n, float shift) {
  VF acc0 = splat(0.0f), acc1 = splat(0.0f);
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const VF e0 = vexp_nonpositive(load(x + i) - shift), e1 = vexp_nonpositive(load(x + i + kLanes) - shift);
    store(y + i, e0);
    store(y + i + kLanes, e1);
    acc0 += e0;
    acc1 += e1;
  }
  if (i + kLanes <= n) {
    const VF e = vexp_nonpositive(load(x + i) - shift);
    store(y + i, e);
    acc0 += e;
    i += kLanes;
  }
  float s = hsum(acc0 + acc1);
  if (i < n) {
    alignas(64) float buf[kLanes];
    for (int l = 0; l < kLanes; ++l) buf[l] = i + l < n ? x[i + l] : shift;
    const VF e = vexp_nonpositive(load(buf) - shift);
    for (int64_t l = 0; i + l < n; ++l) {
      y[i + l] = e[l];
      s += e[l];
    }
  }
  return s;
}

inline void scale_add(const float* x, float* y, int64_t n, float mul, float add) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(y + i, load(x + i) * mul + add);
  for (; i < n; ++i) y[i] = x[i] * mul + add;
}

void softmax_row(const float* x, float* y, int64_t n) {
  const float m = row_max(x, n);
  const float s = exp_shift_sum(x, y, n, m);
  scale_add(y, y, n, 1.0f / s, 0.0f);
}

void log_softmax_row(const float* x, float* y, int64_t n) {
  float m = row_max(x, n);
  if (m == std::numeric_limits<float>::infinity()) {
    // x - max is inf - inf = NaN for the +inf entries, so the sum and every output are NaN (as in
    // Softmax, onnxruntime and the reference).
    for (int64_t i = 0; i < n; ++i) y[i] = std::numeric_limits<float>::quiet_NaN();
    return;
  }
  if (!std::isfinite(m)) m = 0;  // all -inf (or NaN): the arithmetic below gives NaN, as the reference
  // The exp values only feed the sum; y is scratch here and is overwritten below. Where x aliases
  // y, the exps would clobber x, so sum in blocks through a stack buffer instead.
  float buf[256];
  float s = 0;
  for (int64_t i = 0; i < n; i += 256) {
    const int64_t len = n - i < 256 ? n - i : 256;
    s += exp_shift_sum(x + i, buf, len, m);
  }
  // (x - max) first: it is exact for nearby values, where max + log(sum) would round at large |max|.
  const float log_s = std::log(s);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(y + i, (load(x + i) - m) - log_s);
  for (; i < n; ++i) y[i] = (x[i] - m) - log_s;
}

}  // namespace vmath_body
}  // namespace
}  // namespace onyxrt::kernels
