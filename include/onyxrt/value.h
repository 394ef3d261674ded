// What flows along a graph edge: a tensor, a sequence of tensors, an optional that may be empty,
// or a map (ai.onnx.ml ZipMap and DictVectorizer).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt {

class Value;
using Sequence = std::vector<Value>;
// Keys are int64 or string; values are one kind per map.
struct Map {
  DataType key_type = DataType::Int64;
  Tensor keys;    // 1-D
  Tensor values;  // 1-D
};
struct NoneValue {};  // an optional holding nothing

class Value {
 public:
  enum class Kind { Empty, Tensor, Sequence, Map, None };

  Value() = default;
  Value(Tensor t) : v_(std::move(t)) {}
  static Value sequence(Sequence s, DataType elem = DataType::Undefined) {
    Value v;
    v.v_ = std::make_shared<SequenceBox>(SequenceBox{std::move(s), elem});
    return v;
  }
  static Value map(Map m) {
    Value v;
    v.v_ = std::make_shared<Map>(std::move(m));
    return v;
  }
  static Value none() {
    Value v;
    v.v_ = NoneValue{};
    return v;
  }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_tensor() const { return kind() == Kind::Tensor; }
  bool is_sequence() const { return kind() == Kind::Sequence; }
  bool is_none() const { return kind() == Kind::None; }
  bool empty() const { return kind() == Kind::Empty; }

  const Tensor& tensor() const;
  Tensor& mutable_tensor();
  const Sequence& sequence() const;
  DataType sequence_elem_type() const;
  const Map& map() const;

 private:
  struct SequenceBox {
    Sequence items;
    DataType elem;
  };
  std::variant<std::monostate, Tensor, std::shared_ptr<SequenceBox>, std::shared_ptr<Map>, NoneValue> v_;
};

}  // namespace onyxrt
