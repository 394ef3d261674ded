// onnxruntime's contrib LayerNormalization (default domain, opsets 1-16, before ONNX defined its
// own at 17) and SimplifiedLayerNormalization (default domain, opset 1+), as its fusions write
// them; also accepted under com.microsoft, where some tools put them:
//   LayerNormalization            Y = (X - mean) * inv_std * Scale (+ B); outputs Mean, InvStdDev
//   SimplifiedLayerNormalization  Y = X * inv_rms * Scale (RMS norm); output inv_std_var
// over dims [axis, rank). Statistics have shape X.shape[:axis] + [1] * (rank - axis) and type
// stash_type (float by default; onnxruntime also accepts double). Accumulation in double.
#include <cmath>
#include <memory>
#include <type_traits>

#include "kernels/ref/normalization.h"
#include "kernels/vmath.h"
#include "ops/common/axes.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

DataType stash_dtype(const ir::Node& node) {
  const int64_t s = node.get_int("stash_type", 1);
  if (s == static_cast<int64_t>(DataType::Float)) return DataType::Float;
  if (s == static_cast<int64_t>(DataType::Double)) return DataType::Double;
  throw_error(ErrorCode::NotImplemented, node.describe() + ": stash_type " + std::to_string(s) + " is not supported");
}

class NormKernel final : public OpKernel {
 public:
  NormKernel(const ir::Node& node, bool simplified)
      : simplified_(simplified),
        axis_(node.get_int("axis", -1)),
        epsilon_(node.get_float("epsilon", 1e-5f)),
        stash_(stash_dtype(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() == DataType::Float) return run<float>(ctx, X);
    if (X.dtype() == DataType::Double) return run<double>(ctx, X);
    unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& scale = ctx.required_input(1);
    const Tensor* bias = simplified_ ? nullptr : ctx.input(2);
    const int64_t rank = static_cast<int64_t>(X.rank());
    const int64_t axis = normalize_axis(axis_, rank, node);
    const Shape norm_shape(X.shape().begin() + axis, X.shape().end());
    std::vector<int64_t> scale_idx, bias_idx;
    auto check = [&](const Tensor& p, const char* what, std::vector<int64_t>& idx) {
      if (p.dtype() != X.dtype() || !kernels::broadcast_param_index(p.shape(), norm_shape, idx))
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " " + p.describe() +
                                                    " must have X's type and broadcast to X.shape[axis:] " +
                                                    shape_to_string(norm_shape));
    };
    check(scale, "scale", scale_idx);
    if (bias) check(*bias, "bias", bias_idx);

    Shape stat_shape(X.shape().begin(), X.shape().begin() + axis);
    stat_shape.resize(static_cast<size_t>(rank), 1);
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), X.shape());
    Tensor* mean_out = simplified_ ? nullptr : optional_output(ctx, 1, stash_, stat_shape);
    Tensor* inv_out = optional_output(ctx, simplified_ ? 1 : 2, stash_, stat_shape);
    const int64_t cols = shape_size(norm_shape);
    const int64_t rows = shape_size(stat_shape);
    if (cols == 0 || rows == 0) return;
    const T* x = X.data<T>();
    const T* s = scale.data<T>();
    const T* b = bias ? bias->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    auto put = [&](Tensor* t, int64_t r, double v) {
      if (!t) return;
      if (stash_ == DataType::Float) t->mutable_data<float>()[r] = static_cast<float>(v);
      else t->mutable_data<double>()[r] = v;
    };
    // float with scale and bias covering all of X.shape[axis:] (the transformer case): vector rows.
    if constexpr (std::is_same_v<T, float>) {
      if (scale.size() == cols && (!b || bias->size() == cols)) {
        const kernels::VMathKernels& k = kernels::vmath();
        ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
          for (int64_t r = r0; r < r1; ++r) {
            kernels::LayerNormRow row;
            row.x = x + r * cols, row.gamma = s, row.beta = b, row.y = y + r * cols;
            row.n = cols, row.epsilon = epsilon_, row.simplified = simplified_;
            float mean, inv;
            k.layer_norm_row(row, &mean, &inv);
            put(mean_out, r, mean);
            put(inv_out, r, inv);
          }
        });
        return;
      }
    }
    ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        T* yr = y + r * cols;
        double mean = 0, var = 0;
        if (simplified_) {
          for (int64_t i = 0; i < cols; ++i) var += static_cast<double>(xr[i]) * static_cast<double>(xr[i]);
          var /= static_cast<double>(cols);
        } else {
          const kernels::MeanVar mv = kernels::mean_var(cols, [&](int64_t i) { return static_cast<double>(xr[i]); });
          mean = mv.mean, var = mv.var;
        }
        const double inv = 1.0 / std::sqrt(var + static_cast<double>(epsilon_));
        for (int64_t i = 0; i < cols; ++i) {
          double v = (static_cast<double>(xr[i]) - mean) * inv * static_cast<double>(s[scale_idx[i]]);
          if (b) v += static_cast<double>(b[bias_idx[i]]);
          yr[i] = static_cast<T>(v);
        }
        put(mean_out, r, mean);
        put(inv_out, r, inv);
      }
    });
  }

  bool simplified_;
  int64_t axis_;
  float epsilon_;
  DataType stash_;
};

template <bool simplified>
std::unique_ptr<OpKernel> make_norm(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2});
  return std::make_unique<NormKernel>(node, simplified);
}

template <bool simplified>
void infer_norm(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, x);
  const DataType stash = stash_dtype(ctx.node());
  ir::TypeInfo stat = ir::TypeInfo::tensor(stash);
  if (x.has_shape) {
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    const int64_t axis = normalize_axis(ctx.node().get_int("axis", -1), rank, ctx.node());
    ir::SymShape s(x.shape.begin(), x.shape.begin() + axis);
    s.resize(static_cast<size_t>(rank), ir::Dim::of(1));
    stat = ir::TypeInfo::tensor(stash, std::move(s));
  }
  const int last = simplified ? 2 : 3;
  for (int i = 1; i < ctx.output_count() && i < last; ++i)
    if (ctx.node().outputs[i] != nullptr) ctx.set_output_type(i, stat);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LayerNormalization", 1, 16, make_norm<false>, infer_norm<false>});
ONYXRT_REGISTER_OP({"", "SimplifiedLayerNormalization", 1, kMaxOpset, make_norm<true>, infer_norm<true>});
ONYXRT_REGISTER_OP({"com.microsoft", "LayerNormalization", 1, kMaxOpset, make_norm<false>, infer_norm<false>});
ONYXRT_REGISTER_OP({"com.microsoft", "SimplifiedLayerNormalization", 1, kMaxOpset, make_norm<true>, infer_norm<true>});

}  // namespace onyxrt::ops::contrib
