// LRN (ONNX opsets 1 and 13): local response normalization across channels of X [N, C, ...],
//   y = x / (bias + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta,
// the window spanning [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C).
#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>

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
    // Float and the 16-bit types compute in float, double in double.
    using F = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const F scale = static_cast<F>(alpha_) / static_cast<F>(size_), bias = bias_, beta = beta_;
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    // A task is one image's run of kChunk positions through every channel: the window's squares
    // are summed along contiguous rows (vectorized). AlexNet's two LRNs took 11.4 ms as
    // a double pow per element, per plane.
    constexpr int64_t kChunk = 512;
    const int64_t chunks = (inner + kChunk - 1) / kChunk;
    ThreadPool::parallel_for(ctx.thread_pool(), N * chunks, 1, [&](int64_t t0, int64_t t1) {
      F sq[kChunk];
      for (int64_t t = t0; t < t1; ++t) {
        const int64_t n = t / chunks, i0 = t % chunks * kChunk, len = std::min(kChunk, inner - i0);
        for (int64_t c = 0; c < C; ++c) {
          const int64_t lo = std::max<int64_t>(0, c - before), hi = std::min<int64_t>(C - 1, c + after);
          std::fill(sq, sq + len, F{0});
          for (int64_t k = lo; k <= hi; ++k) {
            const T* xk = x + (n * C + k) * inner + i0;
            for (int64_t i = 0; i < len; ++i) {
              const F v = static_cast<F>(CT::load(xk[i]));
              sq[i] += v * v;
            }
          }
          const T* xc = x + (n * C + c) * inner + i0;
          T* yc = y + (n * C + c) * inner + i0;
          if (beta == F(0.75)) {  // the common beta: d^0.75 = sqrt(d) * sqrt(sqrt(d)), two correctly rounded steps
            for (int64_t i = 0; i < len; ++i) {
              const F d = bias + scale * sq[i], r = std::sqrt(d);
              yc[i] = CT::store(static_cast<typename CT::type>(static_cast<F>(CT::load(xc[i])) / (r * std::sqrt(r))));
            }
          } else {
            for (int64_t i = 0; i < len; ++i)
              yc[i] = CT::store(static_cast<typename CT::type>(static_cast<F>(CT::load(xc[i])) /
                                                                std::pow(bias + scale * sq[i], beta)));
          }
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
