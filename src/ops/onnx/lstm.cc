// LSTM (ONNX opsets 1, 7, 14, 22), gates in the order i, o, f, c; peepholes P = [P_i, P_o, P_f]:
//   i = f(X W_i^T + H R_i^T + P_i . C + Wb_i + Rb_i),  f_t = f(... + P_f . C ...)
//   c~ = g(X W_c^T + H R_c^T + Wb_c + Rb_c),  C' = f_t . C + i . c~
//   o = f(... + P_o . C' ...),  H' = o . h(C')
// f = Sigmoid, g = h = Tanh by default; input_forget = 1 couples f_t = 1 - i. Gate
// pre-activations are clipped to [-clip, clip] when clip is set. Opset 14 adds `layout`.
#include <algorithm>
#include <memory>

#include "ops/onnx/rnn_common.h"

namespace onyxrt::ops {
namespace {

const RnnSpec kLstmSpec{4, {"Sigmoid", "Tanh", "Tanh"}, true};

class LstmKernel final : public OpKernel {
 public:
  explicit LstmKernel(const ir::Node& node)
      : attrs_(parse_rnn_attrs(node, kLstmSpec)), input_forget_(node.get_int("input_forget", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const RnnProblem p = load_rnn_problem(ctx, attrs_, kLstmSpec);
    const double clip = attrs_.clip;
    run_rnn(ctx, attrs_, kLstmSpec, p, [&](const RnnProblem& q, int d, const double* x, const double* hp,
                                           const double* cp, double* h, double* c, double* pre) {
      const int64_t H = q.hidden, I = q.input;
      const double* wb = &q.B[d * 8 * H];
      const double* P = &q.P[d * 3 * H];
      const kernels::RnnActivation& f = attrs_.acts[d * 3];
      const kernels::RnnActivation& g = attrs_.acts[d * 3 + 1];
      const kernels::RnnActivation& hf = attrs_.acts[d * 3 + 2];
      for (int64_t j = 0; j < 4 * H; ++j) pre[j] = wb[j] + wb[4 * H + j];
      rnn_matvec_add(&q.W[d * 4 * H * I], 4 * H, I, x, pre);
      rnn_matvec_add(&q.R[d * 4 * H * H], 4 * H, H, hp, pre);
      const double* pi = pre;
      const double* po = pre + H;
      const double* pf = pre + 2 * H;
      const double* pc = pre + 3 * H;
      for (int64_t j = 0; j < H; ++j) {
        const double it = f(std::clamp(pi[j] + P[j] * cp[j], -clip, clip));
        const double ft = input_forget_ ? 1 - it : f(std::clamp(pf[j] + P[2 * H + j] * cp[j], -clip, clip));
        const double ct = g(std::clamp(pc[j], -clip, clip));
        c[j] = ft * cp[j] + it * ct;
        const double ot = f(std::clamp(po[j] + P[H + j] * c[j], -clip, clip));
        h[j] = ot * hf(c[j]);
      }
    });
  }

 private:
  RnnAttrs attrs_;
  bool input_forget_;
};

std::unique_ptr<OpKernel> make_lstm(const ir::Node& node) { return check_rnn_types(node, std::make_unique<LstmKernel>(node)); }
void infer_lstm(ir::InferenceContext& ctx) { infer_rnn_outputs(ctx, true); }

}  // namespace

ONYXRT_REGISTER_OP({"", "LSTM", 1, 6, make_lstm, infer_lstm});
ONYXRT_REGISTER_OP({"", "LSTM", 7, 13, make_lstm, infer_lstm});
ONYXRT_REGISTER_OP({"", "LSTM", 14, 21, make_lstm, infer_lstm});
ONYXRT_REGISTER_OP({"", "LSTM", 22, kMaxOpset, make_lstm, infer_lstm});

}  // namespace onyxrt::ops
