// Momentum (ai.onnx.preview.training opset 1), for each of n tensors:
//   g = norm_coefficient * X + G;  b = T > 0 ? beta : 1 (the first step takes the whole gradient);
//   V' = alpha * V + b * g;  X' = X - R * V' ("standard") or X - R * (g + alpha * V') ("nesterov").
// Inputs R, T, X1..Xn, G1..Gn, V1..Vn; outputs X'1..X'n, V'1..V'n.
#include <memory>

#include "ops/registry.h"
#include "ops/training/optimizer_inputs.h"

namespace onyxrt::ops::training {
namespace {

class MomentumKernel : public OpKernel {
 public:
  explicit MomentumKernel(const ir::Node& node)
      : alpha_(required_float(node, "alpha")),
        beta_(required_float(node, "beta")),
        norm_(required_float(node, "norm_coefficient")) {
    const std::string mode = node.get_string("mode", "");
    if (mode != "standard" && mode != "nesterov") {
      throw_error(ErrorCode::InvalidGraph,
                  node.describe() + ": mode must be \"standard\" or \"nesterov\", got \"" + mode + "\"");
    }
    nesterov_ = mode == "nesterov";
  }

  void compute(KernelContext& ctx) const override {
    const OptimizerStep step = read_optimizer_step(ctx, 3);
    const double beta = step.count > 0 ? beta_ : 1.0;
    for (int64_t i = 0; i < step.tensors; ++i) {
      if (ctx.required_input(static_cast<int>(2 + i)).dtype() == DataType::Float) {
        update<float>(ctx, step, i, beta);
      } else {
        update<double>(ctx, step, i, beta);
      }
    }
  }

 private:
  static double required_float(const ir::Node& node, const char* name) {
    if (node.find(name) == nullptr) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs the attribute " + name);
    }
    return node.get_float(name, 0.0f);
  }

  template <typename T>
  void update(KernelContext& ctx, const OptimizerStep& step, int64_t i, double beta) const {
    const int64_t n = step.tensors;
    const Tensor& x = ctx.required_input(static_cast<int>(2 + i));
    const T* xs = x.data<T>();
    const T* gs = ctx.required_input(static_cast<int>(2 + n + i)).data<T>();
    const T* vs = ctx.required_input(static_cast<int>(2 + 2 * n + i)).data<T>();
    T* x_out = ctx.allocate_output(static_cast<int>(i), x.dtype(), x.shape()).template mutable_data<T>();
    T* v_out = ctx.allocate_output(static_cast<int>(n + i), x.dtype(), x.shape()).template mutable_data<T>();
    for (int64_t e = 0; e < x.size(); ++e) {
      const double g = norm_ * static_cast<double>(xs[e]) + static_cast<double>(gs[e]);
      const double v = alpha_ * static_cast<double>(vs[e]) + beta * g;
      const double move = nesterov_ ? g + alpha_ * v : v;
      x_out[e] = static_cast<T>(static_cast<double>(xs[e]) - step.rate * move);
      v_out[e] = static_cast<T>(v);
    }
  }

  double alpha_, beta_, norm_;
  bool nesterov_ = false;
};

std::unique_ptr<OpKernel> make_momentum(const ir::Node& node) {
  check_optimizer_inputs(node);
  return std::make_unique<MomentumKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.preview.training", "Momentum", 1, kMaxOpset, make_momentum, infer_optimizer_outputs<3>});

}  // namespace onyxrt::ops::training
