#include "runtime/node_context.h"

namespace onyxrt::runtime {

void NodeContext::check_index(int i) const {
  if (i < 0 || i >= output_count())
    throw_error(ErrorCode::RuntimeException,
                node_.describe() + ": kernel wrote output " + std::to_string(i) + " but the node has " +
                    std::to_string(output_count()) + " outputs");
}

Tensor& NodeContext::allocate_output(int i, DataType dtype, const Shape& shape) {
  check_index(i);
  outputs_[i] = Value(Tensor::allocate(dtype, shape, run_.allocator));
  return outputs_[i].mutable_tensor();
}

Tensor& NodeContext::allocate_output_raw(int i, DataType dtype, const Shape& shape) {
  // Sub-byte types share bytes between elements, and writers may merge into what is there.
  if (dtype_bits(dtype) % 8 != 0) return allocate_output(i, dtype, shape);
  check_index(i);
  outputs_[i] = Value(Tensor::allocate_uninitialized(dtype, shape, run_.allocator));
  return outputs_[i].mutable_tensor();
}

void NodeContext::set_output(int i, Value value) {
  check_index(i);
  outputs_[i] = std::move(value);
}

void NodeContext::commit() {
  for (int i = 0; i < output_count(); ++i) {
    const ir::Value* v = node_.outputs[i];
    if (!v) continue;
    if (outputs_[i].empty())
      throw_error(ErrorCode::RuntimeException, node_.describe() + ": kernel did not produce output '" + v->name + "'");
    frame_.set(v, std::move(outputs_[i]));
  }
}

}  // namespace onyxrt::runtime
