// MeanVarianceNormalization (ONNX opsets 9 and 13): over the dims in `axes` (default [0, 2, 3]),
//   Y = (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9),
// exactly the ONNX function body (epsilon added to the standard deviation, not the variance).
#include <cmath>
#include <memory>

#include "kernels/ref/float_types.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class MvnKernel final : public OpKernel {
 public:
  explicit MvnKernel(const ir::Node& node) : axes_(node.get_ints("axes", {0, 2, 3})) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!kernels::visit_float_or_half(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    using CT = ComputeType<T>;
    const size_t rank = X.rank();
    std::vector<bool> reduced(rank, false);
    for (int64_t a : normalize_axes(axes_, static_cast<int64_t>(rank), ctx.node())) reduced[a] = true;
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    if (X.size() == 0) return;
    // Each element belongs to one statistics group: its flat index over the kept dims.
    int64_t groups = 1;
    for (size_t d = 0; d < rank; ++d)
      if (!reduced[d]) groups *= X.shape()[d];
    const int64_t count = X.size() / groups;
    std::vector<int64_t> group_of(static_cast<size_t>(X.size()));
    std::vector<int64_t> coord(rank, 0);
    for (int64_t i = 0; i < X.size(); ++i) {
      int64_t g = 0;
      for (size_t d = 0; d < rank; ++d)
        if (!reduced[d]) g = g * X.shape()[d] + coord[d];
      group_of[i] = g;
      for (size_t d = rank; d-- > 0;) {
        if (++coord[d] < X.shape()[d]) break;
        coord[d] = 0;
      }
    }
    std::vector<double> sum(groups, 0.0), sumsq(groups, 0.0);
    const T* x = X.data<T>();
    for (int64_t i = 0; i < X.size(); ++i) {
      const double v = static_cast<double>(CT::load(x[i]));
      sum[group_of[i]] += v;
      sumsq[group_of[i]] += v * v;
    }
    for (int64_t g = 0; g < groups; ++g) {
      const double mean = sum[g] / count;
      sum[g] = mean;
      sumsq[g] = std::sqrt(std::max(0.0, sumsq[g] / count - mean * mean)) + 1e-9;
    }
    T* y = Y.mutable_data<T>();
    for (int64_t i = 0; i < X.size(); ++i) {
      const int64_t g = group_of[i];
      y[i] = CT::store(static_cast<typename CT::type>((static_cast<double>(CT::load(x[i])) - sum[g]) / sumsq[g]));
    }
  }

  std::vector<int64_t> axes_;
};

std::unique_ptr<OpKernel> make_mvn(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, 0, t);
  return std::make_unique<MvnKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MeanVarianceNormalization", 9, 12, make_mvn, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "MeanVarianceNormalization", 13, kMaxOpset, make_mvn, propagate_input0_type});

}  // namespace onyxrt::ops
