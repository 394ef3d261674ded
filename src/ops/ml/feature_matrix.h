// The ai.onnx.ml ops take X as float, double, int64 or int32 and treat it as a [N, C] matrix (a 1-D
// X is one row). This reads it once into the compute type so kernels need no per-type templates.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/status.h"
#include "onyxrt/tensor.h"
#include "ops/common/scalar_input.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops::ml {

template <typename T>
struct FeatureMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<T> values;  // row-major
  const T* row(int64_t r) const { return values.data() + r * cols; }
};

inline bool is_ml_numeric(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Int64 || dt == DataType::Int32;
}

template <typename T>
FeatureMatrix<T> read_features(const Tensor& x, const ir::Node& node) {
  if (!is_ml_numeric(x.dtype())) {
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": input X must be float, double, int64 or int32, got " + x.describe());
  }
  if (x.rank() > 2) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": input X must be 1-D or 2-D, got " + x.describe());
  }
  FeatureMatrix<T> m;
  if (x.rank() == 2) {
    m.rows = x.shape()[0];
    m.cols = x.shape()[1];
  } else {
    m.rows = 1;
    m.cols = x.rank() == 1 ? x.shape()[0] : 1;
  }
  m.values.resize(static_cast<size_t>(x.size()));
  for (int64_t i = 0; i < x.size(); ++i) {
    switch (x.dtype()) {
      case DataType::Float: m.values[i] = static_cast<T>(x.data<float>()[i]); break;
      case DataType::Double: m.values[i] = static_cast<T>(x.data<double>()[i]); break;
      case DataType::Int64: m.values[i] = static_cast<T>(x.data<int64_t>()[i]); break;
      default: m.values[i] = static_cast<T>(x.data<int32_t>()[i]); break;
    }
  }
  return m;
}

// Factories call this so an unsupported X type fails at session creation.
inline void check_ml_input(const ir::Node& node, int i) {
  const DataType dt = input_dtype(node, i);
  if (dt != DataType::Undefined && !is_ml_numeric(dt)) unsupported_type(node, i, dt);
}

}  // namespace onyxrt::ops::ml
