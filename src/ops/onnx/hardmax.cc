// Hardmax: 1 at the first maximum along the axis, 0 elsewhere. Before opset 13 the input is coerced
// to 2-D [prod(dims[:axis]), prod(dims[axis:])] and the maximum is taken over each whole row
// (default axis 1); from 13 it is taken along the one dim `axis` (default -1).
#include <string>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/softmax_axis.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
void hardmax(const T* x, T* y, int64_t outer, int64_t len, int64_t inner) {
  using C = typename ComputeType<T>::type;
  const T one = ComputeType<T>::store(C(1));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * len * inner + i;
      int64_t best = 0;
      C best_v = ComputeType<T>::load(x[base]);
      for (int64_t k = 1; k < len; ++k) {
        const C v = ComputeType<T>::load(x[base + k * inner]);
        if (v > best_v) {
          best_v = v;
          best = k;
        }
      }
      y[base + best * inner] = one;  // the output is zero-initialised
    }
  }
}

bool hardmax_supported(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

class HardmaxKernel : public OpKernel {
 public:
  explicit HardmaxKernel(const ir::Node& node)
      : axis_(node.get_int("axis", node.opset >= 13 ? -1 : 1)), coerce_2d_(node.opset < 13) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!hardmax_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const AxisSplit split = softmax_axis_split(node, x, axis_, coerce_2d_);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    if (x.size() == 0) return;
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      hardmax<T>(x.data<T>(), y.mutable_data<T>(), split.outer, split.len, split.inner);
    });
  }

 private:
  int64_t axis_;
  bool coerce_2d_;
};

std::unique_ptr<OpKernel> make_hardmax(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !hardmax_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<HardmaxKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Hardmax", 1, 12, make_hardmax, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Hardmax", 13, kMaxOpset, make_hardmax, propagate_input0_type});

}  // namespace onyxrt::ops
