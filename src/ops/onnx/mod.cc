// Mod (opset 10+): fmod=0 takes the divisor's sign (numpy.mod, Python's %), fmod=1 the dividend's
// (C fmod / truncated %). The spec asks fmod=1 for floating types; fmod=0 on floats follows
// numpy.mod as the ONNX reference does. Integer division by zero raises, as Div does.
#include <cmath>
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
T integer_mod(T a, T b, bool fmod, const ir::Node& node) {
  if (b == 0) throw_error(ErrorCode::RuntimeException, node.describe() + ": integer modulo by zero");
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return 0;  // MIN % -1 overflows (and traps on x86); the remainder is 0
    T r = static_cast<T>(a % b);
    if (!fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
    return r;
  } else {
    return static_cast<T>(a % b);
  }
}

template <typename C>
C float_mod(C a, C b, bool fmod) {
  C r = std::fmod(a, b);
  if (fmod) return r;
  if (r != C(0)) {
    if ((r < C(0)) != (b < C(0))) r += b;
  } else {
    r = std::copysign(C(0), b);
  }
  return r;
}

class ModKernel : public OpKernel {
 public:
  explicit ModKernel(bool fmod) : fmod_(fmod) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, a, kNumericTypes);
    check_same_dtype(ctx, a, b);
    const auto bi = broadcast_or_throw(ctx.node(), {a.shape(), b.shape()});
    Tensor& y = ctx.allocate_output(0, a.dtype(), bi.output_shape());
    const bool fmod = fmod_;
    const ir::Node& node = ctx.node();
    visit_numeric(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (is_float_storage_v<T>) {
        using CT = ComputeType<T>;
        map_binary<T, T, T>(ctx, bi, a, b, y,
                            [fmod](T x, T z) { return CT::store(float_mod(CT::load(x), CT::load(z), fmod)); });
      } else if constexpr (!std::is_same_v<T, bool>) {
        map_binary<T, T, T>(ctx, bi, a, b, y, [fmod, &node](T x, T z) { return integer_mod(x, z, fmod, node); });
      }
    });
  }

 private:
  bool fmod_;
};

std::unique_ptr<OpKernel> make_mod(const ir::Node& node) {
  require_input_dtype(node, 0, kNumericTypes);
  require_same_input_dtype(node);
  const int64_t fmod = node.get_int("fmod", 0);
  if (fmod != 0 && fmod != 1) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute fmod is " + std::to_string(fmod) +
                                             ", expected 0 or 1");
  }
  return std::make_unique<ModKernel>(fmod == 1);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Mod", 10, kMaxOpset, make_mod, infer_broadcast_same_type});

}  // namespace onyxrt::ops
