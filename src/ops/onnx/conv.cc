// Conv (ONNX opsets 1, 11, 22): N-d convolution (1-3 spatial dims) with groups, strides,
// dilations, explicit pads or auto_pad, and an optional bias. The work is in conv_runner.h (shared
// with com.microsoft FusedConv): the fast float path, double by the reference kernels, float16
// (and bfloat16 from opset 22) through float. The three opsets differ only in the type list.
#include <memory>

#include "ops/onnx/conv_runner.h"

namespace onyxrt::ops {
namespace {

class ConvKernel final : public OpKernel {
 public:
  explicit ConvKernel(const ir::Node& node) : cfg_(parse_conv_config(node)) {}

  void compute(KernelContext& ctx) const override { run_conv(cfg_, ctx, /*z_input=*/-1); }
  bool prepack(const PrepackContext& ctx) override { return prepack_conv(cfg_, ctx); }

 private:
  ConvConfig cfg_;
};

std::unique_ptr<OpKernel> make_conv(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t == DataType::Undefined) continue;
    if (!conv_dtype_supported(t) || (t == DataType::BFloat16 && node.opset < 22)) unsupported_type(node, i, t);
  }
  return std::make_unique<ConvKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Conv", 1, 10, make_conv, infer_conv_output});
ONYXRT_REGISTER_OP({"", "Conv", 11, 21, make_conv, infer_conv_output});
ONYXRT_REGISTER_OP({"", "Conv", 22, kMaxOpset, make_conv, infer_conv_output});

}  // namespace onyxrt::ops
