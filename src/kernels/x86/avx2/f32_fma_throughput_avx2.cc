// 12 independent ymm FMA chains: more than latency (4) x pipes (2), so the loop is bound by FMA
// throughput alone.
#include <immintrin.h>

#include <cstdint>

namespace onyxrt::kernels {

int64_t f32_fma_throughput_avx2(int64_t iterations, float* sink) {
  constexpr int kChains = 12;
  __m256 acc[kChains];
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
#pragma GCC unroll 12
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  }
  __m256 sum = acc[0];
#pragma GCC unroll 12
  for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  _mm256_storeu_ps(sink, sum);
  return iterations * kChains * 8 * 2;
}

}  // namespace onyxrt::kernels
