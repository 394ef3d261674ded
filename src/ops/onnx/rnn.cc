// RNN (ONNX opsets 1, 7, 14, 22): H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb), f = Tanh by default.
// Opset 14 adds `layout`. Gate pre-activations are clipped to [-clip, clip] when clip is set.
#include <algorithm>
#include <memory>

#include "ops/onnx/rnn_common.h"

namespace onyxrt::ops {
namespace {

const RnnSpec kRnnSpec{1, {"Tanh"}, false};

class RnnKernel final : public OpKernel {
 public:
  explicit RnnKernel(const ir::Node& node) : attrs_(parse_rnn_attrs(node, kRnnSpec)) {}

  void compute(KernelContext& ctx) const override {
    const RnnProblem p = load_rnn_problem(ctx, attrs_, kRnnSpec);
    const double clip = attrs_.clip;
    run_rnn(ctx, attrs_, kRnnSpec, p, [&](const RnnProblem& q, int d, const double* x, const double* hp, const double*,
                                          double* h, double*, double* pre) {
      const int64_t H = q.hidden;
      const double* wb = &q.B[d * 2 * H];
      for (int64_t j = 0; j < H; ++j) pre[j] = wb[j] + wb[H + j];
      rnn_matvec_add(&q.W[d * H * q.input], H, q.input, x, pre);
      rnn_matvec_add(&q.R[d * H * H], H, H, hp, pre);
      const kernels::RnnActivation& f = attrs_.acts[d];
      for (int64_t j = 0; j < H; ++j) h[j] = f(std::clamp(pre[j], -clip, clip));
    });
  }

 private:
  RnnAttrs attrs_;
};

std::unique_ptr<OpKernel> make_rnn(const ir::Node& node) { return check_rnn_types(node, std::make_unique<RnnKernel>(node)); }
void infer_rnn(ir::InferenceContext& ctx) { infer_rnn_outputs(ctx, false); }

}  // namespace

ONYXRT_REGISTER_OP({"", "RNN", 1, 6, make_rnn, infer_rnn});
ONYXRT_REGISTER_OP({"", "RNN", 7, 13, make_rnn, infer_rnn});
ONYXRT_REGISTER_OP({"", "RNN", 14, 21, make_rnn, infer_rnn});
ONYXRT_REGISTER_OP({"", "RNN", 22, kMaxOpset, make_rnn, infer_rnn});

}  // namespace onyxrt::ops
