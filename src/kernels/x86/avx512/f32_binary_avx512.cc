// Float binary kernels on 16-lane AVX-512 registers (kernels/binary_f32_body.h).
#include <immintrin.h>

#include "kernels/binary_f32_body.h"

namespace onyxrt::kernels {
namespace {

struct Avx512Lanes {
  using reg = __m512;
  static constexpr int width = 16;
  static reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, reg r) { _mm512_storeu_ps(p, r); }
  static reg set1(float f) { return _mm512_set1_ps(f); }
  static reg add(reg a, reg b) { return _mm512_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm512_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm512_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm512_div_ps(a, b); }
};

}  // namespace

constinit const BinaryF32Kernels f32_binary_avx512 = binary_f32_body::table<Avx512Lanes>();

}  // namespace onyxrt::kernels
