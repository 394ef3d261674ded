// What the com.onyxrt.nchwc operators share. Their tensors are NCHW8c: shape [N, Cp, spatial...]
// with Cp the channel count rounded up to 8, memory [N][Cp / 8][spatial...][8]. Only the layout
// pass (opt/nchwc_layout.cc) writes these nodes; they check their inputs all the same, since a
// saved or hand-made model can hold them.
#pragma once
#include <string>

#include "ops/registry.h"

namespace onyxrt::ops::nchwc {

inline constexpr const char* kDomain = "com.onyxrt.nchwc";

// X must be a float tensor of rank 4 ([N, C, H, W]) whose channel count is a multiple of 8.
void check_blocked_input(const ir::Node& node, const Tensor& X, const char* what);

// Shape inference: output 0 as input 0 with dim 1 replaced by `channels` rounded up to 8
// (unknown when `channels` < 0).
void infer_with_channels(ir::InferenceContext& ctx, const ir::SymShape& shape, int64_t channels);

}  // namespace onyxrt::ops::nchwc
