// The body of the float binary kernels, written once over a SIMD register type: each ISA's file
// (x86/avx2/f32_binary_avx2.cc, x86/avx512/f32_binary_avx512.cc) supplies a traits struct V with
// its register, width, load/store/broadcast and the four arithmetic operations, and defines its
// kernel table as binary_f32_body::table<V>(). The remainder after the last full register is
// done one element at a time with the same IEEE operation, so results do not depend on alignment.
// Internal linkage only: copies compiled with different flags must never be merged.
#pragma once
#include <cstdint>

#include "kernels/binary_f32.h"

namespace onyxrt::kernels {
namespace {
namespace binary_f32_body {

template <BinaryF32Op Op>
inline float scalar(float a, float b) {
  if constexpr (Op == BinaryF32Op::Add) return a + b;
  if constexpr (Op == BinaryF32Op::Sub) return a - b;
  if constexpr (Op == BinaryF32Op::Mul) return a * b;
  if constexpr (Op == BinaryF32Op::Div) return a / b;
}

template <typename V, BinaryF32Op Op>
inline typename V::reg vector(typename V::reg a, typename V::reg b) {
  if constexpr (Op == BinaryF32Op::Add) return V::add(a, b);
  if constexpr (Op == BinaryF32Op::Sub) return V::sub(a, b);
  if constexpr (Op == BinaryF32Op::Mul) return V::mul(a, b);
  if constexpr (Op == BinaryF32Op::Div) return V::div(a, b);
}

template <typename V, BinaryF32Op Op>
void vec_vec(const float* a, const float* b, float* y, int64_t n) {
  constexpr int W = V::width;
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    const auto r0 = vector<V, Op>(V::load(a + i), V::load(b + i));
    const auto r1 = vector<V, Op>(V::load(a + i + W), V::load(b + i + W));
    const auto r2 = vector<V, Op>(V::load(a + i + 2 * W), V::load(b + i + 2 * W));
    const auto r3 = vector<V, Op>(V::load(a + i + 3 * W), V::load(b + i + 3 * W));
    V::store(y + i, r0);
    V::store(y + i + W, r1);
    V::store(y + i + 2 * W, r2);
    V::store(y + i + 3 * W, r3);
  }
  for (; i + W <= n; i += W) V::store(y + i, vector<V, Op>(V::load(a + i), V::load(b + i)));
  for (; i < n; ++i) y[i] = scalar<Op>(a[i], b[i]);
}

// Swapped: y = b op a[i] (scalar on the left), for the non-commutative Sub and Div.
template <typename V, BinaryF32Op Op, bool Swapped>
void with_scalar(const float* a, float b, float* y, int64_t n) {
  constexpr int W = V::width;
  const auto vb = V::set1(b);
  auto op = [&](typename V::reg va) { return Swapped ? vector<V, Op>(vb, va) : vector<V, Op>(va, vb); };
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    const auto r0 = op(V::load(a + i));
    const auto r1 = op(V::load(a + i + W));
    const auto r2 = op(V::load(a + i + 2 * W));
    const auto r3 = op(V::load(a + i + 3 * W));
    V::store(y + i, r0);
    V::store(y + i + W, r1);
    V::store(y + i + 2 * W, r2);
    V::store(y + i + 3 * W, r3);
  }
  for (; i + W <= n; i += W) V::store(y + i, op(V::load(a + i)));
  for (; i < n; ++i) y[i] = Swapped ? scalar<Op>(b, a[i]) : scalar<Op>(a[i], b);
}

template <typename V, int Power>
void power(const float* x, float* y, int64_t n) {
  constexpr int W = V::width;
  int64_t i = 0;
  for (; i + W <= n; i += W) {
    const auto v = V::load(x + i);
    auto r = V::mul(v, v);
    if constexpr (Power == 3) r = V::mul(r, v);
    V::store(y + i, r);
  }
  for (; i < n; ++i) {
    float r = x[i] * x[i];
    if constexpr (Power == 3) r = r * x[i];
    y[i] = r;
  }
}

template <typename V>
constexpr BinaryF32Kernels table() {
  using O = BinaryF32Op;
  return BinaryF32Kernels{
      {vec_vec<V, O::Add>, vec_vec<V, O::Sub>, vec_vec<V, O::Mul>, vec_vec<V, O::Div>},
      {with_scalar<V, O::Add, false>, with_scalar<V, O::Sub, false>, with_scalar<V, O::Mul, false>,
       with_scalar<V, O::Div, false>},
      {with_scalar<V, O::Add, true>, with_scalar<V, O::Sub, true>, with_scalar<V, O::Mul, true>,
       with_scalar<V, O::Div, true>},
      power<V, 2>,
      power<V, 3>,
  };
}

}  // namespace binary_f32_body
}  // namespace
}  // namespace onyxrt::kernels
