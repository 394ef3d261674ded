// The class labels of an ai.onnx.ml classifier (classlabels_int64s / classlabels_ints or
// classlabels_strings) and writing the predicted label tensor from class indices.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ops::ml {

struct ClassLabels {
  bool strings = false;
  std::vector<int64_t> ints;
  std::vector<std::string> strs;

  static ClassLabels from(const ir::Node& node, const std::string& ints_name) {
    ClassLabels c;
    c.strs = node.get_strings("classlabels_strings");
    c.strings = !c.strs.empty();
    if (!c.strings) c.ints = node.get_ints(ints_name);
    return c;
  }
  int64_t size() const { return strings ? static_cast<int64_t>(strs.size()) : static_cast<int64_t>(ints.size()); }
  DataType dtype() const { return strings ? DataType::String : DataType::Int64; }

  // Writes the label of class `index` at position i; an index past the list (a one-label binary
  // model predicting the other class) writes the index itself, or "" for strings.
  void write(Tensor& y, int64_t i, int64_t index) const {
    if (strings) {
      y.mutable_data<std::string>()[i] = index >= 0 && index < size() ? strs[index] : std::string();
    } else {
      y.mutable_data<int64_t>()[i] = index >= 0 && index < size() ? ints[index] : index;
    }
  }
};

}  // namespace onyxrt::ops::ml
