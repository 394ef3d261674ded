// GlobalLpPool (ONNX opsets 1, 2, 22): y[n, c] = (sum over every spatial position of |x|^p)^(1/p),
// the output keeping X's rank with each spatial dim 1. Opset 1 takes p as a float (default 2); from
// opset 2 it is an int (default 2).
#include <algorithm>
#include <cmath>
#include <memory>

#include "ops/common/global_pool.h"
#include "ops/onnx/lp_order.h"
#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class GlobalLpPoolKernel final : public OpKernel {
 public:
  explicit GlobalLpPoolKernel(const ir::Node& node) : p_(lp_norm_order(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const double p = p_;
    run_global_pool<T>(ctx, X, [p](const T* x, int64_t n) {
      double acc = 0;
      for (int64_t k = 0; k < n; ++k) {
        const double v = std::abs(static_cast<double>(x[k]));
        acc += p == 2.0 ? v * v : p == 1.0 ? v : std::pow(v, p);
      }
      return static_cast<T>(p == 2.0 ? std::sqrt(acc) : p == 1.0 ? acc : std::pow(acc, 1.0 / p));
    });
  }

  double p_;
};

std::unique_ptr<OpKernel> make_global_lp_pool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, 0, t);
  return std::make_unique<GlobalLpPoolKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GlobalLpPool", 1, 1, make_global_lp_pool, infer_global_pool_output});
ONYXRT_REGISTER_OP({"", "GlobalLpPool", 2, 21, make_global_lp_pool, infer_global_pool_output});
ONYXRT_REGISTER_OP({"", "GlobalLpPool", 22, kMaxOpset, make_global_lp_pool, infer_global_pool_output});

}  // namespace onyxrt::ops
