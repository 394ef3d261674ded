// BitShift (unsigned from opset 11, signed too from opset 28), BitwiseAnd/Or/Xor/Not (opset 18).
// Shift amounts outside [0, bit width) give 0 (a right shift of a negative signed value gives -1),
// as the ONNX reference does, instead of C++'s undefined behaviour; a signed left shift wraps.
#include <string>
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Bit { And, Or, Xor, ShiftLeft, ShiftRight };

template <Bit B, typename T>
T apply(T x, T s) {
  if constexpr (B == Bit::And) return static_cast<T>(x & s);
  if constexpr (B == Bit::Or) return static_cast<T>(x | s);
  if constexpr (B == Bit::Xor) return static_cast<T>(x ^ s);
  using U = std::make_unsigned_t<T>;
  constexpr T width = static_cast<T>(sizeof(T) * 8);
  bool in_range = s < width;
  if constexpr (std::is_signed_v<T>) in_range = in_range && s >= T{0};
  if constexpr (B == Bit::ShiftLeft) {
    return in_range ? static_cast<T>(static_cast<U>(x) << s) : T{0};
  } else {
    if (in_range) return static_cast<T>(x >> s);  // arithmetic for signed T (C++20)
    if constexpr (std::is_signed_v<T>) return x < T{0} ? T{-1} : T{0};
    return T{0};
  }
}

template <Bit B>
class BitwiseBinaryKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, a, kIntTypes);
    check_same_dtype(ctx, a, b);
    const auto bi = broadcast_or_throw(ctx.node(), {a.shape(), b.shape()});
    Tensor& y = ctx.allocate_output(0, a.dtype(), bi.output_shape());
    visit_numeric(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        map_binary<T, T, T>(ctx, bi, a, b, y, [](T x, T s) { return apply<B>(x, s); });
      }
    });
  }
};

class BitwiseNotKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kIntTypes);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        map_unary<T, T>(ctx, x, y, [](T v) { return static_cast<T>(~v); });
      }
    });
  }
};

template <Bit B>
std::unique_ptr<OpKernel> make_bitwise(const ir::Node& node) {
  require_input_dtype(node, 0, kIntTypes);
  require_same_input_dtype(node);
  return std::make_unique<BitwiseBinaryKernel<B>>();
}

// Opset 11 defined BitShift on unsigned types only.
std::unique_ptr<OpKernel> make_bitshift(const ir::Node& node) {
  require_input_dtype(node, 0, node.opset < 28 ? kUnsignedIntTypes : kIntTypes);
  require_same_input_dtype(node);
  const std::string direction = node.get_string("direction", "");
  if (direction == "LEFT") return std::make_unique<BitwiseBinaryKernel<Bit::ShiftLeft>>();
  if (direction == "RIGHT") return std::make_unique<BitwiseBinaryKernel<Bit::ShiftRight>>();
  throw_error(ErrorCode::InvalidGraph,
              node.describe() + ": attribute direction is '" + direction + "', expected 'LEFT' or 'RIGHT'");
}

std::unique_ptr<OpKernel> make_bitwise_not(const ir::Node& node) {
  require_input_dtype(node, 0, kIntTypes);
  return std::make_unique<BitwiseNotKernel>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "BitShift", 11, kMaxOpset, make_bitshift, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "BitwiseAnd", 18, kMaxOpset, make_bitwise<Bit::And>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "BitwiseOr", 18, kMaxOpset, make_bitwise<Bit::Or>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "BitwiseXor", 18, kMaxOpset, make_bitwise<Bit::Xor>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "BitwiseNot", 18, kMaxOpset, make_bitwise_not, propagate_input0_type});

}  // namespace onyxrt::ops
