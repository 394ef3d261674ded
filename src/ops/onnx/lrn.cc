// LRN (ONNX opsets 1 and 13): local response normalization across channels of X [N, C, ...],
//   y = x / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta,
// the window spanning [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C).
#include <cmath>
#include <memory>

#include "kernels/ref/float_types.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class LrnKernel final : public OpKernel {
 public:
  explicit LrnKernel(const ir::Node& node)
      : alpha_(node.get_float("alpha", 1e-4f)),
        beta_(node.get_float("beta", 0.75f)),
        bias_(node.get_float("bias", 1.0f)),
        size_(node.required("size").i) {
    if (size_ <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": size must be positive");
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
    if (X.rank() < 2)
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X must be [N, C, ...], got " + shape_to_string(X.shape()));
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    if (X.size() == 0) return;
    const int64_t N = X.shape()[0], C = X.shape()[1];
    const int64_t inner = X.size() / (N * C);
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    const double scale = static_cast<double>(alpha_) / static_cast<double>(size_);
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * C, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t n = p / C, c = p % C;
        const int64_t lo = std::max<int64_t>(0, c - before), hi = std::min<int64_t>(C - 1, c + after);
        for (int64_t i = 0; i < inner; ++i) {
          double sq = 0;
          for (int64_t k = lo; k <= hi; ++k) {
            const double v = static_cast<double>(CT::load(x[(n * C + k) * inner + i]));
            sq += v * v;
          }
          const double den = std::pow(static_cast<double>(bias_) + scale * sq, static_cast<double>(beta_));
          y[p * inner + i] = CT::store(static_cast<typename CT::type>(static_cast<double>(CT::load(x[p * inner + i])) / den));
        }
      }
    });
  }

  float alpha_, beta_, bias_;
  int64_t size_;
};

std::unique_ptr<OpKernel> make_lrn(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, 0, t);
  return std::make_unique<LrnKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LRN", 1, 12, make_lrn, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "LRN", 13, kMaxOpset, make_lrn, propagate_input0_type});

}  // namespace onyxrt::ops
