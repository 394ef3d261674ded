// What Conv and com.microsoft FusedConv share: attribute parsing, input checks, output shape,
// and the dispatch by element type to the one float path (kernels/conv_f32.h), the reference
// path for double, and float16/bfloat16 by conversion to float. FusedConv adds an activation and
// the residual input Z; Conv is FusedConv without them.
#pragma once
#include <cstdint>
#include <memory>

#include "kernels/conv_activation.h"
#include "kernels/conv_f32.h"
#include "ops/common/conv_geometry.h"
#include "ops/registry.h"

namespace onyxrt::ops {

struct ConvConfig {
  WindowAttributes attrs;
  int64_t group = 1;
  kernels::ConvActivation act;
  bool shuffle_output = false;  // kernels::ConvF32Args::shuffle_output (not for double)
  // Float filters packed at session creation (prepack_conv), and the constant they came from:
  // used only when a call's W is that very tensor.
  std::shared_ptr<const kernels::ConvPackedWeights> packed_w;
  const void* packed_from = nullptr;
};

// OpKernel::prepack for Conv-like kernels: packs a constant float W (input 1) for the SGEMM,
// except depthwise filters, which run on their own kernel. Returns true when it packed.
bool prepack_conv(ConvConfig& cfg, const PrepackContext& ctx);

// Window attributes and group of a Conv-like node; raises InvalidGraph for a non-positive group.
ConvConfig parse_conv_config(const ir::Node& node);

// The `activation` / `activation_params` attributes of FusedConv-like nodes: one of Relu, Tanh,
// Sigmoid, LeakyRelu (alpha), Clip (min, max), HardSigmoid (alpha, beta); none when absent.
kernels::ConvActivation parse_conv_activation(const ir::Node& node);

// The window of a Conv-like node over `in_spatial`: kernel_shape from W when the attribute is
// absent; raises InvalidArgument when the two differ.
kernels::Window3d conv_window(const ConvConfig& cfg, const ir::Node& node, const Tensor& W, const Shape& in_spatial);

// True for the element types run_conv computes.
bool conv_dtype_supported(DataType t);

// Y = act(Conv(X, W, B) + Z) from inputs 0 (X), 1 (W), optional 2 (B) and input `z_input` when
// it is >= 0 and present, into output 0.
void run_conv(const ConvConfig& cfg, KernelContext& ctx, int z_input);

// Output type and shape of a Conv-like node (shared shape inference).
ir::TypeInfo conv_output_type(ir::InferenceContext& ctx);
void infer_conv_output(ir::InferenceContext& ctx);

}  // namespace onyxrt::ops
