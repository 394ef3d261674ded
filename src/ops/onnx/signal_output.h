// Writing double-precision results of the signal ops (windows, MelWeightMatrix) into the numeric
// output type named by their `output_datatype` attribute.
#pragma once
#include <string>
#include <type_traits>
#include <vector>

#include "ops/common/dtype_dispatch.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops {

inline bool signal_output_type_ok(DataType t) { return t != DataType::Bool && visit_numeric(t, [](auto) {}); }

// The `output_datatype` attribute (default float), rejected with NotImplemented when not numeric.
inline DataType signal_output_type(const ir::Node& node) {
  const auto t = static_cast<DataType>(node.get_int("output_datatype", static_cast<int64_t>(DataType::Float)));
  if (!signal_output_type_ok(t)) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": output_datatype " + std::string(dtype_name(t)) +
                                               " is not implemented (numeric types only)");
  }
  return t;
}

// Converts each value like numpy's astype (truncation toward zero for integers).
inline void store_doubles(Tensor& out, const std::vector<double>& values) {
  visit_numeric(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = out.mutable_data<T>();
    for (size_t i = 0; i < values.size(); ++i) {
      if constexpr (std::is_same_v<T, kernels::Float16> || std::is_same_v<T, kernels::BFloat16>) {
        p[i] = ComputeType<T>::store(static_cast<float>(values[i]));
      } else {
        p[i] = static_cast<T>(values[i]);
      }
    }
  });
}

}  // namespace onyxrt::ops
