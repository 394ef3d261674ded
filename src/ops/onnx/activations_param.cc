// Element-wise activations with attributes (or fixed constants): Elu, Selu, Celu, LeakyRelu,
// HardSigmoid, HardSwish, Mish, Softplus, Softsign, Gelu (opset 20, approximate none/tanh),
// ThresholdedRelu and Swish (opset 24). Formulas follow the ONNX operator docs; attribute defaults
// are the schema's. float16/bfloat16 compute in float and round back.
#include <cmath>
#include <string>

#include "kernels/vmath_parallel.h"
#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Act { Elu, Selu, Celu, LeakyRelu, HardSigmoid, HardSwish, Mish, Softplus, Softsign, Gelu, GeluTanh,
                 ThresholdedRelu, Swish };

// Double so that fixed constants (HardSwish's 1/6) stay exact for double inputs; attribute
// values are floats in the model and widen exactly.
struct ActParams {
  double alpha = 0;
  double beta = 0;
  double gamma = 0;
};

// log(1 + exp(x)) without overflow for large x.
template <typename C>
C softplus(C x) {
  return x > C(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

template <Act A, typename C>
C apply(C x, C alpha, C beta, C gamma) {
  if constexpr (A == Act::Elu) return x < C(0) ? alpha * (std::exp(x) - C(1)) : x;
  if constexpr (A == Act::Selu) return x <= C(0) ? gamma * (alpha * std::exp(x) - alpha) : gamma * x;
  if constexpr (A == Act::Celu) {
    if (x != x) return x;  // the max/min split below would turn NaN into 0
    const C neg = alpha * (std::exp(x / alpha) - C(1));
    return (x > C(0) ? x : C(0)) + (neg < C(0) ? neg : C(0));
  }
  if constexpr (A == Act::LeakyRelu) return x < C(0) ? alpha * x : x;
  if constexpr (A == Act::HardSigmoid || A == Act::HardSwish) {
    C h = alpha * x + beta;  // comparisons rather than fmax/fmin so that NaN propagates
    h = h < C(0) ? C(0) : (h > C(1) ? C(1) : h);
    return A == Act::HardSigmoid ? h : x * h;
  }
  if constexpr (A == Act::Mish) return x * std::tanh(softplus(x));
  if constexpr (A == Act::Softplus) return softplus(x);
  if constexpr (A == Act::Softsign) return x / (C(1) + std::fabs(x));
  if constexpr (A == Act::Gelu) return C(0.5) * x * (C(1) + std::erf(x * C(M_SQRT1_2)));
  if constexpr (A == Act::GeluTanh) {
    const C k = C(0.7978845608028654);  // sqrt(2 / pi)
    return C(0.5) * x * (C(1) + std::tanh(k * (x + C(0.044715) * x * x * x)));
  }
  if constexpr (A == Act::ThresholdedRelu) return x > alpha ? x : C(0);
  if constexpr (A == Act::Swish) {
    const C z = alpha * x;  // x * sigmoid(alpha x), split by sign so exp never overflows
    if (z >= C(0)) return x / (C(1) + std::exp(-z));
    const C e = std::exp(z);
    return x * e / (C(1) + e);
  }
  return x;
}

template <Act A>
class ActivationKernel : public OpKernel {
 public:
  explicit ActivationKernel(ActParams p) : p_(p) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kFloatTypes);
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), x.shape());
    if (x.dtype() == DataType::Float && run_vectorized(ctx, x, y)) return;
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (is_float_storage_v<T>) {
        using CT = ComputeType<T>;
        using C = typename CT::type;
        const C alpha = static_cast<C>(p_.alpha), beta = static_cast<C>(p_.beta), gamma = static_cast<C>(p_.gamma);
        map_unary<T, T>(ctx, x, y, [=](T v) { return CT::store(apply<A>(CT::load(v), alpha, beta, gamma)); });
      }
    });
  }

 private:
  // float through the vectorized kernels, for the activations that have one.
  bool run_vectorized(KernelContext& ctx, const Tensor& x, Tensor& y) const {
    using kernels::VOp;
    VOp op;
    if constexpr (A == Act::Elu) op = VOp::Elu;
    else if constexpr (A == Act::LeakyRelu) op = VOp::LeakyRelu;
    else if constexpr (A == Act::HardSigmoid) op = VOp::HardSigmoid;
    else if constexpr (A == Act::HardSwish) op = VOp::HardSwish;
    else if constexpr (A == Act::Gelu) op = VOp::GeluErf;
    else if constexpr (A == Act::GeluTanh) op = VOp::GeluTanh;
    else if constexpr (A == Act::Swish) op = VOp::QuickGelu;  // x sigmoid(alpha x)
    else return false;
    const kernels::VParams p{static_cast<float>(p_.alpha), static_cast<float>(p_.beta)};
    kernels::vmath_apply(ctx.thread_pool(), op, x.data<float>(), y.mutable_data<float>(), x.size(), p);
    return true;
  }

  ActParams p_;
};

