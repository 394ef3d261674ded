// 24 independent zmm FMA chains: more than latency (4) x pipes (2) on every AVX-512 core.
#include <immintrin.h>

#include <cstdint>

namespace onyxrt::kernels {

int64_t f32_fma_throughput_avx512(int64_t iterations, float* sink) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
#pragma GCC unroll 24
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 24
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
  }
  __m512 sum = acc[0];
#pragma GCC unroll 24
  for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  _mm512_storeu_ps(sink, sum);
  return iterations * kChains * 16 * 2;
}

}  // namespace onyxrt::kernels
