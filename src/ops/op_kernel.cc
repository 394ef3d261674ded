#include "ops/op_kernel.h"

namespace onyxrt::ops {

const Tensor* KernelContext::input(int i) const {
  const Value* v = input_value(i);
  if (!v || v->is_none()) return nullptr;
  if (!v->is_tensor())
    throw_error(ErrorCode::InvalidArgument, node().describe() + ": input " + std::to_string(i) + " should be a tensor");
  return &v->tensor();
}

const Tensor& KernelContext::required_input(int i) const {
  const Tensor* t = input(i);
  if (!t)
    throw_error(ErrorCode::InvalidArgument, node().describe() + ": required input " + std::to_string(i) + " is missing");
  return *t;
}

void unsupported_type(const ir::Node& node, int input, DataType dtype) {
  std::string in_name = node.has_input(input) ? node.inputs[input]->name : "?";
  throw_error(ErrorCode::NotImplemented, node.describe() + ": input " + std::to_string(input) + " '" + in_name +
                                             "' has element type " + std::string(dtype_name(dtype)) +
                                             ", which this kernel does not support");
}

DataType input_dtype(const ir::Node& node, int i) {
  if (!node.has_input(i)) return DataType::Undefined;
  const ir::TypeInfo& t = node.inputs[i]->type;
  return t.is_tensor() ? t.elem : DataType::Undefined;
}

}  // namespace onyxrt::ops
