// The body of the 2-D pooling plane kernels, plain C++ with no intrinsics. Each ISA's translation
// unit (pool_2d.cc, x86/avx2/, x86/avx512/) includes it and wraps it under its own name; all of
// it has internal linkage so the copies compiled with different flags are never merged.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/ref/window.h"

namespace onyxrt::kernels {
namespace {
namespace pool2d_body {

// Output positions [lo, hi) whose input position o * stride + offset lies in [0, width).
inline void valid_range(int64_t offset, int64_t stride, int64_t width, int64_t out, int64_t& lo, int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = width - 1 - offset;
  hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, out);
  hi = std::clamp(hi, lo, out);
}

// Taps [k_begin, k_end) of one axis whose position start + k * dil lies in [lo, hi).
inline void tap_range(int64_t start, int64_t dil, int64_t kernel, int64_t lo, int64_t hi, int64_t& kb, int64_t& ke) {
  kb = 0, ke = kernel;
  while (kb < ke && start + kb * dil < lo) ++kb;
  while (ke > kb && start + (ke - 1) * dil >= hi) --ke;
}

struct Geometry {
  int64_t H, W, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw, pe_h, pe_w;
  explicit Geometry(const Window3d& g)
      : H(g.in[1]), W(g.in[2]), OH(g.out[1]), OW(g.out[2]), KH(g.kernel[1]), KW(g.kernel[2]), sh(g.stride[1]),
        sw(g.stride[2]), dh(g.dilation[1]), dw(g.dilation[2]), ph(g.pad_begin[1]), pw(g.pad_begin[2]),
        pe_h(g.pad_end[1]), pe_w(g.pad_end[2]) {}
};

// One output with bounds checks, as the reference computes it.
template <bool kMax>
inline float edge_point(const Geometry& g, const float* x, int64_t oh, int64_t ow, bool count_include_pad) {
  int64_t hb, he, wb, we;
  tap_range(oh * g.sh - g.ph, g.dh, g.KH, 0, g.H, hb, he);
  tap_range(ow * g.sw - g.pw, g.dw, g.KW, 0, g.W, wb, we);
  if constexpr (kMax) {
    float best = std::numeric_limits<float>::lowest();
    bool any = false;
    for (int64_t kh = hb; kh < he; ++kh) {
      const float* row = x + (oh * g.sh - g.ph + kh * g.dh) * g.W + ow * g.sw - g.pw;
      for (int64_t kw = wb; kw < we; ++kw) {
        const float v = row[kw * g.dw];
        if (v > best || (!any && v == v)) best = v, any = true;
      }
    }
    return best;
  } else {
    float sum = 0.0f;
    for (int64_t kh = hb; kh < he; ++kh) {
      const float* row = x + (oh * g.sh - g.ph + kh * g.dh) * g.W + ow * g.sw - g.pw;
      for (int64_t kw = wb; kw < we; ++kw) sum += row[kw * g.dw];
    }
    int64_t count = (he - hb) * (we - wb);
    if (count_include_pad) {
      tap_range(oh * g.sh - g.ph, g.dh, g.KH, -g.ph, g.H + g.pe_h, hb, he);
      tap_range(ow * g.sw - g.pw, g.dw, g.KW, -g.pw, g.W + g.pe_w, wb, we);
      count = (he - hb) * (we - wb);
    }
    return count > 0 ? sum / static_cast<float>(count) : 0.0f;
  }
}

// y[lo, hi) = op(y, x[ow * S]) for one tap; S is the stride when known at compile time, else 0.
template <bool kMax, int S>
inline void tap_row(const float* __restrict x, int64_t stride, float* __restrict y, int64_t lo, int64_t hi) {
  const int64_t s = S > 0 ? S : stride;
  for (int64_t ow = lo; ow < hi; ++ow) {
    const float v = x[ow * s];
    if constexpr (kMax) {
      y[ow] = v > y[ow] ? v : y[ow];
    } else {
      y[ow] += v;
    }
  }
}

// Max over the windows of a plane copied into a -inf bordered buffer (when padded): every output
// then takes the same unchecked row loop. For small planes (Inception's 14x14 and 7x7 3x3 stride-1
// pools) the bounds-checked edge columns and the per-row tap calls cost several times the maxima.
// Only for dilation 1 and pads under the kernel, where every window holds at least one input.
// 3x3 windows: all nine taps of an output in registers, vectorized across the row.
template <int S>
inline void max_rows_3x3(const Geometry& g, const float* src, int64_t ld, float* y) {
  const int64_t s = S > 0 ? S : g.sw;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    float* __restrict yr = y + oh * g.OW;
    const float* r0 = src + oh * g.sh * ld;
    const float *r1 = r0 + ld, *r2 = r1 + ld;
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      const int64_t i = ow * s;
      float m = -std::numeric_limits<float>::infinity();  // not r0[i]: a NaN there would stick
      const float v[9] = {r0[i], r0[i + 1], r0[i + 2], r1[i], r1[i + 1], r1[i + 2], r2[i], r2[i + 1], r2[i + 2]};
      for (float t : v) m = t > m ? t : m;
      yr[ow] = m;
    }
  }
}

