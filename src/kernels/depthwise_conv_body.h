// The body of the depthwise convolution plane kernel, in plain C++ with no intrinsics. Each ISA's
// translation unit (depthwise_conv.cc, x86/avx2/, x86/avx512/) includes it and wraps
// dwconv_body::plane under its own name, so one source is vectorized for each instruction set.
// Everything here has internal linkage (anonymous namespace): the copies compiled with different
// flags must never be merged by the linker.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {
namespace {
namespace dwconv_body {

// Output columns [lo, hi) whose input column ow * stride + offset lies in [0, width).
inline void valid_columns(int64_t offset, int64_t stride, int64_t width, int64_t out_w, int64_t& lo, int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = width - 1 - offset;  // largest ow * stride allowed
  hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, out_w);
  hi = std::clamp(hi, lo, out_w);
}

// One output point with bounds checks: for the columns at the left and right edges.
inline float border_point(const Window3d& g, const float* x, const float* k, float bias, int64_t oh, int64_t ow) {
  const int64_t H = g.in[1], W = g.in[2];
  float acc = bias;
  for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
    const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
    if (ih < 0 || ih >= H) continue;
    for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
      const int64_t iw = ow * g.stride[2] - g.pad_begin[2] + kw * g.dilation[2];
      if (iw < 0 || iw >= W) continue;
      acc += k[kh * g.kernel[2] + kw] * x[ih * W + iw];
    }
  }
  return acc;
}

// Output columns [lo, hi) of one row whose whole KH x KW window is inside x: every tap in one
// accumulator, so y is written once. x_base is the flat index of (first kernel row, column -pad);
// kernel rows are row_step apart and kernel columns dil_w apart.
template <int KH, int KW, int S>
void fused_row(const float* __restrict x, int64_t x_base, int64_t row_step, int64_t dil_w, const float* k, float bias,
               float* __restrict y, int64_t lo, int64_t hi) {
  float wk[KH * KW];  // a local copy: the compiler can see that stores to y never change it
  for (int i = 0; i < KH * KW; ++i) wk[i] = k[i];
  for (int64_t ow = lo; ow < hi; ++ow) {
    float acc = bias;
#pragma GCC unroll 8
    for (int kh = 0; kh < KH; ++kh) {
#pragma GCC unroll 8
      for (int kw = 0; kw < KW; ++kw) acc += wk[kh * KW + kw] * x[x_base + kh * row_step + kw * dil_w + ow * S];
    }
    y[ow] = acc;
  }
}

using FusedRowFn = void (*)(const float* __restrict, int64_t, int64_t, int64_t, const float*, float, float* __restrict,
                            int64_t, int64_t);

// The fused row for the kernel shapes MobileNet-style models use; null for the rest.
inline FusedRowFn pick_fused_row(int64_t kh, int64_t kw, int64_t stride_w) {
  if (kh != kw || (stride_w != 1 && stride_w != 2)) return nullptr;
  const bool s1 = stride_w == 1;
  switch (kh) {
    case 3: return s1 ? fused_row<3, 3, 1> : fused_row<3, 3, 2>;
    case 5: return s1 ? fused_row<5, 5, 1> : fused_row<5, 5, 2>;
    case 7: return s1 ? fused_row<7, 7, 1> : fused_row<7, 7, 2>;
    default: return nullptr;
  }
}

// y[lo, hi) += w * x[x_base + ow * stride]: one tap over a row, for rows that cross the top or
// bottom padding and for kernel shapes without a fused row.
inline void accumulate_tap(const float* __restrict x, int64_t x_base, int64_t stride, float w, float* __restrict y,
                           int64_t lo, int64_t hi) {
  if (stride == 1) {
    for (int64_t ow = lo; ow < hi; ++ow) y[ow] += w * x[x_base + ow];
  } else {
    for (int64_t ow = lo; ow < hi; ++ow) y[ow] += w * x[x_base + ow * stride];
  }
}

