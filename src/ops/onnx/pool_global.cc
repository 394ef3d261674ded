// GlobalAveragePool and GlobalMaxPool (ONNX opsets 1, 22): reduce every spatial dim of
// [N, C, spatial...] to 1. Opset 22 only widens the type list.
#include <algorithm>
#include <limits>
#include <memory>

#include "ops/common/global_pool.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class GlobalPoolKind { Average, Max };

// Eight interleaved partial sums: independent adds the compiler maps onto one vector register,
// instead of one serial chain bound by add latency (ResNet's 7x7 and larger planes).
template <typename T>
T sum_plane(const T* x, int64_t n) {
  constexpr int kLanes = 8;
  T acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += x[i + l];
  T sum = T(0);
  for (int l = 0; l < kLanes; ++l) sum += acc[l];
  for (; i < n; ++i) sum += x[i];
  return sum;
}

template <typename T>
T reduce_plane(const T* x, int64_t n, GlobalPoolKind kind) {
  if (kind == GlobalPoolKind::Average) return n > 0 ? sum_plane(x, n) / T(n) : T(0);
  T best = std::numeric_limits<T>::lowest();
  for (int64_t i = 0; i < n; ++i) best = x[i] > best ? x[i] : best;
  return best;
}

template <GlobalPoolKind kKind>
class GlobalPoolKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx, X);
      case DataType::Double: return run<double>(ctx, X);
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    run_global_pool<T>(ctx, X, [](const T* x, int64_t n) { return reduce_plane<T>(x, n, kKind); });
  }
};

template <GlobalPoolKind kKind>
std::unique_ptr<OpKernel> make_global_pool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Float && t != DataType::Double) unsupported_type(node, 0, t);
  return std::make_unique<GlobalPoolKernel<kKind>>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GlobalAveragePool", 1, 21, make_global_pool<GlobalPoolKind::Average>, infer_global_pool_output});
ONYXRT_REGISTER_OP({"", "GlobalAveragePool", 22, kMaxOpset, make_global_pool<GlobalPoolKind::Average>, infer_global_pool_output});
ONYXRT_REGISTER_OP({"", "GlobalMaxPool", 1, 21, make_global_pool<GlobalPoolKind::Max>, infer_global_pool_output});
ONYXRT_REGISTER_OP({"", "GlobalMaxPool", 22, kMaxOpset, make_global_pool<GlobalPoolKind::Max>, infer_global_pool_output});

}  // namespace onyxrt::ops
