// RMSNormalization (ONNX opset 23): Y = X / sqrt(mean(X^2 over dims [axis, rank)) + epsilon) * Scale,
// Scale broadcasting unidirectionally onto X.shape[axis:]. Accumulation in double; half types
// compute in float (stash_type float or double is accepted; both are at least as precise).
#include <cmath>
#include <memory>
#include <type_traits>

#include "kernels/ref/float_types.h"
#include "kernels/ref/normalization.h"
#include "kernels/vmath.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class RmsNormKernel final : public OpKernel {
 public:
  explicit RmsNormKernel(const ir::Node& node)
      : axis_(node.get_int("axis", -1)), epsilon_(node.get_float("epsilon", 1e-5f)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!kernels::visit_float_or_half(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    using CT = ComputeType<T>;
    const ir::Node& node = ctx.node();
    const Tensor& scale = ctx.required_input(1);
    if (scale.dtype() != X.dtype())
      throw_error(ErrorCode::NotImplemented, node.describe() + ": Scale must have X's element type");
    const int64_t axis = normalize_axis(axis_, static_cast<int64_t>(X.rank()), node);
    const Shape norm_shape(X.shape().begin() + axis, X.shape().end());
    std::vector<int64_t> idx;
    if (!kernels::broadcast_param_index(scale.shape(), norm_shape, idx))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": Scale " + shape_to_string(scale.shape()) +
                                                  " does not broadcast to " + shape_to_string(norm_shape));
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    const int64_t cols = shape_size(norm_shape);
    if (cols == 0 || X.size() == 0) return;
    const int64_t rows = X.size() / cols;
    const T* x = X.data<T>();
    const T* s = scale.data<T>();
    T* y = Y.mutable_data<T>();
    if constexpr (std::is_same_v<T, float>) {
      if (scale.size() == cols) {
        const kernels::VMathKernels& k = kernels::vmath();
        ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
          for (int64_t r = r0; r < r1; ++r) {
            kernels::LayerNormRow row;
            row.x = x + r * cols, row.gamma = s, row.y = y + r * cols;
            row.n = cols, row.epsilon = epsilon_, row.simplified = true;
            k.layer_norm_row(row, nullptr, nullptr);
          }
        });
        return;
      }
    }
    ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        double sq = 0;
        for (int64_t i = 0; i < cols; ++i) {
          const double v = static_cast<double>(CT::load(xr[i]));
          sq += v * v;
        }
        const double inv = 1.0 / std::sqrt(sq / static_cast<double>(cols) + static_cast<double>(epsilon_));
        for (int64_t i = 0; i < cols; ++i) {
          const double v = static_cast<double>(CT::load(xr[i])) * inv * static_cast<double>(CT::load(s[idx[i]]));
          y[r * cols + i] = CT::store(static_cast<typename CT::type>(v));
        }
      }
    });
  }

  int64_t axis_;
  float epsilon_;
};

std::unique_ptr<OpKernel> make_rms_norm(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
  }
  const int64_t stash = node.get_int("stash_type", 1);
  if (stash != static_cast<int64_t>(DataType::Float) && stash != static_cast<int64_t>(DataType::Double))
    throw_error(ErrorCode::NotImplemented, node.describe() + ": stash_type " + std::to_string(stash) + " is not supported");
  return std::make_unique<RmsNormKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "RMSNormalization", 23, kMaxOpset, make_rms_norm, propagate_input0_type});

}  // namespace onyxrt::ops
