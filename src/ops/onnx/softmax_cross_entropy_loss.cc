// SoftmaxCrossEntropyLoss (opsets 12, 13): log_softmax over axis 1 (C) of scores [N, C, d1..dk],
// then the negative log-likelihood loss of loss_common.h. The optional output 1 is the
// log-probabilities, shaped like the scores.
#include <cmath>
#include <vector>

#include "ops/onnx/loss_common.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class SoftmaxCrossEntropyKernel : public OpKernel {
 public:
  explicit SoftmaxCrossEntropyKernel(const ir::Node& node)
      : reduction_(loss_reduction(node)), ignore_index_(loss_ignore_index(node)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& scores = ctx.required_input(0);
    const Tensor& target = ctx.required_input(1);
    const Tensor* weight = ctx.input(2);
    if (!is_loss_float(scores.dtype())) unsupported_type(node, 0, scores.dtype());
    const LossGeometry g = loss_geometry(node, scores, target, weight);
    Tensor& loss = ctx.allocate_output(0, scores.dtype(), loss_output_shape(reduction_, target));
    Tensor* log_prob_out =
        ctx.output_count() > 1 && ctx.output_requested(1) ? &ctx.allocate_output(1, scores.dtype(), scores.shape())
                                                          : nullptr;
    visit_numeric(scores.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* x = scores.data<T>();
      // log_softmax along C, in double; buffer laid out like the scores.
      std::vector<double> lp(static_cast<size_t>(scores.size()));
      for (int64_t n = 0; n < g.n; ++n) {
        for (int64_t d = 0; d < g.d; ++d) {
          auto at = [&](int64_t c) { return (n * g.c + c) * g.d + d; };
          double max = -INFINITY;
          for (int64_t c = 0; c < g.c; ++c) max = std::fmax(max, static_cast<double>(ComputeType<T>::load(x[at(c)])));
          double sum = 0.0;
          for (int64_t c = 0; c < g.c; ++c) sum += std::exp(static_cast<double>(ComputeType<T>::load(x[at(c)])) - max);
          const double log_sum = std::log(sum);
          for (int64_t c = 0; c < g.c; ++c) {
            lp[at(c)] = static_cast<double>(ComputeType<T>::load(x[at(c)])) - max - log_sum;
          }
        }
      }
      if (log_prob_out != nullptr) {
        T* out = log_prob_out->mutable_data<T>();
        for (size_t i = 0; i < lp.size(); ++i) {
          out[i] = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(lp[i]));
        }
      }
      auto log_prob = [&](int64_t n, int64_t c, int64_t d) { return lp[(n * g.c + c) * g.d + d]; };
      negative_log_likelihood<T>(node, g, target, weight, ignore_index_, reduction_, log_prob, loss.mutable_data<T>());
    });
  }

 private:
  LossReduction reduction_;
  std::optional<int64_t> ignore_index_;
};

std::unique_ptr<OpKernel> make_softmax_cross_entropy(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !is_loss_float(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<SoftmaxCrossEntropyKernel>(node);
}

void infer_softmax_cross_entropy(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.is_tensor()) return;
  if (loss_reduction(ctx.node()) != LossReduction::None) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape{}));
  } else {
    const ir::TypeInfo& target = ctx.input_type(1);
    ctx.set_output_type(0, target.has_shape ? ir::TypeInfo::tensor(in.elem, target.shape) : ir::TypeInfo::tensor(in.elem));
  }
  if (ctx.output_count() > 1) ctx.set_output_type(1, in);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "SoftmaxCrossEntropyLoss", 12, kMaxOpset, make_softmax_cross_entropy,
                    infer_softmax_cross_entropy});

}  // namespace onyxrt::ops
