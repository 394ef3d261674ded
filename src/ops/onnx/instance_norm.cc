// InstanceNormalization (ONNX opsets 1, 6, 22): per (image, channel), over the spatial dims,
//   Y = (X - mean) / sqrt(var + epsilon) * scale[c] + B[c].
// Opset 1's consumed_inputs attribute is legacy and ignored. Half types compute in float.
#include <cmath>
#include <memory>

#include "kernels/ref/float_types.h"
#include "kernels/ref/normalization.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class InstanceNormKernel final : public OpKernel {
 public:
  explicit InstanceNormKernel(const ir::Node& node) : epsilon_(node.get_float("epsilon", 1e-5f)) {}

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
    const Tensor& scale = ctx.required_input(1);
    const Tensor& bias = ctx.required_input(2);
    const int64_t N = X.shape()[0], C = X.shape()[1];
    for (const Tensor* p : {&scale, &bias})
      if (p->dtype() != X.dtype() || p->size() != C)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": scale and B must be [C] = [" + std::to_string(C) +
                                                    "] of X's type, got " + p->describe());
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    if (N * C == 0) return;
    const int64_t inner = X.size() / (N * C);
    if (inner == 0) return;
    const T* x = X.data<T>();
    const T* s = scale.data<T>();
    const T* b = bias.data<T>();
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * C, std::max<int64_t>(1, 4096 / inner), [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const T* xp = x + p * inner;
        const kernels::MeanVar mv =
            kernels::mean_var(inner, [&](int64_t i) { return static_cast<double>(CT::load(xp[i])); });
        const int64_t c = p % C;
        const double mul = static_cast<double>(CT::load(s[c])) / std::sqrt(mv.var + static_cast<double>(epsilon_));
        const double add = static_cast<double>(CT::load(b[c])) - mv.mean * mul;
        for (int64_t i = 0; i < inner; ++i)
          y[p * inner + i] =
              CT::store(static_cast<typename CT::type>(static_cast<double>(CT::load(xp[i])) * mul + add));
      }
    });
  }

  float epsilon_;
};

std::unique_ptr<OpKernel> make_instance_norm(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<InstanceNormKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "InstanceNormalization", 1, 5, make_instance_norm, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "InstanceNormalization", 6, 21, make_instance_norm, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "InstanceNormalization", 22, kMaxOpset, make_instance_norm, propagate_input0_type});

}  // namespace onyxrt::ops
