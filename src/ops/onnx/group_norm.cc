// GroupNormalization (ONNX opsets 18 and 21): the C channels of X [N, C, ...] are split into
// num_groups groups; each (image, group) is normalized over its channels and spatial dims, then
// scaled and shifted. The two opsets differ in the shape of scale and bias:
//   opset 18: [num_groups], one scale/bias per group (the reason it was deprecated);
//   opset 21: [C], one per channel, as in PyTorch.
// Statistics are accumulated in double (at least stash_type's precision).
#include <cmath>
#include <memory>

#include "kernels/ref/float_types.h"
#include "kernels/ref/normalization.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class GroupNormKernel final : public OpKernel {
 public:
  explicit GroupNormKernel(const ir::Node& node)
      : epsilon_(node.get_float("epsilon", 1e-5f)),
        groups_(node.required("num_groups").i),
        per_channel_(node.opset >= 21) {
    if (groups_ <= 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": num_groups must be positive, got " + std::to_string(groups_));
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!kernels::visit_float_or_half(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    using CT = ComputeType<T>;
    const ir::Node& node = ctx.node();
    if (X.rank() < 2)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": X must be [N, C, ...], got " + shape_to_string(X.shape()));
    const int64_t N = X.shape()[0], C = X.shape()[1];
    if (C % groups_ != 0)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": channels " + std::to_string(C) +
                                                  " not divisible by num_groups " + std::to_string(groups_));
    const Tensor& scale = ctx.required_input(1);
    const Tensor& bias = ctx.required_input(2);
    const int64_t params = per_channel_ ? C : groups_;
    for (const Tensor* p : {&scale, &bias})
      if (p->dtype() != X.dtype() || p->size() != params)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": scale and bias must hold " + std::to_string(params) +
                                                    (per_channel_ ? " (C)" : " (num_groups)") + " values, got " +
                                                    p->describe());
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    if (X.size() == 0) return;
    const int64_t spatial = X.size() / (N * C);
    const int64_t cg = C / groups_;
    const int64_t block = cg * spatial;
    const T* x = X.data<T>();
    const T* s = scale.data<T>();
    const T* b = bias.data<T>();
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * groups_, std::max<int64_t>(1, 4096 / block), [&](int64_t j0, int64_t j1) {
      for (int64_t j = j0; j < j1; ++j) {
        const T* xb = x + j * block;
        const kernels::MeanVar mv =
            kernels::mean_var(block, [&](int64_t i) { return static_cast<double>(CT::load(xb[i])); });
        const double inv = 1.0 / std::sqrt(mv.var + static_cast<double>(epsilon_));
        const int64_t g = j % groups_;
        for (int64_t c = 0; c < cg; ++c) {
          const int64_t pi = per_channel_ ? g * cg + c : g;
          const double sc = static_cast<double>(CT::load(s[pi])), bi = static_cast<double>(CT::load(b[pi]));
          for (int64_t i = c * spatial; i < (c + 1) * spatial; ++i)
            y[j * block + i] = CT::store(
                static_cast<typename CT::type>((static_cast<double>(CT::load(xb[i])) - mv.mean) * inv * sc + bi));
        }
      }
    });
  }

  float epsilon_;
  int64_t groups_;
  bool per_channel_;
};

std::unique_ptr<OpKernel> make_group_norm(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<GroupNormKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GroupNormalization", 18, 20, make_group_norm, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "GroupNormalization", 21, kMaxOpset, make_group_norm, propagate_input0_type});

}  // namespace onyxrt::ops
