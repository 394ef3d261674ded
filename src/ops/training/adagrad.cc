// Adagrad (ai.onnx.preview.training opset 1), for each of n tensors:
//   r' = R / (1 + T * decay_factor);  g = norm_coefficient * X + G;  H' = H + g * g;
//   X' = X - r' * g / (sqrt(H') + epsilon).
// Inputs R, T, X1..Xn, G1..Gn, H1..Hn; outputs X'1..X'n, H'1..H'n.
#include <cmath>
#include <memory>

#include "ops/registry.h"
#include "ops/training/optimizer_inputs.h"

namespace onyxrt::ops::training {
namespace {

class AdagradKernel : public OpKernel {
 public:
  explicit AdagradKernel(const ir::Node& node)
      : decay_(node.get_float("decay_factor", 0.0f)),
        epsilon_(node.get_float("epsilon", 1e-6f)),
        norm_(node.get_float("norm_coefficient", 0.0f)) {}

  void compute(KernelContext& ctx) const override {
    const OptimizerStep step = read_optimizer_step(ctx, 3);
    const double rate = step.rate / (1.0 + static_cast<double>(step.count) * decay_);
    for (int64_t i = 0; i < step.tensors; ++i) {
      const Tensor& x = ctx.required_input(static_cast<int>(2 + i));
      if (x.dtype() == DataType::Float) {
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
    const T* hs = ctx.required_input(static_cast<int>(2 + 2 * n + i)).data<T>();
    T* x_out = ctx.allocate_output(static_cast<int>(i), x.dtype(), x.shape()).template mutable_data<T>();
    T* h_out = ctx.allocate_output(static_cast<int>(n + i), x.dtype(), x.shape()).template mutable_data<T>();
    for (int64_t e = 0; e < x.size(); ++e) {
      const double g = norm_ * static_cast<double>(xs[e]) + static_cast<double>(gs[e]);
      const double h = static_cast<double>(hs[e]) + g * g;
      x_out[e] = static_cast<T>(static_cast<double>(xs[e]) - rate * g / (std::sqrt(h) + epsilon_));
      h_out[e] = static_cast<T>(h);
    }
  }

  double decay_, epsilon_, norm_;
};

std::unique_ptr<OpKernel> make_adagrad(const ir::Node& node) {
  check_optimizer_inputs(node);
  return std::make_unique<AdagradKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.preview.training", "Adagrad", 1, kMaxOpset, make_adagrad, infer_optimizer_outputs<3>});

}  // namespace onyxrt::ops::training
