// LogSoftmax: x - max - log(sum(exp(x - max))) along the axis, computed in double. Before opset 13
// the input is coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])] (default axis 1); from 13 the
// op works along the one dim `axis` (default -1).
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/vmath_parallel.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/softmax_axis.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
void log_softmax(const T* x, T* y, int64_t outer, int64_t len, int64_t inner) {
  using C = typename ComputeType<T>::type;
  std::vector<double> row(static_cast<size_t>(len));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * len * inner + i;
      double mx = -INFINITY;
      for (int64_t k = 0; k < len; ++k) {
        row[k] = static_cast<double>(ComputeType<T>::load(x[base + k * inner]));
        if (row[k] > mx) mx = row[k];
      }
      if (!std::isfinite(mx)) mx = 0;  // all -inf (or inf) rows: let the arithmetic give NaN/-inf
      double sum = 0;
      for (int64_t k = 0; k < len; ++k) sum += std::exp(row[k] - mx);
      const double log_sum = std::log(sum);
      for (int64_t k = 0; k < len; ++k) y[base + k * inner] = ComputeType<T>::store(static_cast<C>(row[k] - mx - log_sum));
    }
  }
}

bool log_softmax_supported(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

class LogSoftmaxKernel : public OpKernel {
 public:
  explicit LogSoftmaxKernel(const ir::Node& node)
      : axis_(node.get_int("axis", node.opset >= 13 ? -1 : 1)), coerce_2d_(node.opset < 13) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!log_softmax_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const AxisSplit split = softmax_axis_split(node, x, axis_, coerce_2d_);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    if (x.size() == 0) return;
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_floating_point_v<typename ComputeType<T>::type>) {
        if constexpr (std::is_same_v<T, float>) {
          if (split.inner == 1)
            return kernels::softmax_rows(ctx.thread_pool(), x.data<float>(), y.mutable_data<float>(), split.outer,
                                         split.len, true);
        }
        log_softmax<T>(x.data<T>(), y.mutable_data<T>(), split.outer, split.len, split.inner);
      }
    });
  }

 private:
  int64_t axis_;
  bool coerce_2d_;
};

std::unique_ptr<OpKernel> make_log_softmax(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !log_softmax_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<LogSoftmaxKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LogSoftmax", 1, 12, make_log_softmax, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "LogSoftmax", 13, kMaxOpset, make_log_softmax, propagate_input0_type});

}  // namespace onyxrt::ops
