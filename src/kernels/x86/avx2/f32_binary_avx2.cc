// Float binary kernels on 8-lane AVX registers (kernels/binary_f32_body.h).
#include <immintrin.h>

#include "kernels/binary_f32_body.h"

namespace onyxrt::kernels {
namespace {

struct Avx2Lanes {
  using reg = __m256;
  static constexpr int width = 8;
  static reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, reg r) { _mm256_storeu_ps(p, r); }
  static reg set1(float f) { return _mm256_set1_ps(f); }
  static reg add(reg a, reg b) { return _mm256_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm256_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm256_div_ps(a, b); }
};

}  // namespace

constinit const BinaryF32Kernels f32_binary_avx2 = binary_f32_body::table<Avx2Lanes>();

}  // namespace onyxrt::kernels
