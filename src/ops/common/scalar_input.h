// Reading small control inputs (K of TopK, depth of OneHot, start/limit/delta of Range, the axis
// of CumSum) whatever numeric element type the schema lets a model use for them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "kernels/ref/float16.h"
#include "onyxrt/status.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ops {

// Element i of a numeric tensor as double (int64 values beyond 2^53 lose precision).
inline double element_as_double(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::Float: return t.data<float>()[i];
    case DataType::Double: return t.data<double>()[i];
    case DataType::Float16: return kernels::half_to_float(t.data<kernels::Float16>()[i]);
    case DataType::BFloat16: return kernels::bfloat16_to_float(t.data<kernels::BFloat16>()[i]);
    case DataType::Int8: return t.data<int8_t>()[i];
    case DataType::Int16: return t.data<int16_t>()[i];
    case DataType::Int32: return t.data<int32_t>()[i];
    case DataType::Int64: return static_cast<double>(t.data<int64_t>()[i]);
    case DataType::UInt8: return t.data<uint8_t>()[i];
    case DataType::UInt16: return t.data<uint16_t>()[i];
    case DataType::UInt32: return t.data<uint32_t>()[i];
    case DataType::UInt64: return static_cast<double>(t.data<uint64_t>()[i]);
    case DataType::Bool: return t.data<bool>()[i] ? 1.0 : 0.0;
    default: throw_error(ErrorCode::InvalidArgument, "expected a numeric tensor, got " + t.describe());
  }
}

// Element i as int64, exact for every integer type; floats are truncated toward zero.
inline int64_t element_as_int64(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::Int64: return t.data<int64_t>()[i];
    case DataType::UInt64: return static_cast<int64_t>(t.data<uint64_t>()[i]);
    case DataType::Int32: return t.data<int32_t>()[i];
    default: return static_cast<int64_t>(element_as_double(t, i));
  }
}

// The single value of a 0-D or one-element tensor; raises InvalidArgument naming the node otherwise.
inline int64_t scalar_as_int64(const Tensor& t, const ir::Node& node, const char* what) {
  if (t.size() != 1 || t.rank() > 1) {
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": " + what + " must be a scalar or a 1-element tensor, got " + t.describe());
  }
  return element_as_int64(t, 0);
}

inline double scalar_as_double(const Tensor& t, const ir::Node& node, const char* what) {
  if (t.size() != 1 || t.rank() > 1) {
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": " + what + " must be a scalar or a 1-element tensor, got " + t.describe());
  }
  return element_as_double(t, 0);
}

// Row-major element strides of a shape.
inline std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

}  // namespace onyxrt::ops
