// AVX2+FMA Winograd F(4x4, 3x3) tile transforms: one ymm holds one pixel's block of 8 channels.
#include <immintrin.h>

#include "kernels/conv_winograd_body.h"
#include "kernels/x86/avx2/conv_activation_avx2.h"

namespace onyxrt::kernels {
namespace {

struct Ymm8 {
  using V = __m256;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V zero() { return _mm256_setzero_ps(); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V fma(float c, V a, V b) { return _mm256_fmadd_ps(_mm256_set1_ps(c), a, b); }
  template <typename F>
  static void with_activation(const ConvActivation& act, F&& f) {
    avx2::with_activation(act, f);
  }
};

}  // namespace

void f32_winograd_avx2_input(const WinogradInputTile& t) { winograd_body::input<Ymm8>(t); }
void f32_winograd_avx2_output(const WinogradOutputTile& t) { winograd_body::output<Ymm8>(t); }

}  // namespace onyxrt::kernels
