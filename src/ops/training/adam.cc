// Adam (ai.onnx.preview.training opset 1), for each of n tensors:
//   g = norm_coefficient * X + G;  V' = alpha * V + (1 - alpha) * g;  H' = beta * H + (1 - beta) * g * g;
//   r = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R (bias correction from the first step on);
//   X' = (1 - norm_coefficient_post) * (X - r * V' / (sqrt(H') + epsilon)).
// Inputs R, T, X1..Xn, G1..Gn, V1..Vn, H1..Hn; outputs X'1..X'n, V'1..V'n, H'1..H'n.
#include <cmath>
#include <memory>

#include "ops/registry.h"
#include "ops/training/optimizer_inputs.h"

namespace onyxrt::ops::training {
namespace {

class AdamKernel : public OpKernel {
 public:
  explicit AdamKernel(const ir::Node& node)
      : alpha_(node.get_float("alpha", 0.9f)),
        beta_(node.get_float("beta", 0.999f)),
        epsilon_(node.get_float("epsilon", 1e-6f)),
        norm_(node.get_float("norm_coefficient", 0.0f)),
        norm_post_(node.get_float("norm_coefficient_post", 0.0f)) {}

  void compute(KernelContext& ctx) const override {
    const OptimizerStep step = read_optimizer_step(ctx, 4);
    double rate = step.rate;
    if (step.count > 0) {
      const double t = static_cast<double>(step.count);
      rate = step.rate * std::sqrt(1.0 - std::pow(beta_, t)) / (1.0 - std::pow(alpha_, t));
    }
    for (int64_t i = 0; i < step.tensors; ++i) {
      if (ctx.required_input(static_cast<int>(2 + i)).dtype() == DataType::Float) {
        update<float>(ctx, step.tensors, i, rate);
      } else {
        update<double>(ctx, step.tensors, i, rate);
      }
    }
  }

 private:
  template <typename T>
  void update(KernelContext& ctx, int64_t n, int64_t i, double rate) const {
    const Tensor& x = ctx.required_input(static_cast<int>(2 + i));
    const T* xs = x.data<T>();
    const T* gs = ctx.required_input(static_cast<int>(2 + n + i)).data<T>();
    const T* vs = ctx.required_input(static_cast<int>(2 + 2 * n + i)).data<T>();
    const T* hs = ctx.required_input(static_cast<int>(2 + 3 * n + i)).data<T>();
    T* x_out = ctx.allocate_output(static_cast<int>(i), x.dtype(), x.shape()).template mutable_data<T>();
    T* v_out = ctx.allocate_output(static_cast<int>(n + i), x.dtype(), x.shape()).template mutable_data<T>();
    T* h_out = ctx.allocate_output(static_cast<int>(2 * n + i), x.dtype(), x.shape()).template mutable_data<T>();
    for (int64_t e = 0; e < x.size(); ++e) {
      const double xe = static_cast<double>(xs[e]);
      const double g = norm_ * xe + static_cast<double>(gs[e]);
      const double v = alpha_ * static_cast<double>(vs[e]) + (1.0 - alpha_) * g;
      const double h = beta_ * static_cast<double>(hs[e]) + (1.0 - beta_) * g * g;
      x_out[e] = static_cast<T>((1.0 - norm_post_) * (xe - rate * v / (std::sqrt(h) + epsilon_)));
      v_out[e] = static_cast<T>(v);
      h_out[e] = static_cast<T>(h);
    }
  }

  double alpha_, beta_, epsilon_, norm_, norm_post_;
};

std::unique_ptr<OpKernel> make_adam(const ir::Node& node) {
  check_optimizer_inputs(node);
  return std::make_unique<AdamKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.preview.training", "Adam", 1, kMaxOpset, make_adam, infer_optimizer_outputs<4>});

}  // namespace onyxrt::ops::training
