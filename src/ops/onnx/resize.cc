// Resize (ONNX opsets 10, 11, 13, 18, 19). Inputs by opset:
//   10: X, scales.   11+: X, roi, scales, sizes (exactly one of scales/sizes non-empty).
// Attributes: mode (nearest | linear | cubic), coordinate_transformation_mode (11+; opset 10 is
// asymmetric), nearest_mode (11+; opset 10 rounds like onnxruntime's Upsample), cubic_coeff_a,
// exclude_outside, extrapolation_value; 18+: antialias, axes, keep_aspect_ratio_policy; 19 adds
// half_pixel_symmetric. The output size is floor(in * scale) for scales; for sizes the scale is
// out / in, or with keep_aspect_ratio_policy not_larger / not_smaller one common scale with
// round-half-up sizes. The work is the separable kernel in kernels/ref/resize.h.
#include <cmath>
#include <memory>

#include "kernels/ref/resize.h"
#include "ops/onnx/resize_params.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class ResizeKernel final : public OpKernel {
 public:
  explicit ResizeKernel(const ir::Node& node) : attrs_(parse_resize_attributes(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    const ResizeInputs in = resize_inputs_from_context(ctx, attrs_);
    const ResizePlan plan = plan_resize(attrs_, X.shape(), in, ctx.node());
    run_resize(ctx, attrs_, plan, X, 0);
  }

 private:
  ResizeAttributes attrs_;
};

std::unique_ptr<OpKernel> make_resize(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !resize_dtype_supported(t)) unsupported_type(node, 0, t);
  return std::make_unique<ResizeKernel>(node);
}

void infer_resize(ir::InferenceContext& ctx) { infer_resize_output(ctx, parse_resize_attributes(ctx.node())); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Resize", 10, 10, make_resize, infer_resize});
ONYXRT_REGISTER_OP({"", "Resize", 11, 12, make_resize, infer_resize});
ONYXRT_REGISTER_OP({"", "Resize", 13, 17, make_resize, infer_resize});
ONYXRT_REGISTER_OP({"", "Resize", 18, 18, make_resize, infer_resize});
ONYXRT_REGISTER_OP({"", "Resize", 19, kMaxOpset, make_resize, infer_resize});

}  // namespace onyxrt::ops
