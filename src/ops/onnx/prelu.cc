// PRelu: y = x < 0 ? slope * x : x, with slope broadcast to X's shape (unidirectional numpy
// broadcasting from opset 7). Opsets 1-6 took a slope of one element (shared) or one per channel
// (X's dim 1). Integer types (opset 9+) multiply with wrap-around.
#include <type_traits>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

constexpr DTypeSet kPReluTypes = kFloatTypes | DTypeSet{DataType::Int32, DataType::Int64, DataType::UInt32,
                                                        DataType::UInt64};

template <typename T>
T prelu(T x, T slope) {
  using CT = ComputeType<T>;
  if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      using U = std::make_unsigned_t<T>;
      return x < 0 ? static_cast<T>(static_cast<U>(slope) * static_cast<U>(x)) : x;
    }
    return x;
  } else {
    const auto v = CT::load(x);
    return v < 0 ? CT::store(CT::load(slope) * v) : x;
  }
}

class PReluKernel : public OpKernel {
 public:
  explicit PReluKernel(bool legacy) : legacy_(legacy) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const Tensor& slope = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, x, kPReluTypes);
    check_same_dtype(ctx, x, slope);
    const auto bi = broadcast_or_throw(ctx.node(), {x.shape(), slope_shape(x.shape(), slope.shape())});
    if (bi.output_shape() != x.shape()) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": slope " + slope.describe() +
                                                  " does not broadcast to X " + x.describe());
    }
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, bool>) map_binary<T, T, T>(ctx, bi, x, slope, y, prelu<T>);
    });
  }

 private:
  // Opsets 1-6: a one-element slope is shared; a 1-D slope of X's channel count applies per channel.
  Shape slope_shape(const Shape& x, const Shape& slope) const {
    if (!legacy_) return slope;
    if (shape_size(slope) == 1) return {};
    if (slope.size() == 1 && x.size() >= 2 && slope[0] == x[1] && x.back() != slope[0]) {
      Shape s(x.size() - 1, 1);
      s[0] = slope[0];
      return s;
    }
    return slope;
  }

  bool legacy_;
};

std::unique_ptr<OpKernel> make_prelu(const ir::Node& node) {
  require_input_dtype(node, 0, kPReluTypes);
  require_same_input_dtype(node);
  return std::make_unique<PReluKernel>(node.opset < 7);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "PRelu", 1, kMaxOpset, make_prelu, propagate_input0_type});

}  // namespace onyxrt::ops
