// Shape-inference building blocks shared by several ops.
#pragma once
#include "ir/shape_inference.h"

namespace onyxrt::ops {

// Output 0 has exactly input 0's type and shape (element-wise unary ops, Identity).
inline void propagate_input0_type(ir::InferenceContext& ctx) {
  if (ctx.output_count() > 0 && ctx.has_input(0)) ctx.set_output_type(0, ctx.input_type(0));
}

// A tensor type with element `elem` and the given shape, or no shape when `known` is false.
inline ir::TypeInfo tensor_type(DataType elem, bool known, ir::SymShape shape) {
  return known ? ir::TypeInfo::tensor(elem, std::move(shape)) : ir::TypeInfo::tensor(elem);
}

}  // namespace onyxrt::ops
