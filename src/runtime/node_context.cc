#include "runtime/node_context.h"

#include <cstring>
#include <memory>

namespace onyxrt::runtime {

void NodeContext::check_index(int i) const {
  if (i < 0 || i >= output_count())
    throw_error(ErrorCode::RuntimeException,
                node_.describe() + ": kernel wrote output " + std::to_string(i) + " but the node has " +
                    std::to_string(output_count()) + " outputs");
}

bool NodeContext::place_in_concat(int i, DataType dtype, const Shape& shape, bool zero) {
  const ir::Value* v = node_.outputs[i];
  const auto& slots = frame_.state().plan.concat_slots;
  if (slots.empty() || !v) return false;
  auto it = slots.find(v);
  if (it == slots.end() || it->second.dtype != dtype || it->second.shape != shape) return false;
  const plan::ConcatSlot& slot = it->second;
  Tensor* buffer = frame_.concat_buffer(slot.concat_output);
  if (!buffer) buffer = &frame_.make_concat_buffer(slot.concat_output, dtype, slot.concat_shape, run_.allocator);
  char* at = static_cast<char*>(buffer->mutable_raw()) + dtype_storage_bytes(dtype, static_cast<size_t>(slot.offset));
  if (zero) std::memset(at, 0, dtype_storage_bytes(dtype, static_cast<size_t>(shape_size(shape))));
  outputs_[i] = Value(Tensor::borrow(dtype, shape, at, std::make_shared<Tensor>(*buffer)));
  return true;
}

Tensor& NodeContext::allocate_output(int i, DataType dtype, const Shape& shape) {
  check_index(i);
  if (place_in_concat(i, dtype, shape, /*zero=*/true)) return outputs_[i].mutable_tensor();
  outputs_[i] = Value(Tensor::allocate(dtype, shape, run_.allocator));
  return outputs_[i].mutable_tensor();
}

Tensor& NodeContext::allocate_output_raw(int i, DataType dtype, const Shape& shape) {
  // Sub-byte types share bytes between elements, and writers may merge into what is there.
  if (dtype_bits(dtype) % 8 != 0) return allocate_output(i, dtype, shape);
  check_index(i);
  if (place_in_concat(i, dtype, shape, /*zero=*/false)) return outputs_[i].mutable_tensor();
  outputs_[i] = Value(Tensor::allocate_uninitialized(dtype, shape, run_.allocator));
  return outputs_[i].mutable_tensor();
}

void NodeContext::set_output(int i, Value value) {
  check_index(i);
  outputs_[i] = std::move(value);
}

Tensor* NodeContext::placed_output(int i, DataType dtype, const Shape& shape) {
  check_index(i);
  const ir::Value* v = node_.outputs[i];
  Tensor* buffer = v ? frame_.concat_buffer(v) : nullptr;
  if (!buffer || buffer->dtype() != dtype || buffer->shape() != shape) return nullptr;
  outputs_[i] = Value(*buffer);
  frame_.release_concat_buffer(v);  // the output holds it now (and the producers' views)
  return &outputs_[i].mutable_tensor();
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
