// The activations the AVX2 convolution tiles apply as they store, one formula each, and the
// dispatch that picks one per call rather than per vector (a per-row switch showed in profiles
// of the depthwise tile). Included only by files compiled for AVX2.
#pragma once
#include <immintrin.h>

#include "kernels/conv_activation.h"

namespace onyxrt::kernels::avx2 {

inline __m256 relu_v(__m256 v) { return _mm256_max_ps(v, _mm256_setzero_ps()); }
inline __m256 clip_v(__m256 v, __m256 lo, __m256 hi) {  // NaN passes, as in the portable step
  return _mm256_min_ps(hi, _mm256_max_ps(lo, v));
}
inline __m256 leaky_v(__m256 v, __m256 alpha) {
  return _mm256_blendv_ps(v, _mm256_mul_ps(v, alpha), _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
}

// f(act_fn) with act_fn the activation (alpha and beta broadcast once) as a callable on __m256.
template <typename F>
inline void with_activation(const ConvActivation& act, F&& f) {
  using Kind = ConvActivation::Kind;
  const __m256 lo = _mm256_set1_ps(act.alpha), hi = _mm256_set1_ps(act.beta);
  switch (act.kind) {
    case Kind::kRelu: return f(relu_v);
    case Kind::kClip: return f([lo, hi](__m256 v) { return clip_v(v, lo, hi); });
    case Kind::kLeakyRelu: return f([lo](__m256 v) { return leaky_v(v, lo); });
    default: return f([](__m256 v) { return v; });
  }
}

}  // namespace onyxrt::kernels::avx2
