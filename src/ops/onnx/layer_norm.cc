// LayerNormalization (ONNX opset 17): normalizes over the dims [axis, rank) of X,
//   Y = (X - mean) / sqrt(var + epsilon) * Scale + B,
// Scale and B broadcasting unidirectionally onto X.shape[axis:]. The optional outputs Mean and
// InvStdDev have shape X.shape[:axis] + [1] * (rank - axis) and the element type named by
// stash_type (float by default). Statistics are accumulated in double; half types compute in float.
#include <cmath>
#include <memory>
#include <type_traits>

#include "kernels/ref/float_types.h"
#include "kernels/ref/normalization.h"
#include "kernels/vmath.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
double load_d(T v) {
  return static_cast<double>(ComputeType<T>::load(v));
}
template <typename T>
T store_d(double v) {
  return ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(v));
}

DataType stash_dtype(const ir::Node& node) {
  const int64_t s = node.get_int("stash_type", 1);
  if (s == static_cast<int64_t>(DataType::Float)) return DataType::Float;
  if (s == static_cast<int64_t>(DataType::Double)) return DataType::Double;
  throw_error(ErrorCode::NotImplemented,
              node.describe() + ": stash_type " + std::to_string(s) + " is not supported (float or double)");
}

class LayerNormKernel final : public OpKernel {
 public:
  explicit LayerNormKernel(const ir::Node& node)
      : axis_(node.get_int("axis", -1)), epsilon_(node.get_float("epsilon", 1e-5f)), stash_(stash_dtype(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!kernels::visit_float_or_half(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& scale = ctx.required_input(1);
    const Tensor* bias = ctx.input(2);
    const int64_t rank = static_cast<int64_t>(X.rank());
    const int64_t axis = normalize_axis(axis_, rank, node);
    const Shape norm_shape(X.shape().begin() + axis, X.shape().end());
    std::vector<int64_t> scale_idx, bias_idx;
    auto check = [&](const Tensor& p, const char* what, std::vector<int64_t>& idx) {
      if (p.dtype() != X.dtype())
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must have X's element type");
      if (!kernels::broadcast_param_index(p.shape(), norm_shape, idx))
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " " + shape_to_string(p.shape()) +
                                                    " does not broadcast to X.shape[axis:] " +
                                                    shape_to_string(norm_shape));
    };
    check(scale, "Scale", scale_idx);
    if (bias) check(*bias, "B", bias_idx);

    Shape stat_shape(X.shape().begin(), X.shape().begin() + axis);
    stat_shape.resize(static_cast<size_t>(rank), 1);
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), X.shape());
    Tensor* mean_out = ctx.output_count() > 1 && ctx.output_requested(1)
                           ? &ctx.allocate_output(1, stash_, stat_shape) : nullptr;
    Tensor* inv_out = ctx.output_count() > 2 && ctx.output_requested(2)
                          ? &ctx.allocate_output(2, stash_, stat_shape) : nullptr;
    const int64_t cols = shape_size(norm_shape);
    const int64_t rows = shape_size(Shape(X.shape().begin(), X.shape().begin() + axis));
    if (cols == 0 || rows == 0) return;
    const T* x = X.data<T>();
    const T* s = scale.data<T>();
    const T* b = bias ? bias->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    // float with Scale and B covering all of X.shape[axis:] (the transformer case): vector rows.
    if constexpr (std::is_same_v<T, float>) {
      if (scale.size() == cols && (!b || bias->size() == cols)) {
        const kernels::VMathKernels& k = kernels::vmath();
        ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
          for (int64_t r = r0; r < r1; ++r) {
            kernels::LayerNormRow row;
            row.x = x + r * cols, row.gamma = s, row.beta = b, row.y = y + r * cols;
            row.n = cols, row.epsilon = epsilon_;
            float mean, inv;
            k.layer_norm_row(row, &mean, &inv);
            store_stat(mean_out, r, mean);
            store_stat(inv_out, r, inv);
          }
        });
        return;
      }
    }
    auto put_stat = [&](Tensor* t, int64_t r, double v) {
      if (!t) return;
      if (stash_ == DataType::Float) t->mutable_data<float>()[r] = static_cast<float>(v);
      else t->mutable_data<double>()[r] = v;
    };
    ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * cols;
        T* yr = y + r * cols;
        const kernels::MeanVar mv = kernels::mean_var(cols, [&](int64_t i) { return load_d(xr[i]); });
        const double inv = 1.0 / std::sqrt(mv.var + static_cast<double>(epsilon_));
        for (int64_t i = 0; i < cols; ++i) {
          double v = (load_d(xr[i]) - mv.mean) * inv * load_d(s[scale_idx[i]]);
          if (b) v += load_d(b[bias_idx[i]]);
          yr[i] = store_d<T>(v);
        }
        put_stat(mean_out, r, mv.mean);
        put_stat(inv_out, r, inv);
      }
    });
  }

  void store_stat(Tensor* t, int64_t r, float v) const {
    if (!t) return;
    if (stash_ == DataType::Float) t->mutable_data<float>()[r] = v;
    else t->mutable_data<double>()[r] = v;
  }

  int64_t axis_;
  float epsilon_;
  DataType stash_;
};

std::unique_ptr<OpKernel> make_layer_norm(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<LayerNormKernel>(node);
}

void infer_layer_norm(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, x);
  if (ctx.output_count() < 2) return;
  const DataType stash = stash_dtype(ctx.node());
  ir::TypeInfo stat = ir::TypeInfo::tensor(stash);
  if (x.has_shape) {
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    const int64_t axis = normalize_axis(ctx.node().get_int("axis", -1), rank, ctx.node());
    ir::SymShape s(x.shape.begin(), x.shape.begin() + axis);
    s.resize(static_cast<size_t>(rank), ir::Dim::of(1));
    stat = ir::TypeInfo::tensor(stash, std::move(s));
  }
  for (int i = 1; i < ctx.output_count() && i < 3; ++i)
    if (ctx.node().outputs[i] != nullptr) ctx.set_output_type(i, stat);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LayerNormalization", 17, kMaxOpset, make_layer_norm, infer_layer_norm});

}  // namespace onyxrt::ops
