// The body of the vectorized float math, in plain C++ on GCC vector types of ONYXRT_VMATH_LANES
// floats (defined by the including file: 4 for the portable SSE2 baseline, 8 for AVX2, 16 for
// AVX-512), so one source gives each ISA's kernels. Everything has internal linkage (anonymous
// namespace): copies compiled with different flags must never be merged by the linker.
//
// The approximations are branch-free so every lane takes the same path:
//   exp:  x = n ln2 + r, |r| <= ln2 / 2, Cody-Waite split of ln2, degree-7 minimax polynomial for
//         e^r, and 2^n applied as two factors so results that underflow to subnormals round once.
//   tanh: odd polynomial for |x| < 0.625, else (1 - e) / (1 + e) with e = exp(-2|x|).
//   erf:  x P(x^2) for |x| < 0.921875, else 1 - exp(Q(|x|)) with Q fitted to log(erfc(|x|)) on
//         [0.921875, 4] (erfc(4) is below half an ulp of 1).
// The polynomial coefficients were fitted for this file (Chebyshev-node least squares in double).
#pragma once
#include <cstdint>
#include <cstring>
#include <utility>

#include "kernels/vmath.h"

#ifndef ONYXRT_VMATH_LANES
#error "define ONYXRT_VMATH_LANES before including vmath_body.h"
#endif

