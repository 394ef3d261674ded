// GlobalLpPool (ONNX opsets 1, 2, 22): y[n, c] = (sum over every spatial position of |x|^p)^(1/p),
// the output keeping X's rank with each spatial dim 1. Opset 1 takes p as a float (default 2); from
// opset 2 it is an int (default 2).
#include <algorithm>
#include <cmath>
#include <memory>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

double global_lp_order(const ir::Node& node) {
  const ir::Attribute* a = node.find("p");
  if (a == nullptr) return 2.0;
  const double p = a->type == ir::Attribute::Type::Float ? static_cast<double>(a->f) : static_cast<double>(a->i);
  if (!(p > 0)) throw_error(ErrorCode::InvalidGraph, node.describe() + ": p must be positive");
  return p;
}

class GlobalLpPoolKernel final : public OpKernel {
 public:
  explicit GlobalLpPoolKernel(const ir::Node& node) : p_(global_lp_order(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    if (X.rank() < 3)
      throw_error(ErrorCode::InvalidArgument,
                  ctx.node().describe() + ": X must be [N, C, spatial...], got " + shape_to_string(X.shape()));
    Shape out_shape(X.shape());
    std::fill(out_shape.begin() + 2, out_shape.end(), 1);
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
    const int64_t planes = X.shape()[0] * X.shape()[1];
    if (planes == 0) return;
    const int64_t plane = X.size() / planes;
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const double p = p_;
    ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, plane)),
                             [&](int64_t begin, int64_t end) {
                               for (int64_t i = begin; i < end; ++i) {
                                 double acc = 0;
                                 for (int64_t k = 0; k < plane; ++k) {
                                   const double v = std::abs(static_cast<double>(x[i * plane + k]));
                                   acc += p == 2.0 ? v * v : p == 1.0 ? v : std::pow(v, p);
                                 }
                                 y[i] = static_cast<T>(p == 2.0 ? std::sqrt(acc) : p == 1.0 ? acc : std::pow(acc, 1.0 / p));
                               }
                             });
  }

  double p_;
};

std::unique_ptr<OpKernel> make_global_lp_pool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, 0, t);
  return std::make_unique<GlobalLpPoolKernel>(node);
}

void infer_global_lp_pool(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  if (x.shape.size() < 3) ctx.fail("X must be [N, C, spatial...]");
  ir::SymShape out{x.shape[0], x.shape[1]};
  out.resize(x.shape.size(), ir::Dim::of(1));
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GlobalLpPool", 1, 1, make_global_lp_pool, infer_global_lp_pool});
ONYXRT_REGISTER_OP({"", "GlobalLpPool", 2, 21, make_global_lp_pool, infer_global_lp_pool});
ONYXRT_REGISTER_OP({"", "GlobalLpPool", 22, kMaxOpset, make_global_lp_pool, infer_global_lp_pool});

}  // namespace onyxrt::ops
