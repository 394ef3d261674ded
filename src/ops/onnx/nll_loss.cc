// NegativeLogLikelihoodLoss (opsets 12, 13, 22): loss = -input[n, target, d1..dk] * weight[target],
// reduced by `reduction`; elements whose target equals `ignore_index` contribute nothing.
#include "ops/onnx/loss_common.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class NllLossKernel : public OpKernel {
 public:
  explicit NllLossKernel(const ir::Node& node)
      : reduction_(loss_reduction(node)), ignore_index_(loss_ignore_index(node)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& input = ctx.required_input(0);
    const Tensor& target = ctx.required_input(1);
    const Tensor* weight = ctx.input(2);
    if (!is_loss_float(input.dtype())) unsupported_type(node, 0, input.dtype());
    const LossGeometry g = loss_geometry(node, input, target, weight);
    Tensor& loss = ctx.allocate_output(0, input.dtype(), loss_output_shape(reduction_, target));
    visit_numeric(input.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* x = input.data<T>();
      auto log_prob = [&](int64_t n, int64_t c, int64_t d) {
        return static_cast<double>(ComputeType<T>::load(x[(n * g.c + c) * g.d + d]));
      };
      negative_log_likelihood<T>(node, g, target, weight, ignore_index_, reduction_, log_prob, loss.mutable_data<T>());
    });
  }

 private:
  LossReduction reduction_;
  std::optional<int64_t> ignore_index_;
};

std::unique_ptr<OpKernel> make_nll_loss(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !is_loss_float(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<NllLossKernel>(node);
}

void infer_nll_loss(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.is_tensor()) return;
  if (loss_reduction(ctx.node()) != LossReduction::None) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape{}));
    return;
  }
  const ir::TypeInfo& target = ctx.input_type(1);
  ctx.set_output_type(0, target.has_shape ? ir::TypeInfo::tensor(in.elem, target.shape) : ir::TypeInfo::tensor(in.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "NegativeLogLikelihoodLoss", 12, kMaxOpset, make_nll_loss, infer_nll_loss});

}  // namespace onyxrt::ops