namespace onyxrt::kernels {
namespace {
namespace vmath_body {

constexpr int kLanes = ONYXRT_VMATH_LANES;
typedef float VF __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t VI __attribute__((vector_size(kLanes * sizeof(float))));

inline VF splat(float s) { return VF{} + s; }
inline VF load(const float* p) {
  VF v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, VF v) { std::memcpy(p, &v, sizeof v); }
inline VF vabs(VF x) { return (VF)((VI)x & 0x7fffffff); }
// `r` with the sign bit of `s` or-ed in (r must be non-negative).
inline VF or_sign(VF r, VF s) { return (VF)((VI)r | ((VI)s & static_cast<int32_t>(0x80000000u))); }
// NaN-propagating in x: comparisons with NaN are false, so x is kept.
inline VF min_keep_nan(VF x, float hi) { return x > hi ? splat(hi) : x; }
inline VF max_keep_nan(VF x, float lo) { return x < lo ? splat(lo) : x; }

constexpr float kExpMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
constexpr int32_t kExpMagicBits = 0x4B400000;

// e^x = 2^n * p, the two parts of exp: p = e^r on the reduced r (x = n ln2 + r), and t = x log2(e)
// + kExpMagic, whose bits are kExpMagicBits + n. The caller clamps x and applies 2^n.
struct ExpParts {
  VF p, t;
};
inline ExpParts exp_parts(VF x) {
  const VF magic = splat(kExpMagic);
  const VF t = x * 1.44269504088896341f + magic;
  const VF n = t - magic;
  VF r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  VF p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  return {p, t};
}

// e^x where 2^n stays a normal float (x in about [-87.3, 88.7]; a caller that clamps to -88 gets
// exactly 0 there, as its factor's bits are then 0): no clamp, and 2^n as one factor. The same
// floats as vexp over that range, for callers whose arguments are bounded (erfc, x - max).
inline VF vexp_bounded(VF x) {
  const auto [p, t] = exp_parts(x);
  return p * (VF)(((VI)t + (127 - kExpMagicBits)) << 23);
}

inline VF vexp(VF x) {
  x = max_keep_nan(min_keep_nan(x, 88.8f), -104.0f);
  const auto [p, t] = exp_parts(x);
  const VI ni = (VI)t - kExpMagicBits;
  const VI n1 = ni >> 1;
  const VI n2 = ni - n1;
  return p * (VF)((n1 + 127) << 23) * (VF)((n2 + 127) << 23);
}

inline VF vtanh(VF x) {
  const VF ax = vabs(x);
  const VF z = x * x;
  VF p = splat(-5.70498872745e-3f);
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const VF small = p * z * x + x;
  const VF e = vexp(-2.0f * ax);
  const VF large = or_sign((1.0f - e) / (1.0f + e), x);
  return ax < 0.625f ? small : large;
}

inline VF vsigmoid(VF x) {
  const VF e = vexp(-vabs(x));
  const VF r = 1.0f / (1.0f + e);
  return x < 0.0f ? e * r : r;
}

constexpr float kErfSplit = 0.921875f;
// erf(x) / x as a polynomial in x^2, |x| < kErfSplit.
inline VF erf_small_ratio(VF z) {
  VF p = splat(8.427491411566734e-05f);
  p = p * z - 8.157850825227797e-04f;
  p = p * z + 5.202549044042826e-03f;
  p = p * z - 2.686011232435703e-02f;
  p = p * z + 1.128371134400367e-01f;
  p = p * z - 3.761263489723205e-01f;
  p = p * z + 1.128379225730896e+00f;
  return p;
}
// erfc(a) for a in [kErfSplit, 4] (a clamped to 4 by the caller). Its exp needs no clamp nor a
// split 2^n (the same floats; no time measurably saved on Zen 3, where GELU of 197 x 3072 floats
// reads 1.25 ns a float at one thread against onnxruntime's 1.0).
inline VF erfc_large(VF a) {
  VF q = splat(1.613101858e-06f);
  q = q * a - 4.557118518e-05f;
  q = q * a + 5.926017184e-04f;
  q = q * a - 4.739417695e-03f;
  q = q * a + 2.636238001e-02f;
  q = q * a - 1.099740490e-01f;
  q = q * a - 6.319416165e-01f;
  q = q * a - 1.130164027e+00f;
  q = q * a + 3.025418264e-04f;
  return vexp_bounded(q);  // q is within [-17.1, -1.6] over a's range
}

inline VF verf(VF x) {
  const VF a = min_keep_nan(vabs(x), 4.0f);
  const VF small = a * erf_small_ratio(a * a);
  const VF large = 1.0f - erfc_large(a);
  return or_sign(a < kErfSplit ? small : large, x);
}

// 0.5 x (1 + erf(x / sqrt 2)). For x < 0 the factor 1 + erf is erfc(|z|), taken directly so it
// keeps its relative accuracy instead of cancelling.
inline VF vgelu_erf(VF x) {
  const VF z = x * 0.70710678118654752f;
  const VF az = vabs(z);
  const VF a = min_keep_nan(az, 4.0f);
  const VF small = 1.0f + z * erf_small_ratio(a * a);
  const VF c = az >= 4.0f ? splat(0.0f) : erfc_large(a);
  const VF large = z > 0.0f ? 2.0f - c : c;
  return (0.5f * x) * (az < kErfSplit ? small : large);
}

// 0.5 x (1 + tanh(u)) = x / (1 + exp(-2u)), which does not cancel for negative u.
inline VF vgelu_tanh(VF x) {
  const VF u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
  return x / (1.0f + vexp(-2.0f * u));
}

inline VF vmax(VF a, VF b) { return a > b ? a : b; }
inline VF vmin(VF a, VF b) { return a < b ? a : b; }

template <VOp Op>
inline VF apply(VF x, VParams p) {
  if constexpr (Op == VOp::Exp) return vexp(x);
  if constexpr (Op == VOp::Tanh) return vtanh(x);
  if constexpr (Op == VOp::Erf) return verf(x);
  if constexpr (Op == VOp::Sigmoid) return vsigmoid(x);
  // Relu, LeakyRelu, Elu and Clip pass NaN through, as their std:: forms do.
  if constexpr (Op == VOp::Relu) return x < 0.0f ? splat(0.0f) : x;
  if constexpr (Op == VOp::LeakyRelu) return x < 0.0f ? x * p.a : x;
  if constexpr (Op == VOp::HardSigmoid || Op == VOp::HardSwish) {
    VF h = x * p.a + p.b;  // HardSwish: a = 1/6, b = 1/2
    h = h < 0.0f ? splat(0.0f) : h;
    h = h > 1.0f ? splat(1.0f) : h;
    return Op == VOp::HardSigmoid ? h : x * h;
  }
  if constexpr (Op == VOp::Elu) return x < 0.0f ? p.a * (vexp(x) - 1.0f) : x;
  if constexpr (Op == VOp::Clip) {
    const VF m = x < p.a ? splat(p.a) : x;  // numpy.clip order: lo > hi gives hi
    return p.b < m ? splat(p.b) : m;
  }
  if constexpr (Op == VOp::GeluErf) return vgelu_erf(x);
  if constexpr (Op == VOp::GeluTanh) return vgelu_tanh(x);
  if constexpr (Op == VOp::QuickGelu) return x * vsigmoid(x * p.a);
  return x;
}

template <VOp Op>
void map_unary(const float* x, const float* bias, float* y, int64_t n, VParams p) {
  int64_t i = 0;
  if (bias) {
    for (; i + kLanes <= n; i += kLanes) store(y + i, apply<Op>(load(x + i) + load(bias + i), p));
  } else {
    for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
      const VF a = load(x + i), b = load(x + i + kLanes);
      store(y + i, apply<Op>(a, p));
      store(y + i + kLanes, apply<Op>(b, p));
    }
    for (; i + kLanes <= n; i += kLanes) store(y + i, apply<Op>(load(x + i), p));
  }
  if (i == n) return;
  // The ragged end goes through a zero-padded lane buffer.
  alignas(64) float buf[kLanes] = {};
  const size_t rest = static_cast<size_t>(n - i) * sizeof(float);
  std::memcpy(buf, x + i, rest);
  VF v = load(buf);
  if (bias) {
    alignas(64) float bb[kLanes] = {};
    std::memcpy(bb, bias + i, rest);
    v += load(bb);
  }
  store(buf, apply<Op>(v, p));
  std::memcpy(y + i, buf, rest);
}

// Horizontal sum and max as a tree of lane swaps (v with lanes l and l ^ step exchanged): log2
// lanes dependent steps, where a lane-by-lane loop was a chain of kLanes extracts and adds (~40
// cycles per call on AVX2, paid twice per Softmax row of 128-197 floats).
template <int kStep, int... kLane>
inline VF swap_lanes(VF v, std::integer_sequence<int, kLane...>) {
  return __builtin_shufflevector(v, v, (kLane ^ kStep)...);
}
template <int kStep = kLanes / 2>
inline float hsum(VF v) {
  v += swap_lanes<kStep>(v, std::make_integer_sequence<int, kLanes>{});
  if constexpr (kStep > 1) return hsum<kStep / 2>(v);
  else return v[0];
}
template <int kStep = kLanes / 2>
inline float hmax(VF v) {
  const VF w = swap_lanes<kStep>(v, std::make_integer_sequence<int, kLanes>{});
  v = w > v ? w : v;
  if constexpr (kStep > 1) return hmax<kStep / 2>(v);
  else return v[0];
}

}  // namespace vmath_body
}  // namespace
}  // namespace onyxrt::kernels
