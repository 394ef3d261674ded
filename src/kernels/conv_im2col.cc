#include "kernels/conv_im2col.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace onyxrt::kernels {
namespace {

// Output columns [lo, hi) whose input column ow * stride + offset lies in [0, width).
void valid_columns(int64_t offset, int64_t stride, int64_t width, int64_t out_w, int64_t& lo, int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = width - 1 - offset;
  hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, out_w);
  hi = std::clamp(hi, lo, out_w);
}

// Runs here are a panel's width (16-32 floats) or less: a plain loop the compiler vectorizes
// beats a memcpy call per run.
inline void copy_run(const float* __restrict src, float* __restrict dst, int64_t n) {
  if (n == 16) {
    std::memcpy(dst, src, 16 * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
}

// dst[ow] = src[2 * ow] for ow in [a, b): stride-2 convolutions. Four at a time from two loads
// while the second load stays inside the row (it reads up to src[2 * ow + 7]).
inline void gather_even(const float* src, float* dst, int64_t a, int64_t b) {
  int64_t ow = a;
#if defined(__SSE2__)
  for (; ow + 4 < b; ow += 4) {
    const __m128 lo = _mm_loadu_ps(src + 2 * ow), hi = _mm_loadu_ps(src + 2 * ow + 4);
    _mm_storeu_ps(dst + ow, _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0)));
  }
#endif
  for (; ow < b; ++ow) dst[ow] = src[2 * ow];
}

}  // namespace

bool im2col_2d_supports(const Window3d& w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 && w.pad_end[0] == 0;
}

void im2col_2d_f32(const Window3d& g, int64_t row_begin, int64_t row_end, const float* x, float* col) {
  const int64_t H = g.in[1], W = g.in[2], OH = g.out[1], OW = g.out[2];
  const int64_t KH = g.kernel[1], KW = g.kernel[2], sh = g.stride[1], sw = g.stride[2];
  const int64_t P = OH * OW;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t kw = r % KW, kh = (r / KW) % KH, c = r / (KW * KH);
    const float* plane = x + c * H * W;
    float* dst = col + r * P;
    const int64_t off_w = kw * g.dilation[2] - g.pad_begin[2];
    int64_t lo, hi;
    valid_columns(off_w, sw, W, OW, lo, hi);
    for (int64_t oh = 0; oh < OH; ++oh, dst += OW) {
      const int64_t ih = oh * sh - g.pad_begin[1] + kh * g.dilation[1];
      if (ih < 0 || ih >= H) {
        std::memset(dst, 0, static_cast<size_t>(OW) * sizeof(float));
        continue;
      }
      const float* src = plane + ih * W + off_w;
      for (int64_t ow = 0; ow < lo; ++ow) dst[ow] = 0.0f;
      if (sw == 1) {
        std::memcpy(dst + lo, src + lo, static_cast<size_t>(hi - lo) * sizeof(float));
      } else if (sw == 2) {
        for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[2 * ow];
      } else {
        for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[ow * sw];
      }
      for (int64_t ow = hi; ow < OW; ++ow) dst[ow] = 0.0f;
    }
  }
}

void im2col_2d_pack_f32(const Window3d& g, const float* x, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr,
                        float* dst) {
  const int64_t H = g.in[1], W = g.in[2], OW = g.out[2];
  const int64_t KH = g.kernel[1], KW = g.kernel[2], sh = g.stride[1], sw = g.stride[2];
  // A panel's columns are consecutive output pixels: split them, once per call, into runs within
  // one output row. The K loop is outside the panel loop so that everything that depends only on
  // the column-matrix row (plane, kernel offsets, valid columns) is worked out once per row.
  struct Run {
    float* out;      // first float of the run in the panel's row 0
    int64_t ih0;     // input row for kernel row 0
    int64_t ow, len;
  };
  thread_local std::vector<Run> runs;
  thread_local std::vector<float*> tails;  // per panel: the zero columns past nc, or null
  runs.clear();
  tails.clear();
  for (int64_t q = 0; q < nc; q += nr) {
    float* panel = dst + (q / nr) * kc * nr;
    const int64_t cols = std::min<int64_t>(nr, nc - q);
    for (int64_t jj = 0; jj < cols;) {
      const int64_t pix = j0 + q + jj, oh = pix / OW, ow = pix % OW;
      const int64_t len = std::min(cols - jj, OW - ow);
      runs.push_back({panel + jj, oh * sh - g.pad_begin[1], ow, len});
      jj += len;
    }
    tails.push_back(cols < nr ? panel + cols : nullptr);
  }
  const int64_t tail_len = nr - (nc - (nc - 1) / nr * nr);
  // Row p0 + k of the column matrix is (c, kh, kw); stepped, not divided out per row.
  int64_t kw = p0 % KW, kh = (p0 / KW) % KH, c = p0 / (KW * KH);
  for (int64_t k = 0; k < kc; ++k) {
    if (k > 0 && ++kw == KW) {
      kw = 0;
      if (++kh == KH) kh = 0, ++c;
    }
    const float* plane = x + c * H * W;
    const int64_t off_w = kw * g.dilation[2] - g.pad_begin[2], dh = kh * g.dilation[1];
    int64_t lo, hi;  // output columns whose input column is inside the image
    valid_columns(off_w, sw, W, OW, lo, hi);
    const int64_t row = k * nr;
    for (const Run& run : runs) {
      float* out = run.out + row;
      const int64_t ih = run.ih0 + dh;
      if (ih < 0 || ih >= H) {
        for (int64_t j = 0; j < run.len; ++j) out[j] = 0.0f;
        continue;
      }
      const float* src = plane + ih * W + off_w;
      const int64_t end = run.ow + run.len;
      if (sw == 1 && run.len == 16 && lo <= run.ow && end <= hi) {  // the common interior run
        std::memcpy(out, src + run.ow, 16 * sizeof(float));
        continue;
      }
      const int64_t a = std::clamp(lo, run.ow, end), b = std::clamp(hi, a, end);
      for (int64_t ow = run.ow; ow < a; ++ow) out[ow - run.ow] = 0.0f;
      if (sw == 1) {
        copy_run(src + a, out + (a - run.ow), b - a);
      } else if (sw == 2) {
        gather_even(src, out - run.ow, a, b);
      } else {
        for (int64_t ow = a; ow < b; ++ow) out[ow - run.ow] = src[ow * sw];
      }
      for (int64_t ow = b; ow < end; ++ow) out[ow - run.ow] = 0.0f;
    }
    for (float* tail : tails)
      if (tail)
        for (int64_t j = 0; j < tail_len; ++j) tail[row + j] = 0.0f;
  }
}

}  // namespace onyxrt::kernels
