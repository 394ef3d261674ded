#include "kernels/conv_activation.h"

#include <algorithm>
#include <cmath>

namespace onyxrt::kernels {

void ConvActivation::to_sgemm_epilogue(SgemmEpilogue& ep) const {
  using A = SgemmEpilogue::Activation;
  switch (kind) {
    case Kind::kRelu: ep.activation = A::kRelu; break;
    case Kind::kClip: ep.activation = A::kClip; break;
    case Kind::kLeakyRelu: ep.activation = A::kLeakyRelu; break;
    default: ep.activation = A::kNone; break;
  }
  ep.alpha = alpha;
  ep.beta = beta;
}

void apply_conv_activation(const ConvActivation& act, const float* z, float* y, int64_t n) {
  using K = ConvActivation::Kind;
  if (z != nullptr)
    for (int64_t i = 0; i < n; ++i) y[i] += z[i];
  const float a = act.alpha, b = act.beta;
  switch (act.kind) {
    case K::kNone: break;
    case K::kRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = std::max(y[i], 0.0f);
      break;
    case K::kClip:
      for (int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(y[i], a), b);
      break;
    case K::kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) y[i] = y[i] >= 0.0f ? y[i] : a * y[i];
      break;
    case K::kSigmoid:
      for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-y[i]));
      break;
    case K::kTanh:
      for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(y[i]);
      break;
    case K::kHardSigmoid:
      for (int64_t i = 0; i < n; ++i) y[i] = std::max(0.0f, std::min(1.0f, a * y[i] + b));
      break;
  }
}

}  // namespace onyxrt::kernels
