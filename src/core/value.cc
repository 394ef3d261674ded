#include "onyxrt/value.h"

#include "onyxrt/status.h"

namespace onyxrt {
namespace {
const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Empty: return "empty";
    case Value::Kind::Tensor: return "tensor";
    case Value::Kind::Sequence: return "sequence";
    case Value::Kind::Map: return "map";
    case Value::Kind::None: return "none";
  }
  return "?";
}
[[noreturn]] void wrong_kind(const char* wanted, Value::Kind got) {
  throw_error(ErrorCode::InvalidArgument, std::string("expected a ") + wanted + " value, got " + kind_name(got));
}
}  // namespace

const Tensor& Value::tensor() const {
  if (!is_tensor()) wrong_kind("tensor", kind());
  return std::get<Tensor>(v_);
}

Tensor& Value::mutable_tensor() {
  if (!is_tensor()) wrong_kind("tensor", kind());
  return std::get<Tensor>(v_);
}

const Sequence& Value::sequence() const {
  if (!is_sequence()) wrong_kind("sequence", kind());
  return std::get<std::shared_ptr<SequenceBox>>(v_)->items;
}

DataType Value::sequence_elem_type() const {
  if (!is_sequence()) wrong_kind("sequence", kind());
  return std::get<std::shared_ptr<SequenceBox>>(v_)->elem;
}

const Map& Value::map() const {
  if (kind() != Kind::Map) wrong_kind("map", kind());
  return *std::get<std::shared_ptr<Map>>(v_);
}

}  // namespace onyxrt
