// The scaled-dot-product core shared by com.microsoft Attention and MultiHeadAttention, on
// contiguous float operands already split into heads:
//   Q [B, N, S, H], K [B, N, T, H], V [B, N, T, Hv]  ->  out [B, S, N * Hv]
// out = softmax(scale * Q K^T + additive(b, n, s, t)) V, computed in double. Masks arrive as the
// additive term, as onnxruntime applies them (mask_filter_value, not -inf, for masked keys), so a
// fully masked row averages V as onnxruntime's does.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace onyxrt::ops::contrib {

struct AttentionDims {
  int64_t B = 0, N = 0, S = 0, T = 0, H = 0, Hv = 0;
};

template <typename Additive>
void attention_core(ThreadPool* pool, const AttentionDims& d, float scale, const float* q, const float* k,
                    const float* v, Additive&& additive, float* out) {
  ThreadPool::parallel_for(pool, d.B * d.N * d.S, 1, [&](int64_t i0, int64_t i1) {
    std::vector<double> p(static_cast<size_t>(d.T)), acc(static_cast<size_t>(d.Hv));
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t s = i % d.S, n = (i / d.S) % d.N, b = i / (d.S * d.N);
      const float* qr = q + ((b * d.N + n) * d.S + s) * d.H;
      const float* kb = k + (b * d.N + n) * d.T * d.H;
      const float* vb = v + (b * d.N + n) * d.T * d.Hv;
      double mx = -INFINITY;
      for (int64_t t = 0; t < d.T; ++t) {
        double dot = 0;
        for (int64_t h = 0; h < d.H; ++h) dot += static_cast<double>(qr[h]) * kb[t * d.H + h];
        p[t] = dot * scale + static_cast<double>(additive(b, n, s, t));
        mx = std::max(mx, p[t]);
      }
      double sum = 0;
      for (int64_t t = 0; t < d.T; ++t) sum += (p[t] = std::exp(p[t] - mx));
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t t = 0; t < d.T; ++t)
        for (int64_t h = 0; h < d.Hv; ++h) acc[h] += p[t] / sum * vb[t * d.Hv + h];
      float* o = out + ((b * d.S + s) * d.N + n) * d.Hv;
      for (int64_t h = 0; h < d.Hv; ++h) o[h] = static_cast<float>(acc[h]);
    }
  });
}

// Copies rows of a [B, S, N * H] tensor (row stride `row_stride`, heads starting at `offset`
// within a row) into [B, N, S, H], adding bias[h + n * H] when bias is non-null.
inline void split_heads(const float* src, int64_t B, int64_t S, int64_t N, int64_t H, int64_t row_stride,
                        int64_t offset, const float* bias, float* dst) {
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t n = 0; n < N; ++n) {
        const float* r = src + (b * S + s) * row_stride + offset + n * H;
        float* o = dst + ((b * N + n) * S + s) * H;
        for (int64_t h = 0; h < H; ++h) o[h] = r[h] + (bias ? bias[n * H + h] : 0.0f);
      }
}

// dst [B, N, P + T, H] = concat(past [B, N, P, H], cur [B, N, T, H]) along the sequence.
inline void concat_past(const float* past, const float* cur, int64_t B, int64_t N, int64_t P, int64_t T, int64_t H,
                        float* dst) {
  for (int64_t bn = 0; bn < B * N; ++bn) {
    float* o = dst + bn * (P + T) * H;
    if (P > 0) std::copy(past + bn * P * H, past + (bn + 1) * P * H, o);
    std::copy(cur + bn * T * H, cur + (bn + 1) * T * H, o + P * H);
  }
}

}  // namespace onyxrt::ops::contrib
