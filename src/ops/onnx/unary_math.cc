// Element-wise unary math of the default domain: Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor,
// Ceil, Round, Sign, Erf and the trigonometric and hyperbolic functions. float16/bfloat16 compute
// in float and round back. Opset 1's `consumed_inputs` was a memory hint only and is ignored, so
// one kernel serves every version; later versions only widened the type lists.
#include <cmath>
#include <type_traits>

#include "kernels/vmath_parallel.h"
#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class MathOp {
  Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round, Sign, Erf,
  Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh
};

// Ops whose schema also lists integer types (Erf only in opsets 9-12, Neg only signed ones).
constexpr DTypeSet allowed_types(MathOp op) {
  switch (op) {
    case MathOp::Abs:
    case MathOp::Sign:
    case MathOp::Erf: return kNumericTypes;
    case MathOp::Neg: return kFloatTypes | kSignedIntTypes;
    default: return kFloatTypes;
  }
}

template <MathOp Op, typename T>
constexpr bool supports_storage() {
  if constexpr (is_float_storage_v<T>) return true;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if constexpr (Op == MathOp::Neg) return std::is_signed_v<T>;
    return Op == MathOp::Abs || Op == MathOp::Sign || Op == MathOp::Erf;
  }
  return false;
}

template <MathOp Op, typename C>
C apply_integer(C x) {
  using U = std::make_unsigned_t<C>;
  if constexpr (Op == MathOp::Abs) {
    if constexpr (std::is_signed_v<C>) return x < 0 ? static_cast<C>(U{0} - static_cast<U>(x)) : x;  // MIN wraps
    return x;
  } else if constexpr (Op == MathOp::Neg) {
    return static_cast<C>(U{0} - static_cast<U>(x));
  } else if constexpr (Op == MathOp::Sign) {
    return static_cast<C>((C{0} < x) - (x < C{0}));
  } else {
    // Erf on integers (opsets 9-12): the float result truncated back, as numpy's astype does.
    return static_cast<C>(std::erf(static_cast<double>(x)));
  }
}

template <MathOp Op, typename C>
C apply_float(C x) {
  switch (Op) {
    case MathOp::Abs: return std::fabs(x);
    case MathOp::Neg: return -x;
    case MathOp::Exp: return std::exp(x);
    case MathOp::Log: return std::log(x);
    case MathOp::Sqrt: return std::sqrt(x);
    case MathOp::Reciprocal: return C(1) / x;
    case MathOp::Floor: return std::floor(x);
    case MathOp::Ceil: return std::ceil(x);
    case MathOp::Round: return std::nearbyint(x);  // halves to even in the default rounding mode
    case MathOp::Sign: return x > C(0) ? C(1) : (x < C(0) ? C(-1) : x);  // keeps NaN and signed zero, as numpy
    case MathOp::Erf: return std::erf(x);
    case MathOp::Sin: return std::sin(x);
    case MathOp::Cos: return std::cos(x);
    case MathOp::Tan: return std::tan(x);
    case MathOp::Asin: return std::asin(x);
    case MathOp::Acos: return std::acos(x);
    case MathOp::Atan: return std::atan(x);
    case MathOp::Sinh: return std::sinh(x);
    case MathOp::Cosh: return std::cosh(x);
    case MathOp::Asinh: return std::asinh(x);
    case MathOp::Acosh: return std::acosh(x);
    case MathOp::Atanh: return std::atanh(x);
  }
  return x;
}

template <MathOp Op>
class UnaryMathKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, allowed_types(Op));
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), x.shape());
    if constexpr (Op == MathOp::Exp || Op == MathOp::Erf) {
      // float goes through the vectorized polynomial kernels (within 3 ulp of std::).
      if (x.dtype() == DataType::Float) {
        kernels::vmath_apply(ctx.thread_pool(), Op == MathOp::Exp ? kernels::VOp::Exp : kernels::VOp::Erf,
                             x.data<float>(), y.mutable_data<float>(), x.size());
        return;
      }
    }
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (supports_storage<Op, T>()) {
        if constexpr (is_float_storage_v<T>) {
          using CT = ComputeType<T>;
          map_unary<T, T>(ctx, x, y, [](T v) { return CT::store(apply_float<Op>(CT::load(v))); });
        } else {
          map_unary<T, T>(ctx, x, y, [](T v) { return apply_integer<Op>(v); });
        }
      }
    });
  }
};

template <MathOp Op>
std::unique_ptr<OpKernel> make_math(const ir::Node& node) {
  require_input_dtype(node, 0, allowed_types(Op));
  return std::make_unique<UnaryMathKernel<Op>>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Abs", 1, kMaxOpset, make_math<MathOp::Abs>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Neg", 1, kMaxOpset, make_math<MathOp::Neg>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Exp", 1, kMaxOpset, make_math<MathOp::Exp>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Log", 1, kMaxOpset, make_math<MathOp::Log>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Sqrt", 1, kMaxOpset, make_math<MathOp::Sqrt>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Reciprocal", 1, kMaxOpset, make_math<MathOp::Reciprocal>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Floor", 1, kMaxOpset, make_math<MathOp::Floor>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Ceil", 1, kMaxOpset, make_math<MathOp::Ceil>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Round", 11, kMaxOpset, make_math<MathOp::Round>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Sign", 9, kMaxOpset, make_math<MathOp::Sign>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Erf", 9, kMaxOpset, make_math<MathOp::Erf>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Sin", 7, kMaxOpset, make_math<MathOp::Sin>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Cos", 7, kMaxOpset, make_math<MathOp::Cos>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Tan", 7, kMaxOpset, make_math<MathOp::Tan>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Asin", 7, kMaxOpset, make_math<MathOp::Asin>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Acos", 7, kMaxOpset, make_math<MathOp::Acos>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Atan", 7, kMaxOpset, make_math<MathOp::Atan>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Sinh", 9, kMaxOpset, make_math<MathOp::Sinh>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Cosh", 9, kMaxOpset, make_math<MathOp::Cosh>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Asinh", 9, kMaxOpset, make_math<MathOp::Asinh>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Acosh", 9, kMaxOpset, make_math<MathOp::Acosh>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Atanh", 9, kMaxOpset, make_math<MathOp::Atanh>, propagate_input0_type});

}  // namespace onyxrt::ops
