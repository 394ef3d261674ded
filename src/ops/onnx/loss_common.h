// The part NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss share: picking -logp[n, target, d]
// per element, weighting it by weight[target] (0 where target == ignore_index), and reducing.
// "mean" divides by the sum of those weights, as the ONNX spec and reference do (plain mean when no
// weights and no ignore_index are given, since every weight is then 1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/common/dtype_dispatch.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops {

enum class LossReduction { None, Sum, Mean };

inline bool is_loss_float(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

inline LossReduction loss_reduction(const ir::Node& node) {
  const std::string r = node.get_string("reduction", "mean");
  if (r == "none") return LossReduction::None;
  if (r == "sum") return LossReduction::Sum;
  if (r == "mean") return LossReduction::Mean;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": reduction '" + r + "' is not none, sum or mean");
}

inline std::optional<int64_t> loss_ignore_index(const ir::Node& node) {
  if (!node.has("ignore_index")) return std::nullopt;
  return node.get_int("ignore_index", 0);
}

// Input [N, C, d1..dk] viewed as [N, C, D]; target must be [N, d1..dk], weight [C].
struct LossGeometry {
  int64_t n = 0, c = 0, d = 1;
};

inline LossGeometry loss_geometry(const ir::Node& node, const Tensor& input, const Tensor& target,
                                  const Tensor* weight) {
  const Shape& s = input.shape();
  const Shape& t = target.shape();
  bool ok = s.size() >= 2 && t.size() == s.size() - 1 && t[0] == s[0];
  for (size_t i = 2; ok && i < s.size(); ++i) ok = t[i - 1] == s[i];
  if (!ok) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": input " + input.describe() + " and target " +
                                                target.describe() + " must be [N, C, d1..dk] and [N, d1..dk]");
  }
  if (target.dtype() != DataType::Int32 && target.dtype() != DataType::Int64) {
    unsupported_type(node, 1, target.dtype());
  }
  if (weight != nullptr && (weight->dtype() != input.dtype() || weight->shape() != Shape{s[1]})) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": weight must be " + std::string(dtype_name(input.dtype())) +
                                                " of shape [" + std::to_string(s[1]) + "], got " + weight->describe());
  }
  LossGeometry g;
  g.n = s[0];
  g.c = s[1];
  for (size_t i = 2; i < s.size(); ++i) g.d *= s[i];
  return g;
}

// Writes the loss (per element for None, else one value) to `out`. log_prob(n, c, d) gives the
// log-probability in double.
template <typename T, typename LogProb>
void negative_log_likelihood(const ir::Node& node, const LossGeometry& g, const Tensor& target, const Tensor* weight,
                             std::optional<int64_t> ignore_index, LossReduction reduction, LogProb log_prob, T* out) {
  const int64_t count = g.n * g.d;
  double loss_sum = 0.0, weight_sum = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t n = i / g.d, d = i % g.d;
    const int64_t t = target.dtype() == DataType::Int64 ? target.data<int64_t>()[i] : target.data<int32_t>()[i];
    double loss = 0.0, w = 0.0;
    if (!ignore_index || t != *ignore_index) {
      if (t < 0 || t >= g.c) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": target value " + std::to_string(t) +
                                                    " is outside [0, " + std::to_string(g.c) + ")");
      }
      w = weight ? static_cast<double>(ComputeType<T>::load(weight->data<T>()[t])) : 1.0;
      loss = -w * log_prob(n, t, d);
    }
    loss_sum += loss;
    weight_sum += w;
    if (reduction == LossReduction::None) {
      out[i] = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(loss));
    }
  }
  if (reduction == LossReduction::Sum) {
    out[0] = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(loss_sum));
  } else if (reduction == LossReduction::Mean) {
    out[0] = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(loss_sum / weight_sum));
  }
}

// Output 0's shape: the target's for reduction none, a scalar otherwise.
inline Shape loss_output_shape(LossReduction reduction, const Tensor& target) {
  return reduction == LossReduction::None ? target.shape() : Shape{};
}

}  // namespace onyxrt::ops
