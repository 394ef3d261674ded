// LpNormalization (ONNX opsets 1 and 22): x / ||x||_p along one axis, p in {1, 2}. A zero norm
// gives 0 instead of NaN, as the ONNX reference and onnxruntime do.
#include <cmath>
#include <memory>

#include "kernels/ref/float_types.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class LpNormKernel final : public OpKernel {
 public:
  explicit LpNormKernel(const ir::Node& node) : axis_(node.get_int("axis", -1)), p_(node.get_int("p", 2)) {
    if (p_ != 1 && p_ != 2)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": p must be 1 or 2, got " + std::to_string(p_));
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
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    if (X.size() == 0) return;
    const int64_t rank = static_cast<int64_t>(X.rank());
    // A scalar normalizes as a one-element vector.
    const int64_t axis = rank == 0 ? 0 : normalize_axis(axis_, rank, ctx.node());
    const int64_t len = rank == 0 ? 1 : X.shape()[axis];
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < rank; ++d) inner *= X.shape()[d];
    const int64_t outer = X.size() / (len * inner);
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), outer * inner, 64, [&](int64_t l0, int64_t l1) {
      for (int64_t l = l0; l < l1; ++l) {
        const int64_t base = (l / inner) * len * inner + l % inner;
        double norm = 0;
        for (int64_t k = 0; k < len; ++k) {
          const double v = static_cast<double>(CT::load(x[base + k * inner]));
          norm += p_ == 1 ? std::abs(v) : v * v;
        }
        if (p_ == 2) norm = std::sqrt(norm);
        for (int64_t k = 0; k < len; ++k) {
          const double v = static_cast<double>(CT::load(x[base + k * inner]));
          y[base + k * inner] = CT::store(static_cast<typename CT::type>(norm == 0 ? 0.0 : v / norm));
        }
      }
    });
  }

  int64_t axis_;
  int64_t p_;
};

std::unique_ptr<OpKernel> make_lp_norm(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, 0, t);
  return std::make_unique<LpNormKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LpNormalization", 1, 21, make_lp_norm, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "LpNormalization", 22, kMaxOpset, make_lp_norm, propagate_input0_type});

}  // namespace onyxrt::ops
