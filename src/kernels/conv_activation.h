// The activation a fused convolution applies to its output (com.microsoft FusedConv, and the
// Conv+Clip / Conv+Relu fusions): the kinds SgemmEpilogue can apply per tile, plus the
// transcendental ones that run as a pass over the finished output.
#pragma once
#include <cstdint>

#include "kernels/sgemm.h"

namespace onyxrt::kernels {

struct ConvActivation {
  enum class Kind { kNone, kRelu, kClip, kLeakyRelu, kSigmoid, kTanh, kHardSigmoid };
  Kind kind = Kind::kNone;
  float alpha = 0.0f;  // kClip: min; kLeakyRelu: slope; kHardSigmoid: alpha
  float beta = 0.0f;   // kClip: max; kHardSigmoid: beta

  // True when SgemmEpilogue can apply it while a C tile is hot.
  bool fits_sgemm_epilogue() const {
    return kind == Kind::kNone || kind == Kind::kRelu || kind == Kind::kClip || kind == Kind::kLeakyRelu;
  }
  // Sets `ep`'s activation fields; only when fits_sgemm_epilogue().
  void to_sgemm_epilogue(SgemmEpilogue& ep) const;
};

// y[i] = act(y[i] + (z ? z[i] : 0)) for i in [0, n): the epilogue of kernels that do not go
// through SGEMM (depthwise) and the pass for activations SGEMM cannot fuse.
void apply_conv_activation(const ConvActivation& act, const float* z, float* y, int64_t n);

}  // namespace onyxrt::kernels
