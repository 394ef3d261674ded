// The parts of Resize that Upsample shares: attribute parsing per opset, reading roi / scales /
// sizes, planning output sizes and per-axis scales, running the separable kernel over any
// supported element type, and shape inference.
#pragma once
#include <string>
#include <vector>

#include "kernels/ref/resize.h"
#include "ops/registry.h"

namespace onyxrt::ops {

enum class KeepAspectRatio { Stretch, NotLarger, NotSmaller };

struct ResizeAttributes {
  kernels::ResizeOptions options;
  std::vector<int64_t> axes;  // empty: every axis
  KeepAspectRatio keep_aspect = KeepAspectRatio::Stretch;
  int roi_input = -1;     // input index of roi, -1 when the opset has none
  int scales_input = -1;  // input index of scales, -1 when scales come from attributes
  int sizes_input = -1;
  std::vector<float> scales_attr;  // Upsample opsets 1 and 7
};

ResizeAttributes parse_resize_attributes(const ir::Node& node);
ResizeAttributes parse_upsample_attributes(const ir::Node& node);

struct ResizeInputs {
  std::vector<double> roi, scales;
  std::vector<int64_t> sizes;
};
ResizeInputs resize_inputs_from_context(KernelContext& ctx, const ResizeAttributes& attrs);

struct ResizePlan {
  Shape out_shape;
  std::vector<kernels::ResizeAxis> axes;  // one per dim of X
};
ResizePlan plan_resize(const ResizeAttributes& attrs, const Shape& x_shape, const ResizeInputs& in,
                       const ir::Node& node);

bool resize_dtype_supported(DataType t);
// Resizes X into output `out_index` of ctx following plan.
void run_resize(KernelContext& ctx, const ResizeAttributes& attrs, const ResizePlan& plan, const Tensor& X,
                int out_index);

void infer_resize_output(ir::InferenceContext& ctx, const ResizeAttributes& attrs);

}  // namespace onyxrt::ops