// One output row, tap by tap: handles any geometry (padding on every side included).
inline void generic_row(const Window3d& g, const float* __restrict x, const float* k, float bias, int64_t oh,
                        float* __restrict y) {
  const int64_t H = g.in[1], W = g.in[2], OW = g.out[2];
  for (int64_t ow = 0; ow < OW; ++ow) y[ow] = bias;
  for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
    const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
    if (ih < 0 || ih >= H) continue;
    for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
      const int64_t offset = kw * g.dilation[2] - g.pad_begin[2];
      int64_t lo, hi;
      valid_columns(offset, g.stride[2], W, OW, lo, hi);
      accumulate_tap(x, ih * W + offset, g.stride[2], k[kh * g.kernel[2] + kw], y, lo, hi);
    }
  }
}

// x copied into a zero-bordered plane (Window3d in padded coordinates, pads 0), so that every
// output row takes the fused path: on MobileNet's 7x7-28x28 planes the padded rows and edge
// columns were a third of the work on the slow per-tap path. Null when the plane is too large to
// be worth a copy.
inline const float* padded_plane(const Window3d& g, const float* x, Window3d& gp) {
  const int64_t H = g.in[1], W = g.in[2];
  const int64_t Hp = H + g.pad_begin[1] + g.pad_end[1], Wp = W + g.pad_begin[2] + g.pad_end[2];
  if (Hp * Wp > (int64_t{1} << 20)) return nullptr;
  thread_local std::vector<float> buffer;
  buffer.assign(static_cast<size_t>(Hp * Wp), 0.0f);
  float* dst = buffer.data() + g.pad_begin[1] * Wp + g.pad_begin[2];
  for (int64_t h = 0; h < H; ++h) std::copy(x + h * W, x + (h + 1) * W, dst + h * Wp);
  gp = g;
  gp.in[1] = Hp, gp.in[2] = Wp;
  gp.pad_begin[1] = gp.pad_end[1] = gp.pad_begin[2] = gp.pad_end[2] = 0;
  return buffer.data();
}

inline void plane(const Window3d& g_in, const float* x, const float* k, float bias, float* y) {
  Window3d g = g_in;
  const FusedRowFn fused = pick_fused_row(g.kernel[1], g.kernel[2], g.stride[2]);
  if (fused && (g.pad_begin[1] || g.pad_end[1] || g.pad_begin[2] || g.pad_end[2])) {
    Window3d gp;
    if (const float* xp = padded_plane(g_in, x, gp)) {
      g = gp;
      x = xp;
    }
  }
  const int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  const int64_t KH = g.kernel[1], KW = g.kernel[2];
  // Columns whose window is inside x horizontally: from the first and the last kernel column.
  int64_t lo, hi, lo_last, hi_last;
  valid_columns(-g.pad_begin[2], g.stride[2], W, OW, lo, hi);
  valid_columns((KW - 1) * g.dilation[2] - g.pad_begin[2], g.stride[2], W, OW, lo_last, hi_last);
  lo = std::max(lo, lo_last);
  hi = std::max(lo, std::min(hi, hi_last));
  for (int64_t oh = 0; oh < OH; ++oh) {
    float* yr = y + oh * OW;
    const int64_t ih0 = oh * g.stride[1] - g.pad_begin[1];
    const bool rows_inside = ih0 >= 0 && ih0 + (KH - 1) * g.dilation[1] < H;
    if (fused == nullptr || !rows_inside || lo == hi) {
      generic_row(g, x, k, bias, oh, yr);
      continue;
    }
    for (int64_t ow = 0; ow < lo; ++ow) yr[ow] = border_point(g, x, k, bias, oh, ow);
    fused(x, ih0 * W - g.pad_begin[2], g.dilation[1] * W, g.dilation[2], k, bias, yr, lo, hi);
    for (int64_t ow = hi; ow < OW; ++ow) yr[ow] = border_point(g, x, k, bias, oh, ow);
  }
}

}  // namespace dwconv_body
}  // namespace
}  // namespace onyxrt::kernels
