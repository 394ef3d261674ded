// Vectorized float math for the element-wise activations, Softmax and the layer norms: exp, tanh,
// erf, sigmoid and the GELU forms as polynomial kernels (no libm calls), plus whole-row Softmax,
// LogSoftmax and layer-norm kernels. Accuracy: within 3 ulp of the correctly rounded result over
// the whole float range (tests/kernels/vmath_accuracy_test.cc sweeps it), NaN in gives NaN out.
//
// One plain C++ body (vmath_body.h, softmax_body.h, layer_norm_body.h) written with GCC vector
// types is compiled once per ISA with that ISA's register width; ONYXRT_VMATH_VARIANTS is the one
// list that declares the variants, dispatches among them and drives their tests.
#pragma once
#include <cstdint>
#include <span>

#include "core/cpu_features.h"

namespace onyxrt::kernels {

// The element-wise functions. `VParams` carries their attributes: LeakyRelu/Elu/QuickGelu alpha
// in a; HardSigmoid alpha, beta and HardSwish 1/6, 1/2 in a, b; Clip lo, hi in a, b.
enum class VOp : int {
  Exp, Tanh, Erf, Sigmoid, Relu, LeakyRelu, HardSigmoid, HardSwish, Elu, Clip,
  GeluErf,   // 0.5 x (1 + erf(x / sqrt 2))
  GeluTanh,  // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
  QuickGelu, // x sigmoid(a x)
  Count
};
struct VParams {
  float a = 0, b = 0;
};

// y[i] = f(x[i] + bias[i]) for i < n; bias may be null. x and y may alias.
using VUnaryFn = void (*)(const float* x, const float* bias, float* y, int64_t n, VParams p);

// One row of a layer norm over n contiguous values:
//   v = x (+ skip) (+ bias)                       stored to `sum` when not null
//   simplified: y = v * inv_rms * gamma            (RMS norm; mean reported as 0)
//   otherwise:  y = (v - mean) * inv_std * gamma (+ beta)
// gamma may be null (scale 1). Statistics are float, accumulated lane-wise in two passes.
struct LayerNormRow {
  const float* x = nullptr;
  const float* skip = nullptr;
  const float* bias = nullptr;
  const float* gamma = nullptr;
  const float* beta = nullptr;
  float* y = nullptr;
  float* sum = nullptr;
  int64_t n = 0;
  float epsilon = 0;
  bool simplified = false;
};

struct VMathKernels {
  VUnaryFn unary[static_cast<int>(VOp::Count)];
  // Softmax / LogSoftmax of one contiguous row of n >= 1 values; x and y may alias.
  void (*softmax_row)(const float* x, float* y, int64_t n);
  void (*log_softmax_row)(const float* x, float* y, int64_t n);
  // Writes the row's mean and inverse standard deviation (or inverse RMS).
  void (*layer_norm_row)(const LayerNormRow& row, float* mean, float* inv_std);
};

// X(name, cpu_predicate)
#define ONYXRT_VMATH_VARIANTS(X)                                                             \
  X(f32_vmath_avx512, [](const CpuFeatures& f) { return f.has_avx512_core() && f.fma; }) \
  X(f32_vmath_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); })                \
  X(f32_vmath_portable, [](const CpuFeatures&) { return true; })

#define ONYXRT_DECLARE_VMATH_VARIANT(name, pred) const VMathKernels& name();
ONYXRT_VMATH_VARIANTS(ONYXRT_DECLARE_VMATH_VARIANT)
#undef ONYXRT_DECLARE_VMATH_VARIANT

struct VMathVariant {
  const char* name;
  bool (*supported)(const CpuFeatures&);
  const VMathKernels& (*kernels)();
};

// Every variant compiled in, best first.
std::span<const VMathVariant> vmath_variants();
// The kernels of the first variant cpu_features() supports; chosen once.
const VMathKernels& vmath();

// Elements per parallel_for block for the element-wise ops: big enough to pay for a task switch.
inline constexpr int64_t kVMathMinBlock = 1 << 14;

}  // namespace onyxrt::kernels