template <int S>
inline void max_rows_padded(const Geometry& g, const float* src, int64_t ld, float* y) {
  if (g.KH == 3 && g.KW == 3) return max_rows_3x3<S>(g, src, ld, y);
  const int64_t s = S > 0 ? S : g.sw;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    float* __restrict yr = y + oh * g.OW;
    const float* r0 = src + oh * g.sh * ld;
    for (int64_t ow = 0; ow < g.OW; ++ow) yr[ow] = -std::numeric_limits<float>::infinity();
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const float* r = r0 + kh * ld;
      for (int64_t kw = 0; kw < g.KW; ++kw)
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const float v = r[kw + ow * s];
          yr[ow] = v > yr[ow] ? v : yr[ow];
        }
    }
  }
}

inline bool max_plane_padded(const Geometry& g, const float* x, float* y) {
  if (g.dh != 1 || g.dw != 1 || g.ph >= g.KH || g.pw >= g.KW || g.pe_h >= g.KH || g.pe_w >= g.KW) return false;
  const int64_t Hp = (g.OH - 1) * g.sh + g.KH, Wp = (g.OW - 1) * g.sw + g.KW;
  const float* src = x;
  int64_t ld = g.W;
  if (g.ph > 0 || g.pw > 0 || Hp > g.H || Wp > g.W) {
    thread_local std::vector<float> buffer;
    buffer.resize(static_cast<size_t>(Hp * Wp));
    const float lowest = -std::numeric_limits<float>::infinity();
    const int64_t copy = std::min(g.W, Wp - g.pw);  // input columns the windows reach
    for (int64_t hp = 0; hp < Hp; ++hp) {
      float* row = buffer.data() + hp * Wp;
      const int64_t h = hp - g.ph;
      if (h < 0 || h >= g.H) {
        std::fill(row, row + Wp, lowest);
        continue;
      }
      std::fill(row, row + g.pw, lowest);
      std::copy(x + h * g.W, x + h * g.W + copy, row + g.pw);
      std::fill(row + g.pw + copy, row + Wp, lowest);
    }
    src = buffer.data(), ld = Wp;
  }
  if (g.sw == 1)
    max_rows_padded<1>(g, src, ld, y);
  else if (g.sw == 2)
    max_rows_padded<2>(g, src, ld, y);
  else
    max_rows_padded<0>(g, src, ld, y);
  return true;
}

template <bool kMax>
inline void plane(const Window3d& win, const float* x, float* y, bool count_include_pad) {
  const Geometry g(win);
  if constexpr (kMax) {
    if (max_plane_padded(g, x, y)) return;
  }
  // Columns whose window is inside x horizontally: from the first and the last kernel column.
  int64_t lo, hi, lo_last, hi_last;
  valid_range(-g.pw, g.sw, g.W, g.OW, lo, hi);
  valid_range((g.KW - 1) * g.dw - g.pw, g.sw, g.W, g.OW, lo_last, hi_last);
  lo = std::max(lo, lo_last);
  hi = std::max(lo, std::min(hi, hi_last));
  auto row_fn = g.sw == 1 ? tap_row<kMax, 1> : g.sw == 2 ? tap_row<kMax, 2> : tap_row<kMax, 0>;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    float* yr = y + oh * g.OW;
    const int64_t ih0 = oh * g.sh - g.ph;
    int64_t hb, he;
    tap_range(ih0, g.dh, g.KH, 0, g.H, hb, he);
    for (int64_t ow = 0; ow < lo; ++ow) yr[ow] = edge_point<kMax>(g, x, oh, ow, count_include_pad);
    for (int64_t ow = hi; ow < g.OW; ++ow) yr[ow] = edge_point<kMax>(g, x, oh, ow, count_include_pad);
    if (lo == hi) continue;
    if (hb == he) {  // the window holds no input row
      for (int64_t ow = lo; ow < hi; ++ow) yr[ow] = edge_point<kMax>(g, x, oh, ow, count_include_pad);
      continue;
    }
    const float init = kMax ? -std::numeric_limits<float>::infinity() : 0.0f;
    for (int64_t ow = lo; ow < hi; ++ow) yr[ow] = init;
    for (int64_t kh = hb; kh < he; ++kh) {
      const float* row = x + (ih0 + kh * g.dh) * g.W - g.pw;
      for (int64_t kw = 0; kw < g.KW; ++kw) row_fn(row + kw * g.dw, g.sw, yr, lo, hi);
    }
    if constexpr (!kMax) {
      int64_t rows = he - hb;
      if (count_include_pad) {
        int64_t pb, pe;
        tap_range(ih0, g.dh, g.KH, -g.ph, g.H + g.pe_h, pb, pe);
        rows = pe - pb;
      }
      const float inv = static_cast<float>(rows * g.KW);
      for (int64_t ow = lo; ow < hi; ++ow) yr[ow] = yr[ow] / inv;
    }
  }
}

}  // namespace pool2d_body
}  // namespace
}  // namespace onyxrt::kernels
