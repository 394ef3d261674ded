// The GELU family of com.microsoft (opset 1), element-wise on float/double:
//   Gelu       y = 0.5 x (1 + erf(x / sqrt 2))
//   BiasGelu   Gelu(A + B), B 1-D broadcast over A's last dim
//   FastGelu   0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), x = X (+ optional bias as above)
//   QuickGelu  x * sigmoid(alpha x), alpha defaults to 1.702
// Follows onnxruntime's ContribOperators.md for each op.
#include <cmath>
#include <memory>
#include <type_traits>

#include "kernels/vmath_parallel.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

enum class GeluKind { Exact, Bias, Fast, Quick };

template <typename T>
T gelu_value(GeluKind kind, T x, float alpha) {
  switch (kind) {
    case GeluKind::Exact:
    case GeluKind::Bias:
      return static_cast<T>(0.5) * x * (static_cast<T>(1) + std::erf(x * static_cast<T>(M_SQRT1_2)));
    case GeluKind::Fast: {
      const T k = static_cast<T>(0.7978845608028654);  // sqrt(2 / pi)
      return static_cast<T>(0.5) * x * (static_cast<T>(1) + std::tanh(k * (x + static_cast<T>(0.044715) * x * x * x)));
    }
    case GeluKind::Quick:
      return x / (static_cast<T>(1) + std::exp(-static_cast<T>(alpha) * x));
  }
  return x;
}

class GeluKernel final : public OpKernel {
 public:
  GeluKernel(GeluKind kind, float alpha) : kind_(kind), alpha_(alpha) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() == DataType::Float) return run<float>(ctx, X);
    if (X.dtype() == DataType::Double) return run<double>(ctx, X);
    unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const Tensor* bias = (kind_ == GeluKind::Bias) ? &ctx.required_input(1) : (kind_ == GeluKind::Fast ? ctx.input(1) : nullptr);
    int64_t bias_len = 0;
    if (bias) {
      bias_len = bias->size();
      if (bias->dtype() != X.dtype() || bias->rank() != 1 || X.rank() == 0 || X.shape().back() != bias_len)
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": bias " + bias->describe() +
                                                    " must be 1-D of X's type and last dim, X is " + X.describe());
    }
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), X.shape());
    const T* x = X.data<T>();
    const T* b = bias ? bias->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    if constexpr (std::is_same_v<T, float>) {
      const kernels::VOp op = kind_ == GeluKind::Fast    ? kernels::VOp::GeluTanh
                              : kind_ == GeluKind::Quick ? kernels::VOp::QuickGelu
                                                         : kernels::VOp::GeluErf;
      kernels::vmath_apply(ctx.thread_pool(), op, x, y, X.size(), {alpha_}, b, bias_len);
      return;
    }
    ThreadPool::parallel_for(ctx.thread_pool(), X.size(), 4096, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) y[i] = gelu_value<T>(kind_, b ? x[i] + b[i % bias_len] : x[i], alpha_);
    });
  }

  GeluKind kind_;
  float alpha_;
};

template <GeluKind kind>
std::unique_ptr<OpKernel> make_gelu(const ir::Node& node) {
  require_float_inputs(node, {0, 1});
  return std::make_unique<GeluKernel>(kind, node.get_float("alpha", 1.702f));
}

void infer_same_as_input0(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "Gelu", 1, kMaxOpset, make_gelu<GeluKind::Exact>, infer_same_as_input0});
ONYXRT_REGISTER_OP({"com.microsoft", "BiasGelu", 1, kMaxOpset, make_gelu<GeluKind::Bias>, infer_same_as_input0});
ONYXRT_REGISTER_OP({"com.microsoft", "FastGelu", 1, kMaxOpset, make_gelu<GeluKind::Fast>, infer_same_as_input0});
ONYXRT_REGISTER_OP({"com.microsoft", "QuickGelu", 1, kMaxOpset, make_gelu<GeluKind::Quick>, infer_same_as_input0});

}  // namespace onyxrt::ops::contrib