template <Act A>
std::unique_ptr<OpKernel> make_act(const ir::Node& node, ActParams p) {
  require_input_dtype(node, 0, kFloatTypes);
  return std::make_unique<ActivationKernel<A>>(p);
}

std::unique_ptr<OpKernel> make_elu(const ir::Node& n) { return make_act<Act::Elu>(n, {n.get_float("alpha", 1.0f)}); }
std::unique_ptr<OpKernel> make_selu(const ir::Node& n) {
  return make_act<Act::Selu>(n, {n.get_float("alpha", 1.67326319217681884765625f), 0,
                                 n.get_float("gamma", 1.05070102214813232421875f)});
}
std::unique_ptr<OpKernel> make_celu(const ir::Node& n) { return make_act<Act::Celu>(n, {n.get_float("alpha", 1.0f)}); }
std::unique_ptr<OpKernel> make_leaky_relu(const ir::Node& n) {
  return make_act<Act::LeakyRelu>(n, {n.get_float("alpha", 0.01f)});
}
std::unique_ptr<OpKernel> make_hard_sigmoid(const ir::Node& n) {
  return make_act<Act::HardSigmoid>(n, {n.get_float("alpha", 0.2f), n.get_float("beta", 0.5f)});
}
std::unique_ptr<OpKernel> make_hard_swish(const ir::Node& n) { return make_act<Act::HardSwish>(n, {1.0 / 6, 0.5}); }
std::unique_ptr<OpKernel> make_mish(const ir::Node& n) { return make_act<Act::Mish>(n, {}); }
std::unique_ptr<OpKernel> make_softplus(const ir::Node& n) { return make_act<Act::Softplus>(n, {}); }
std::unique_ptr<OpKernel> make_softsign(const ir::Node& n) { return make_act<Act::Softsign>(n, {}); }
std::unique_ptr<OpKernel> make_thresholded_relu(const ir::Node& n) {
  return make_act<Act::ThresholdedRelu>(n, {n.get_float("alpha", 1.0f)});
}
std::unique_ptr<OpKernel> make_swish(const ir::Node& n) { return make_act<Act::Swish>(n, {n.get_float("alpha", 1.0f)}); }

std::unique_ptr<OpKernel> make_gelu(const ir::Node& n) {
  const std::string approx = n.get_string("approximate", "none");
  if (approx == "none") return make_act<Act::Gelu>(n, {});
  if (approx == "tanh") return make_act<Act::GeluTanh>(n, {});
  throw_error(ErrorCode::InvalidGraph, n.describe() + ": attribute approximate is '" + approx +
                                           "', expected 'none' or 'tanh'");
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Elu", 1, kMaxOpset, make_elu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Selu", 1, kMaxOpset, make_selu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Celu", 12, kMaxOpset, make_celu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "LeakyRelu", 1, kMaxOpset, make_leaky_relu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "HardSigmoid", 1, kMaxOpset, make_hard_sigmoid, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "HardSwish", 14, kMaxOpset, make_hard_swish, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Mish", 18, kMaxOpset, make_mish, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Softplus", 1, kMaxOpset, make_softplus, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Softsign", 1, kMaxOpset, make_softsign, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Gelu", 20, kMaxOpset, make_gelu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "ThresholdedRelu", 10, kMaxOpset, make_thresholded_relu, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Swish", 24, kMaxOpset, make_swish, propagate_input0_type});

}  // namespace onyxrt::ops
