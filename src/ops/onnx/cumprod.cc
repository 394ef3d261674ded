// CumProd (opset 26): running product along the axis given by input 1 (a 0-D or 1-element int32 or
// int64 tensor). `exclusive` leaves out the element itself (the first output is 1); `reverse`
// multiplies from the end.
#include <type_traits>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool cumprod_supported(DataType dt) {
  switch (dt) {
    case DataType::UInt32: case DataType::UInt64: case DataType::Int32: case DataType::Int64:
    case DataType::Float16: case DataType::Float: case DataType::Double: case DataType::BFloat16:
      return true;
    default:
      return false;
  }
}

template <typename T>
void cumprod(const Tensor& x, Tensor& y, int64_t axis, bool exclusive, bool reverse) {
  // Products accumulate in the element type (float for halves), as numpy.cumprod does.
  using C = typename ComputeType<T>::type;
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
      C prod = C(1);
      for (int64_t step = 0; step < n; ++step) {
        const int64_t at = base + (reverse ? n - 1 - step : step) * inner;
        const C v = ComputeType<T>::load(xs[at]);
        if (!exclusive) prod = static_cast<C>(prod * v);
        ys[at] = ComputeType<T>::store(prod);
        if (exclusive) prod = static_cast<C>(prod * v);
      }
    }
  }
}

class CumProdKernel : public OpKernel {
 public:
  explicit CumProdKernel(const ir::Node& node)
      : exclusive_(node.get_int("exclusive", 0) != 0), reverse_(node.get_int("reverse", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!cumprod_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Tensor& a = ctx.required_input(1);
    if (a.dtype() != DataType::Int32 && a.dtype() != DataType::Int64) unsupported_type(node, 1, a.dtype());
    const int64_t axis = normalize_axis(scalar_as_int64(a, node, "axis"), static_cast<int64_t>(x.rank()), node);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    if (x.size() == 0) return;
    visit_numeric(x.dtype(), [&](auto tag) { cumprod<decltype(tag)>(x, y, axis, exclusive_, reverse_); });
  }

 private:
  bool exclusive_;
  bool reverse_;
};

std::unique_ptr<OpKernel> make_cumprod(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !cumprod_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<CumProdKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "CumProd", 26, kMaxOpset, make_cumprod, propagate_input0_type});

}  // namespace onyxrt::ops
