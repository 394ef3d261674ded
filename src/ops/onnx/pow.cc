// Pow: X ** Y with numpy broadcasting (legacy broadcast/axis attributes in opsets 1-6). From
// opset 12 the exponent may have another type than the base (T1); the output has the base's type.
// float16/bfloat16 compute in float; an integer base with an integer exponent is computed exactly
// (wrapping on overflow), with a float exponent through double and truncated back, as
// onnxruntime's static_cast<T>(std::pow(x, y)) does.
#include <cmath>
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

constexpr DTypeSet kBaseTypes = kFloatTypes | DTypeSet{DataType::Int32, DataType::Int64};
constexpr DTypeSet kExponentTypes = kNumericTypes;

// b ** e for integers; a negative exponent gives the truncated fraction (0 unless |b| is 1).
template <typename B, typename E>
B integer_pow(B b, E e) {
  using U = std::make_unsigned_t<B>;
  if constexpr (std::is_signed_v<E>) {
    if (e < 0) {
      if (b == 1) return 1;
      if (b == -1) return (e % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  U result = 1, base = static_cast<U>(b);
  for (auto n = static_cast<std::make_unsigned_t<E>>(e); n != 0; n >>= 1) {
    if (n & 1u) result = static_cast<U>(result * base);
    base = static_cast<U>(base * base);
  }
  return static_cast<B>(result);
}

template <typename TB, typename TE>
void run_pow(KernelContext& ctx, const kernels::ref::BroadcastIndexer& bi, const Tensor& x, const Tensor& y,
             Tensor& z) {
  using CB = ComputeType<TB>;
  using CE = ComputeType<TE>;
  if constexpr (is_float_storage_v<TB>) {
    using C = typename CB::type;
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) {
      return CB::store(std::pow(CB::load(b), static_cast<C>(CE::load(e))));
    });
  } else if constexpr (is_float_storage_v<TE>) {
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) {
      return static_cast<TB>(std::pow(static_cast<double>(b), static_cast<double>(CE::load(e))));
    });
  } else {
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) { return integer_pow(b, e); });
  }
}

class PowKernel : public OpKernel {
 public:
  explicit PowKernel(LegacyBroadcast legacy) : legacy_(legacy) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const Tensor& y = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, x, kBaseTypes);
    check_tensor_dtype(ctx, 1, y, kExponentTypes);
    const auto bi = binary_broadcast(ctx.node(), x.shape(), y.shape(), legacy_);
    Tensor& z = ctx.allocate_output(0, x.dtype(), bi.output_shape());
    visit_numeric(x.dtype(), [&](auto base_tag) {
      using TB = decltype(base_tag);
      if constexpr (is_float_storage_v<TB> || std::is_same_v<TB, int32_t> || std::is_same_v<TB, int64_t>) {
        visit_numeric(y.dtype(), [&](auto exp_tag) {
          using TE = decltype(exp_tag);
          if constexpr (!std::is_same_v<TE, bool>) run_pow<TB, TE>(ctx, bi, x, y, z);
        });
      }
    });
  }

 private:
  LegacyBroadcast legacy_;
};

std::unique_ptr<OpKernel> make_pow(const ir::Node& node) {
  require_input_dtype(node, 0, kBaseTypes);
  require_input_dtype(node, 1, kExponentTypes);
  if (node.opset < 12) require_same_input_dtype(node);  // T1 appeared in opset 12
  return std::make_unique<PowKernel>(LegacyBroadcast::of(node));
}

void infer_pow_legacy(ir::InferenceContext& ctx) { infer_legacy_binary(ctx, DataType::Undefined); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Pow", 1, 6, make_pow, infer_pow_legacy});
ONYXRT_REGISTER_OP({"", "Pow", 7, kMaxOpset, make_pow, infer_broadcast_same_type});

}  // namespace onyxrt::ops
