// Type checks shared by the com.microsoft kernels, most of which onnxruntime's CPU provider defines
// for float only (a few also for double): factories call these so a model with another element
// type fails at session creation, naming the node and input.
#pragma once
#include <initializer_list>

#include "ops/op_kernel.h"

namespace onyxrt::ops::contrib {

// Raises NotImplemented (via unsupported_type) when a present input among `inputs` has a known
// element type other than float32 or float64 (float32 only when `allow_double` is false).
inline void require_float_inputs(const ir::Node& node, std::initializer_list<int> inputs, bool allow_double = true) {
  for (int i : inputs) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t == DataType::Undefined || t == DataType::Float || (allow_double && t == DataType::Double)) continue;
    unsupported_type(node, i, t);
  }
}

// The optional output i, allocated when the graph consumes it; nullptr otherwise.
inline Tensor* optional_output(KernelContext& ctx, int i, DataType dtype, const Shape& shape) {
  if (i >= ctx.output_count() || !ctx.output_requested(i)) return nullptr;
  return &ctx.allocate_output(i, dtype, shape);
}

}  // namespace onyxrt::ops::contrib
