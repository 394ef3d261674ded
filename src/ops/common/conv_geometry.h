// Window geometry shared by Conv and the pooling ops: the attributes kernel_shape, strides,
// dilations, pads, auto_pad and ceil_mode, and the output size and effective pads they give for a
// given input. Follows the ONNX Conv/MaxPool/AveragePool specs (auto_pad SAME_* pads so that
// out = ceil(in / stride); ceil_mode drops a last window that would start inside the end pad, as
// onnxruntime and PyTorch do).
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "ir/shape_inference.h"
#include "kernels/ref/window.h"

namespace onyxrt::ops {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };

struct WindowAttributes {
  std::vector<int64_t> kernel_shape;  // empty until known (Conv may take it from W)
  std::vector<int64_t> strides;       // one per spatial dim after resolve()
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;          // begins then ends, 2 * rank after resolve()
  AutoPad auto_pad = AutoPad::NotSet;
  bool ceil_mode = false;

  size_t rank() const { return kernel_shape.size(); }
};

// Reads the window attributes of `node`; `allow_dilations`/`allow_ceil_mode` reflect the opset
// (e.g. AveragePool has dilations only from opset 19). Raises InvalidGraph on malformed values.
WindowAttributes parse_window_attributes(const ir::Node& node, bool allow_dilations, bool allow_ceil_mode);

// Fills defaults (strides/dilations 1, pads 0) once kernel_shape is known and checks lengths.
void resolve_window_defaults(WindowAttributes& attrs, const ir::Node& node);

// Output spatial size and effective begin/end pads for one axis.
struct AxisGeometry {
  int64_t out = 0;
  int64_t pad_begin = 0;
  int64_t pad_end = 0;
};
AxisGeometry compute_axis_geometry(const WindowAttributes& attrs, size_t axis, int64_t in_size,
                                   const ir::Node& node);

// The full geometry for concrete input spatial dims, padded to 3-D for the ref kernels.
kernels::Window3d make_window3d(const WindowAttributes& attrs, const std::vector<int64_t>& in_spatial,
                                const ir::Node& node);

// Symbolic output dims for shape inference: unknown when the input dim is unknown.
ir::SymShape infer_spatial_dims(const WindowAttributes& attrs, const ir::SymShape& in_spatial,
                                const ir::Node& node);

// Sets outputs [0, n_outputs) to [N, C, pooled spatial...] from input 0 (pooling ops), with
// `elem` as the element type of each (Undefined means input 0's).
void infer_pooled_outputs(ir::InferenceContext& ctx, const WindowAttributes& attrs,
                          const std::vector<DataType>& elems);

}  // namespace onyxrt::ops
