// com.microsoft SkipLayerNormalization and SkipSimplifiedLayerNormalization (opset 1): the
// residual add of a transformer block fused with its norm over the last dim.
//   sum = input + skip (+ bias)          skip is input's shape or broadcasts as [1, S, H] / [S, H]
//   SkipLayerNormalization            output = (sum - mean) * inv_std * gamma (+ beta)
//   SkipSimplifiedLayerNormalization  output = sum * inv_rms * gamma
// Inputs: input, skip, gamma, then beta and bias (SkipLayerNormalization) or bias (Simplified).
// Optional outputs: mean, inv_std_var (float, shape input.shape[:-1] + [1]) and
// input_skip_bias_sum (the pre-norm sum, used by the next block's residual).
#include <algorithm>
#include <cmath>
#include <vector>
#include <memory>
#include <type_traits>

#include "kernels/vmath.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

class SkipNormKernel final : public OpKernel {
 public:
  SkipNormKernel(const ir::Node& node, bool simplified)
      : simplified_(simplified), epsilon_(node.get_float("epsilon", 1e-12f)) {}

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
    const Tensor& skip = ctx.required_input(1);
    const Tensor& gamma = ctx.required_input(2);
    const Tensor* beta = simplified_ ? nullptr : ctx.input(3);
    const Tensor* bias = ctx.input(simplified_ ? 3 : 4);
    if (X.rank() < 2)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": input must have rank >= 2, got " + X.describe());
    const int64_t H = X.shape().back();
    const int64_t rows = X.size() / std::max<int64_t>(1, H);
    // skip may broadcast over leading dims: it repeats every skip.size() / H rows.
    // An empty input takes an empty skip of its own shape.
    const bool same_shape = skip.shape() == X.shape();
    if (skip.dtype() != X.dtype() ||
        (!same_shape && (skip.rank() < 2 || skip.shape().back() != H || skip.size() == 0 ||
                         (rows * H) % skip.size() != 0 || X.rank() < skip.rank() ||
                         !std::equal(skip.shape().begin() + 1, skip.shape().end(),
                                     X.shape().end() - (skip.rank() - 1)))))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": skip " + skip.describe() +
                                                  " must equal input " + X.describe() + " or broadcast over its batch");
    auto check_vec = [&](const Tensor* t, const char* what) {
      if (t && (t->dtype() != X.dtype() || t->size() != H || t->rank() > 2))
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " " + t->describe() +
                                                    " must be [hidden] = [" + std::to_string(H) + "] of input's type");
    };
    check_vec(&gamma, "gamma");
    check_vec(beta, "beta");
    check_vec(bias, "bias");

    Shape stat_shape(X.shape().begin(), X.shape().end() - 1);
    stat_shape.push_back(1);
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), X.shape());
    Tensor* mean_out = optional_output(ctx, 1, DataType::Float, stat_shape);
    Tensor* inv_out = optional_output(ctx, 2, DataType::Float, stat_shape);
    Tensor* sum_out = optional_output(ctx, 3, X.dtype(), X.shape());
    if (rows == 0 || H == 0) return;
    const T* x = X.data<T>();
    const T* sk = skip.data<T>();
    const int64_t skip_rows = skip.size() / H;
    const T* g = gamma.data<T>();
    const T* be = beta ? beta->data<T>() : nullptr;
    const T* bi = bias ? bias->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    T* sum_data = sum_out ? sum_out->mutable_data<T>() : nullptr;
    if constexpr (std::is_same_v<T, float>) {
      const kernels::VMathKernels& k = kernels::vmath();
      ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / H), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          kernels::LayerNormRow row;
          row.x = x + r * H, row.skip = sk + (r % skip_rows) * H, row.bias = bi, row.gamma = g, row.beta = be;
          row.y = y + r * H, row.sum = sum_data ? sum_data + r * H : nullptr;
          row.n = H, row.epsilon = epsilon_, row.simplified = simplified_;
          float mean, inv;
          k.layer_norm_row(row, &mean, &inv);
          if (mean_out) mean_out->mutable_data<float>()[r] = mean;
          if (inv_out) inv_out->mutable_data<float>()[r] = inv;
        }
      });
      return;
    }
    ThreadPool::parallel_for(ctx.thread_pool(), rows, std::max<int64_t>(1, 4096 / H), [&](int64_t r0, int64_t r1) {
      std::vector<double> sum(static_cast<size_t>(H));
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = x + r * H;
        const T* sr = sk + (r % skip_rows) * H;
        double total = 0, total_sq = 0;
        for (int64_t i = 0; i < H; ++i) {
          // The sum is rounded to T first: onnxruntime normalizes (and returns) the T-typed sum.
          const T v = static_cast<T>(xr[i] + sr[i] + (bi ? bi[i] : T(0)));
          if (sum_data) sum_data[r * H + i] = v;
          sum[i] = static_cast<double>(v);
          total += sum[i];
        }
        const double mean = simplified_ ? 0.0 : total / static_cast<double>(H);
        for (int64_t i = 0; i < H; ++i) total_sq += (sum[i] - mean) * (sum[i] - mean);
        const double inv = 1.0 / std::sqrt(total_sq / static_cast<double>(H) + static_cast<double>(epsilon_));
        T* yr = y + r * H;
        for (int64_t i = 0; i < H; ++i) {
          double v = (sum[i] - mean) * inv * static_cast<double>(g[i]);
          if (be) v += static_cast<double>(be[i]);
          yr[i] = static_cast<T>(v);
        }
        if (mean_out) mean_out->mutable_data<float>()[r] = static_cast<float>(mean);
        if (inv_out) inv_out->mutable_data<float>()[r] = static_cast<float>(inv);
      }
    });
  }

  bool simplified_;
  float epsilon_;
};

template <bool simplified>
std::unique_ptr<OpKernel> make_skip_norm(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 3, 4});
  return std::make_unique<SkipNormKernel>(node, simplified);
}

void infer_skip_norm(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, x);
  ir::TypeInfo stat = ir::TypeInfo::tensor(DataType::Float);
  if (x.has_shape && !x.shape.empty()) {
    ir::SymShape s(x.shape.begin(), x.shape.end() - 1);
    s.push_back(ir::Dim::of(1));
    stat = ir::TypeInfo::tensor(DataType::Float, std::move(s));
  }
  for (int i = 1; i < ctx.output_count() && i < 3; ++i)
    if (ctx.node().outputs[i] != nullptr) ctx.set_output_type(i, stat);
  if (ctx.output_count() > 3 && ctx.node().outputs[3] != nullptr) ctx.set_output_type(3, x);
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "SkipLayerNormalization", 1, kMaxOpset, make_skip_norm<false>, infer_skip_norm});
ONYXRT_REGISTER_OP({"com.microsoft", "SkipSimplifiedLayerNormalization", 1, kMaxOpset, make_skip_norm<true>,
                    infer_skip_norm});

}  // namespace onyxrt::ops::contrib
