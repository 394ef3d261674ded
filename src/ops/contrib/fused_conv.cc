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

class FusedConvKernel final : public OpKernel {
 public:
  explicit FusedConvKernel(const ir::Node& node) : cfg_(parse_conv_config(node)) { cfg_.act = parse_conv_activation(node); }

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
