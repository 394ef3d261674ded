// com.microsoft FusedConv (opset 1): Y = activation(Conv(X, W, B) + Z), what onnxruntime's
// Conv+activation (and Conv+Add+Relu) fusions write. Conv attributes as ONNX Conv; `activation` is
// one of Relu, Tanh, Sigmoid, LeakyRelu (alpha), Clip (min, max), HardSigmoid (alpha, beta), with
// its parameters in `activation_params`; Z (optional input 3) has Y's shape. Runs Conv's path
// (ops/onnx/conv_runner.h) with the activation and Z fused into its epilogue.
#include <memory>
#include <string>
#include <vector>

#include "ops/contrib/float_inputs.h"
#include "ops/onnx/conv_runner.h"

namespace onyxrt::ops::contrib {
namespace {

using Kind = kernels::ConvActivation::Kind;

kernels::ConvActivation parse_activation(const ir::Node& node) {
  const std::string name = node.get_string("activation", "");
  const std::vector<float> params = node.get_floats("activation_params");
  auto need = [&](size_t n) {
    if (params.size() != n)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": activation " + name + " needs " + std::to_string(n) +
                                               " activation_params, got " + std::to_string(params.size()));
  };
  kernels::ConvActivation a;
  if (name.empty() || name == "Identity") {
    a.kind = Kind::kNone;
  } else if (name == "Relu") {
    a.kind = Kind::kRelu;
  } else if (name == "Tanh") {
    a.kind = Kind::kTanh;
  } else if (name == "Sigmoid") {
    a.kind = Kind::kSigmoid;
  } else if (name == "LeakyRelu") {
    need(1);
    a = {Kind::kLeakyRelu, params[0], 0};
  } else if (name == "Clip") {
    need(2);
    a = {Kind::kClip, params[0], params[1]};
  } else if (name == "HardSigmoid") {
    need(2);
    a = {Kind::kHardSigmoid, params[0], params[1]};
  } else {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": activation '" + name + "' is not supported");
  }
  return a;
}

class FusedConvKernel final : public OpKernel {
 public:
  explicit FusedConvKernel(const ir::Node& node) : cfg_(parse_conv_config(node)) { cfg_.act = parse_activation(node); }

  void compute(KernelContext& ctx) const override { run_conv(cfg_, ctx, /*z_input=*/3); }
  bool prepack(const PrepackContext& ctx) override { return prepack_conv(cfg_, ctx); }

 private:
  ConvConfig cfg_;
};

std::unique_ptr<OpKernel> make_fused_conv(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 3});
  return std::make_unique<FusedConvKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "FusedConv", 1, kMaxOpset, make_fused_conv, infer_conv_output});

}  // namespace onyxrt::ops::contrib
