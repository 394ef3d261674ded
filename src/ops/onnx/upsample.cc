// Upsample (ONNX opsets 1, 7, 9, 10; deprecated by Resize): nearest or (bi)linear with the
// asymmetric coordinate rule, scales from attributes (1: height_scale/width_scale on NCHW, 7:
// scales) or from the second input (9, 10). Shares Resize's planning and kernel.
#include <memory>

#include "ops/onnx/resize_params.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class UpsampleKernel final : public OpKernel {
 public:
  explicit UpsampleKernel(const ir::Node& node) : attrs_(parse_upsample_attributes(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    const ResizeInputs in = resize_inputs_from_context(ctx, attrs_);
    for (double s : in.scales)
      if (s < 1.0)
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": Upsample scales must be >= 1");
    run_resize(ctx, attrs_, plan_resize(attrs_, X.shape(), in, ctx.node()), X, 0);
  }

 private:
  ResizeAttributes attrs_;
};

std::unique_ptr<OpKernel> make_upsample(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !resize_dtype_supported(t)) unsupported_type(node, 0, t);
  return std::make_unique<UpsampleKernel>(node);
}

void infer_upsample(ir::InferenceContext& ctx) { infer_resize_output(ctx, parse_upsample_attributes(ctx.node())); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Upsample", 1, 6, make_upsample, infer_upsample});
ONYXRT_REGISTER_OP({"", "Upsample", 7, 8, make_upsample, infer_upsample});
ONYXRT_REGISTER_OP({"", "Upsample", 9, 9, make_upsample, infer_upsample});
ONYXRT_REGISTER_OP({"", "Upsample", 10, kMaxOpset, make_upsample, infer_upsample});

}  // namespace onyxrt::ops
