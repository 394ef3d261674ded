// And, Or, Xor on bool tensors: numpy broadcasting from opset 7, the legacy broadcast/axis
// attributes before it. (Not is with the other unary predicates.)
#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Logic { And, Or, Xor };

template <Logic L>
class LogicalKernel : public OpKernel {
 public:
  explicit LogicalKernel(LegacyBroadcast legacy) : legacy_(legacy) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, a, kBoolType);
    check_tensor_dtype(ctx, 1, b, kBoolType);
    const auto bi = binary_broadcast(ctx.node(), a.shape(), b.shape(), legacy_);
    Tensor& y = ctx.allocate_output(0, DataType::Bool, bi.output_shape());
    map_binary<bool, bool, bool>(ctx, bi, a, b, y, [](bool x, bool z) {
      if constexpr (L == Logic::And) return x && z;
      if constexpr (L == Logic::Or) return x || z;
      return x != z;
    });
  }

 private:
  LegacyBroadcast legacy_;
};

template <Logic L>
std::unique_ptr<OpKernel> make_logical(const ir::Node& node) {
  require_input_dtype(node, 0, kBoolType);
  require_input_dtype(node, 1, kBoolType);
  return std::make_unique<LogicalKernel<L>>(LegacyBroadcast::of(node));
}

void infer_legacy_bool(ir::InferenceContext& ctx) { infer_legacy_binary(ctx, DataType::Bool); }

}  // namespace

ONYXRT_REGISTER_OP({"", "And", 1, 6, make_logical<Logic::And>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "And", 7, kMaxOpset, make_logical<Logic::And>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "Or", 1, 6, make_logical<Logic::Or>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "Or", 7, kMaxOpset, make_logical<Logic::Or>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "Xor", 1, 6, make_logical<Logic::Xor>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "Xor", 7, kMaxOpset, make_logical<Logic::Xor>, infer_broadcast_bool});

}  // namespace onyxrt::ops
