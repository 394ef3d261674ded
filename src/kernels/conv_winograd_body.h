// The Winograd F(4x4, 3x3) and F(2x2, 3x3) tile transforms, written once over a register of 8
// channels: each ISA's file supplies a traits struct L (its register, load / store / zero, add /
// sub, fma with a constant, and the epilogue's activations) and defines its variant's two entry
// points as input<L> and output<L>. Internal linkage only: copies compiled with different flags
// must never be merged.
#pragma once
#include <cstdint>

#include "kernels/conv_winograd.h"

namespace onyxrt::kernels {
namespace {
namespace winograd_body {

// F(4x4, 3x3): y = B^T x for one line of 6 (B^T's rows: 4 0 -5 0 1 0 / 0 -4 -4 1 1 0 /
// 0 4 -4 -1 1 0 / 0 -2 -1 2 1 0 / 0 2 -1 -2 1 0 / 0 4 0 -5 0 1), and o = A^T m (A^T's rows:
// 1 1 1 1 1 0 / 0 1 -1 2 -2 0 / 0 1 1 4 4 0 / 0 1 -1 8 -8 1).
struct F4x4 {
  static constexpr int kTile = 4, kAlpha = 6;
  template <typename L>
  static void input_line(const typename L::V x[6], typename L::V y[6]) {
    const auto s12 = L::add(x[1], x[2]), d12 = L::sub(x[1], x[2]), d31 = L::sub(x[3], x[1]);
    const auto x4_2 = L::sub(x[4], x[2]);
    y[0] = L::fma(4.0f, x[0], L::fma(-5.0f, x[2], x[4]));
    y[1] = L::fma(-4.0f, s12, L::add(x[3], x[4]));
    y[2] = L::fma(4.0f, d12, L::sub(x[4], x[3]));
    y[3] = L::fma(2.0f, d31, x4_2);
    y[4] = L::fma(-2.0f, d31, x4_2);
    y[5] = L::fma(4.0f, x[1], L::fma(-5.0f, x[3], x[5]));
  }
  template <typename L>
  static void output_line(const typename L::V m[6], typename L::V o[4]) {
    const auto s12 = L::add(m[1], m[2]), d12 = L::sub(m[1], m[2]);
    const auto s34 = L::add(m[3], m[4]), d34 = L::sub(m[3], m[4]);
    o[0] = L::add(L::add(m[0], s12), s34);
    o[1] = L::fma(2.0f, d34, d12);
    o[2] = L::fma(4.0f, s34, s12);
    o[3] = L::add(L::fma(8.0f, d34, d12), m[5]);
  }
};

// F(2x2, 3x3): B^T's rows 1 0 -1 0 / 0 1 1 0 / 0 -1 1 0 / 0 1 0 -1; A^T's 1 1 1 0 / 0 1 -1 -1.
struct F2x2 {
  static constexpr int kTile = 2, kAlpha = 4;
  template <typename L>
  static void input_line(const typename L::V x[4], typename L::V y[4]) {
    y[0] = L::sub(x[0], x[2]);
    y[1] = L::add(x[1], x[2]);
    y[2] = L::sub(x[2], x[1]);
    y[3] = L::sub(x[1], x[3]);
  }
  template <typename L>
  static void output_line(const typename L::V m[4], typename L::V o[2]) {
    o[0] = L::add(L::add(m[0], m[1]), m[2]);
    o[1] = L::sub(L::sub(m[1], m[2]), m[3]);
  }
};

template <typename L, typename F>
void input_tile(const WinogradInputTile& t) {
  using V = typename L::V;
  constexpr int A = F::kAlpha;
  V d[A][A];
  const bool inside = t.r0 >= 0 && t.c0 >= 0 && t.r0 + A <= t.H && t.c0 + A <= t.W;
  for (int i = 0; i < A; ++i) {
    const int64_t r = t.r0 + i;
    for (int j = 0; j < A; ++j) {
      const int64_t c = t.c0 + j;
      d[i][j] = inside || (r >= 0 && r < t.H && c >= 0 && c < t.W) ? L::load(t.x + (r * t.W + c) * 8) : L::zero();
    }
  }
  V rows[A][A];
  for (int i = 0; i < A; ++i) F::template input_line<L>(d[i], rows[i]);  // rows[i][j]: B^T along row i
  for (int j = 0; j < A; ++j) {
    V col[A], out[A];
    for (int i = 0; i < A; ++i) col[i] = rows[i][j];
    F::template input_line<L>(col, out);
    for (int i = 0; i < A; ++i) L::store(t.v + (i * A + j) * t.v_stride, out[i]);
  }
}

template <typename L, typename F>
void output_tile(const WinogradOutputTile& t) {
  using V = typename L::V;
  constexpr int A = F::kAlpha, T = F::kTile;
  V cols[T][A];  // cols[k][j]: A^T down column j, output row k
  for (int j = 0; j < A; ++j) {
    V m[A], o[T];
    for (int i = 0; i < A; ++i) m[i] = L::load(t.m + (i * A + j) * t.m_stride);
    F::template output_line<L>(m, o);
    for (int k = 0; k < T; ++k) cols[k][j] = o[k];
  }
  const V bias = t.bias ? L::load(t.bias) : L::zero();
  L::with_activation(t.act, [&](auto act) {
    for (int k = 0; k < T; ++k) {
      const int64_t r = t.r0 + k;
      if (r >= t.OH) break;
      V o[T];
      F::template output_line<L>(cols[k], o);
      const int64_t at = (r * t.OW + t.c0) * 8;
      for (int l = 0; l < T && t.c0 + l < t.OW; ++l) {
        V v = L::add(o[l], bias);
        if (t.z) v = L::add(v, L::load(t.z + at + 8 * l));
        L::store(t.y + at + 8 * l, act(v));
      }
    }
  });
}

// The entry points of a variant: the tile size is the call's.
template <typename L>
void input(const WinogradInputTile& t) {
  t.tile == 2 ? input_tile<L, F2x2>(t) : input_tile<L, F4x4>(t);
}
template <typename L>
void output(const WinogradOutputTile& t) {
  t.tile == 2 ? output_tile<L, F2x2>(t) : output_tile<L, F4x4>(t);
}

}  // namespace winograd_body
}  // namespace
}  // namespace onyxrt::kernels
