// The Winograd F(4x4, 3x3) tile transforms, written once over a register of 8 channels: each
// ISA's file supplies a traits struct L (its register, load / store / zero, add / sub, fma with
// a constant, and the epilogue's activations) and defines its variant's two entry points as
// input_tile<L> and output_tile<L>. Internal linkage only: copies compiled with different flags
// must never be merged.
#pragma once
#include <cstdint>

#include "kernels/conv_winograd.h"

namespace onyxrt::kernels {
namespace {
namespace winograd_body {

// y = B^T x for one line of 6 (B^T's rows: 4 0 -5 0 1 0 / 0 -4 -4 1 1 0 / 0 4 -4 -1 1 0 /
// 0 -2 -1 2 1 0 / 0 2 -1 -2 1 0 / 0 4 0 -5 0 1).
template <typename L>
inline void input_line(const typename L::V x[6], typename L::V y[6]) {
  const auto s12 = L::add(x[1], x[2]), d12 = L::sub(x[1], x[2]), d31 = L::sub(x[3], x[1]);
  const auto x4_2 = L::sub(x[4], x[2]);
  y[0] = L::fma(4.0f, x[0], L::fma(-5.0f, x[2], x[4]));
  y[1] = L::fma(-4.0f, s12, L::add(x[3], x[4]));
  y[2] = L::fma(4.0f, d12, L::sub(x[4], x[3]));
  y[3] = L::fma(2.0f, d31, x4_2);
  y[4] = L::fma(-2.0f, d31, x4_2);
  y[5] = L::fma(4.0f, x[1], L::fma(-5.0f, x[3], x[5]));
}

// o = A^T m for one line of 6 (A^T's rows: 1 1 1 1 1 0 / 0 1 -1 2 -2 0 / 0 1 1 4 4 0 /
// 0 1 -1 8 -8 1).
template <typename L>
inline void output_line(const typename L::V m[6], typename L::V o[4]) {
  const auto s12 = L::add(m[1], m[2]), d12 = L::sub(m[1], m[2]);
  const auto s34 = L::add(m[3], m[4]), d34 = L::sub(m[3], m[4]);
  o[0] = L::add(L::add(m[0], s12), s34);
  o[1] = L::fma(2.0f, d34, d12);
  o[2] = L::fma(4.0f, s34, s12);
  o[3] = L::add(L::fma(8.0f, d34, d12), m[5]);
}

template <typename L>
void input_tile(const WinogradInputTile& t) {
  using V = typename L::V;
  V d[6][6];
  const bool inside = t.r0 >= 0 && t.c0 >= 0 && t.r0 + 6 <= t.H && t.c0 + 6 <= t.W;
  for (int i = 0; i < 6; ++i) {
    const int64_t r = t.r0 + i;
    for (int j = 0; j < 6; ++j) {
      const int64_t c = t.c0 + j;
      d[i][j] = inside || (r >= 0 && r < t.H && c >= 0 && c < t.W) ? L::load(t.x + (r * t.W + c) * 8) : L::zero();
    }
  }
  V rows[6][6];
  for (int i = 0; i < 6; ++i) input_line<L>(d[i], rows[i]);  // rows[i][j]: B^T along row i
  for (int j = 0; j < 6; ++j) {
    const V col[6] = {rows[0][j], rows[1][j], rows[2][j], rows[3][j], rows[4][j], rows[5][j]};
    V out[6];
    input_line<L>(col, out);
    for (int i = 0; i < 6; ++i) L::store(t.v + (i * 6 + j) * t.v_stride, out[i]);
  }
}

template <typename L>
void output_tile(const WinogradOutputTile& t) {
  using V = typename L::V;
  V cols[4][6];  // cols[k][j]: A^T down column j, output row k
  for (int j = 0; j < 6; ++j) {
    V m[6];
    for (int i = 0; i < 6; ++i) m[i] = L::load(t.m + (i * 6 + j) * t.m_stride);
    V o[4];
    output_line<L>(m, o);
    for (int k = 0; k < 4; ++k) cols[k][j] = o[k];
  }
  const V bias = t.bias ? L::load(t.bias) : L::zero();
  L::with_activation(t.act, [&](auto act) {
    for (int k = 0; k < 4; ++k) {
      const int64_t r = t.r0 + k;
      if (r >= t.OH) break;
      V o[4];
      output_line<L>(cols[k], o);
      const int64_t at = (r * t.OW + t.c0) * 8;
      for (int l = 0; l < 4 && t.c0 + l < t.OW; ++l) {
        V v = L::add(o[l], bias);
        if (t.z) v = L::add(v, L::load(t.z + at + 8 * l));
        L::store(t.y + at + 8 * l, act(v));
      }
    }
  });
}

}  // namespace winograd_body
}  // namespace
}  // namespace onyxrt::kernels
