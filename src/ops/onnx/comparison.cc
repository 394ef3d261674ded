// Equal, Less, Greater, LessOrEqual, GreaterOrEqual: numpy broadcasting (legacy broadcast/axis
// attributes in opsets 1-6), bool output. float16/bfloat16 compare as float; NaN compares false
// (IEEE), as numpy and onnxruntime do. Equal also takes bool and, from opset 19, string.
#include <string>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Cmp { Eq, Lt, Gt, Le, Ge };

constexpr DTypeSet kStringType{DataType::String};

constexpr DTypeSet allowed_types(Cmp c) { return c == Cmp::Eq ? kNumericTypes | kBoolType | kStringType : kNumericTypes; }

template <Cmp C, typename V>
bool compare(const V& a, const V& b) {
  if constexpr (C == Cmp::Eq) return a == b;
  if constexpr (C == Cmp::Lt) return a < b;
  if constexpr (C == Cmp::Gt) return a > b;
  if constexpr (C == Cmp::Le) return a <= b;
  if constexpr (C == Cmp::Ge) return a >= b;
}

template <Cmp C>
class CompareKernel : public OpKernel {
 public:
  explicit CompareKernel(LegacyBroadcast legacy) : legacy_(legacy) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, a, allowed_types(C));
    check_same_dtype(ctx, a, b);
    const auto bi = binary_broadcast(ctx.node(), a.shape(), b.shape(), legacy_);
    Tensor& y = ctx.allocate_output(0, DataType::Bool, bi.output_shape());
    if (a.dtype() == DataType::String) {
      map_binary<std::string, std::string, bool>(ctx, bi, a, b, y,
                                                 [](const std::string& x, const std::string& z) { return compare<C>(x, z); });
      return;
    }
    visit_numeric(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using CT = ComputeType<T>;
      map_binary<T, T, bool>(ctx, bi, a, b, y, [](T x, T z) { return compare<C>(CT::load(x), CT::load(z)); });
    });
  }

 private:
  LegacyBroadcast legacy_;
};

template <Cmp C>
std::unique_ptr<OpKernel> make_compare(const ir::Node& node) {
  require_input_dtype(node, 0, allowed_types(C));
  require_same_input_dtype(node);
  return std::make_unique<CompareKernel<C>>(LegacyBroadcast::of(node));
}

void infer_legacy_bool(ir::InferenceContext& ctx) { infer_legacy_binary(ctx, DataType::Bool); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Equal", 1, 6, make_compare<Cmp::Eq>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "Equal", 7, kMaxOpset, make_compare<Cmp::Eq>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "Less", 1, 6, make_compare<Cmp::Lt>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "Less", 7, kMaxOpset, make_compare<Cmp::Lt>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "Greater", 1, 6, make_compare<Cmp::Gt>, infer_legacy_bool});
ONYXRT_REGISTER_OP({"", "Greater", 7, kMaxOpset, make_compare<Cmp::Gt>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "LessOrEqual", 12, kMaxOpset, make_compare<Cmp::Le>, infer_broadcast_bool});
ONYXRT_REGISTER_OP({"", "GreaterOrEqual", 12, kMaxOpset, make_compare<Cmp::Ge>, infer_broadcast_bool});

}  // namespace onyxrt::ops
