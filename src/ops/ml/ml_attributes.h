// Reading ai.onnx.ml attributes that come either as a float list or, from opset 3, as a
// `<name>_as_tensor` tensor attribute (which may hold doubles).
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ops/common/scalar_input.h"

namespace onyxrt::ops::ml {

inline std::vector<double> tensor_attr_values(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.size()));
  for (int64_t i = 0; i < t.size(); ++i) v[i] = element_as_double(t, i);
  return v;
}

// `name` as floats, or `name`_as_tensor when that is present; empty when neither is.
inline std::vector<double> floats_or_tensor(const ir::Node& node, const std::string& name) {
  if (const Tensor* t = node.get_tensor(name + "_as_tensor")) return tensor_attr_values(*t);
  const ir::Attribute* a = node.find(name);
  if (a != nullptr && a->type == ir::Attribute::Type::Tensor) return tensor_attr_values(a->t);
  std::vector<float> f = node.get_floats(name);
  return std::vector<double>(f.begin(), f.end());
}

// True when some `_as_tensor` attribute holds doubles: the model then wants double thresholds.
inline bool has_double_tensor_attr(const ir::Node& node) {
  for (const auto& [name, attr] : node.attributes) {
    if (attr.type == ir::Attribute::Type::Tensor && attr.t.dtype() == DataType::Double) return true;
  }
  return false;
}

inline void fail_attr(const ir::Node& node, const std::string& what) {
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": " + what);
}

}  // namespace onyxrt::ops::ml
