// Clip: min/max as float attributes in opsets 1-10, as optional scalar inputs from opset 11
// (integer types from opset 12). y = min(max(x, lo), hi) as numpy.clip computes it, so NaN passes
// through and lo > hi gives hi. A missing bound is the type's lowest/highest value.
#include <limits>
#include <type_traits>

#include "kernels/vmath_parallel.h"
#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename C>
C clamp(C x, C lo, C hi) {
  const C m = x < lo ? lo : x;
  return hi < m ? hi : m;
}

class ClipKernel : public OpKernel {
 public:
  // `attr_bounds`: opsets 1-10, where lo/hi come from attributes (has_lo/has_hi when present).
  ClipKernel(bool attr_bounds, bool has_lo, float lo, bool has_hi, float hi)
      : attr_bounds_(attr_bounds), has_lo_(has_lo), has_hi_(has_hi), lo_(lo), hi_(hi) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kNumericTypes);
    const Tensor* lo_t = attr_bounds_ ? nullptr : bound_input(ctx, 1, x);
    const Tensor* hi_t = attr_bounds_ ? nullptr : bound_input(ctx, 2, x);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, bool>) {
        using CT = ComputeType<T>;
        using C = typename CT::type;
        C lo = std::numeric_limits<C>::lowest(), hi = std::numeric_limits<C>::max();
        if (attr_bounds_) {
          if (has_lo_) lo = static_cast<C>(lo_);
          if (has_hi_) hi = static_cast<C>(hi_);
        } else {
          if (lo_t != nullptr) lo = CT::load(*lo_t->data<T>());
          if (hi_t != nullptr) hi = CT::load(*hi_t->data<T>());
        }
        if constexpr (std::is_same_v<T, float>) {
          kernels::vmath_apply(ctx.thread_pool(), kernels::VOp::Clip, x.data<float>(), y.mutable_data<float>(),
                               x.size(), {lo, hi});
          return;
        }
        map_unary<T, T>(ctx, x, y, [lo, hi](T v) { return CT::store(clamp(CT::load(v), lo, hi)); });
      }
    });
  }

 private:
  // The optional bound input i: one element of x's type, or nullptr when omitted.
  static const Tensor* bound_input(KernelContext& ctx, int i, const Tensor& x) {
    const Tensor* t = ctx.input(i);
    if (t == nullptr) return nullptr;
    check_same_dtype(ctx, x, *t);
    if (t->size() != 1) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input " + std::to_string(i) + " (" +
                                                  (i == 1 ? "min" : "max") + ") must be a scalar, got " +
                                                  t->describe());
    }
    return t;
  }

  bool attr_bounds_, has_lo_, has_hi_;
  float lo_, hi_;
};

std::unique_ptr<OpKernel> make_clip_attrs(const ir::Node& node) {
  require_input_dtype(node, 0, kFloatTypes);
  return std::make_unique<ClipKernel>(true, node.has("min"), node.get_float("min", 0), node.has("max"),
                                      node.get_float("max", 0));
}

std::unique_ptr<OpKernel> make_clip_inputs(const ir::Node& node) {
  require_input_dtype(node, 0, kNumericTypes);
  require_same_input_dtype(node);
  return std::make_unique<ClipKernel>(false, false, 0, false, 0);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Clip", 1, 10, make_clip_attrs, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Clip", 11, kMaxOpset, make_clip_inputs, propagate_input0_type});

}  // namespace onyxrt::ops
