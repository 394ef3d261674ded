// CumSum (opset 11, 14): running sum along the axis given by input 1 (a 0-D or 1-element int32 or
// int64 tensor). `exclusive` leaves out the element itself; `reverse` sums from the end.
#include <string>
#include <type_traits>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"
#include "ops/common/type_propagation.h"

namespace onyxrt::ops {
namespace {

template <typename T>
void cumsum(const Tensor& x, Tensor& y, int64_t axis, bool exclusive, bool reverse) {
  using C = std::conditional_t<std::is_floating_point_v<typename ComputeType<T>::type>, double,
                               typename ComputeType<T>::type>;
  const Shape& s = x.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
  const int64_t n = s[axis];
  const T* xs = x.data<T>();
  T* ys = y.mutable_data<T>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * n * inner + i;
      C sum{};
      for (int64_t step = 0; step < n; ++step) {
        const int64_t k = reverse ? n - 1 - step : step;
        const int64_t at = base + k * inner;
        const C v = static_cast<C>(ComputeType<T>::load(xs[at]));
        if (!exclusive) sum += v;
        ys[at] = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(sum));
        if (exclusive) sum += v;
      }
    }
  }
}

bool cumsum_supported(DataType dt) {
  bool ok = false;
  if (dt != DataType::Bool) visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

class CumSumKernel : public OpKernel {
 public:
  explicit CumSumKernel(const ir::Node& node)
      : exclusive_(node.get_int("exclusive", 0) != 0), reverse_(node.get_int("reverse", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!cumsum_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Tensor& a = ctx.required_input(1);
    if (a.dtype() != DataType::Int32 && a.dtype() != DataType::Int64) unsupported_type(node, 1, a.dtype());
    const int64_t axis = normalize_axis(scalar_as_int64(a, node, "axis"), static_cast<int64_t>(x.rank()), node);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    if (x.size() == 0) return;
    visit_numeric(x.dtype(), [&](auto tag) { cumsum<decltype(tag)>(x, y, axis, exclusive_, reverse_); });
  }

 private:
  bool exclusive_;
  bool reverse_;
};

std::unique_ptr<OpKernel> make_cumsum(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !cumsum_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<CumSumKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "CumSum", 11, kMaxOpset, make_cumsum, propagate_input0_type});

}  // namespace onyxrt::ops
