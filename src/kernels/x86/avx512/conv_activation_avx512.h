// The activations the AVX-512 convolution kernels apply as they store: the formulas of the AVX2
// ones (x86/avx2/conv_activation_avx2.h) lane for lane, so that both give the same bits, and the
// dispatch that picks one per call rather than per vector. Included only by files compiled for
// AVX-512.
#pragma once
#include <immintrin.h>

#include "kernels/conv_activation.h"

namespace onyxrt::kernels::avx512 {

// f(act_fn) with act_fn the activation (alpha and beta broadcast once) as a callable on __m512.
template <typename F>
[[gnu::always_inline]] inline void with_activation(const ConvActivation& act, F&& f) {
  using Kind = ConvActivation::Kind;
  const __m512 lo = _mm512_set1_ps(act.alpha), hi = _mm512_set1_ps(act.beta), zero = _mm512_setzero_ps();
  switch (act.kind) {
    case Kind::kRelu: return f([zero](__m512 v) { return _mm512_max_ps(v, zero); });
    case Kind::kClip: return f([lo, hi](__m512 v) { return _mm512_min_ps(hi, _mm512_max_ps(lo, v)); });
    case Kind::kLeakyRelu:
      return f([lo, zero](__m512 v) { return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, lo); });
    default: return f([](__m512 v) { return v; });
  }
}

}  // namespace onyxrt::kernels::avx512
