// GRU (ONNX opsets 1, 3, 7, 14, 22), gates in the order z (update), r (reset), h (hidden):
//   z = f(X W_z^T + H R_z^T + Wb_z + Rb_z),  r = f(X W_r^T + H R_r^T + Wb_r + Rb_r)
//   linear_before_reset = 0: h~ = g(X W_h^T + (r . H) R_h^T + Rb_h + Wb_h)
//   linear_before_reset = 1: h~ = g(X W_h^T + r . (H R_h^T + Rb_h) + Wb_h)
//   H' = (1 - z) . h~ + z . H;   f = Sigmoid, g = Tanh by default. Opset 14 adds `layout`.
#include <algorithm>
#include <memory>

#include "ops/onnx/rnn_common.h"

namespace onyxrt::ops {
namespace {

const RnnSpec kGruSpec{3, {"Sigmoid", "Tanh"}, false};

class GruKernel final : public OpKernel {
 public:
  explicit GruKernel(const ir::Node& node)
      : attrs_(parse_rnn_attrs(node, kGruSpec)), linear_before_reset_(node.get_int("linear_before_reset", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const RnnProblem p = load_rnn_problem(ctx, attrs_, kGruSpec);
    const double clip = attrs_.clip;
    run_rnn(ctx, attrs_, kGruSpec, p, [&](const RnnProblem& q, int d, const double* x, const double* hp, const double*,
                                          double* h, double*, double* scratch) {
      const int64_t H = q.hidden, I = q.input;
      const double* W = &q.W[d * 3 * H * I];
      const double* R = &q.R[d * 3 * H * H];
      const double* wb = &q.B[d * 6 * H];
      const double* rb = wb + 3 * H;
      const kernels::RnnActivation& f = attrs_.acts[d * 2];
      const kernels::RnnActivation& g = attrs_.acts[d * 2 + 1];
      double* zr = scratch;          // [2H]: z then r pre-activations
      double* hh = scratch + 2 * H;  // [H]: candidate pre-activation
      double* rh = scratch + 3 * H;  // [H]: recurrent part of the candidate
      for (int64_t j = 0; j < 2 * H; ++j) zr[j] = wb[j] + rb[j];
      rnn_matvec_add(W, 2 * H, I, x, zr);
      rnn_matvec_add(R, 2 * H, H, hp, zr);
      for (int64_t j = 0; j < 2 * H; ++j) zr[j] = f(std::clamp(zr[j], -clip, clip));
      const double* z = zr;
      const double* r = zr + H;
      for (int64_t j = 0; j < H; ++j) hh[j] = wb[2 * H + j];
      rnn_matvec_add(W + 2 * H * I, H, I, x, hh);
      if (linear_before_reset_) {
        for (int64_t j = 0; j < H; ++j) rh[j] = rb[2 * H + j];
        rnn_matvec_add(R + 2 * H * H, H, H, hp, rh);
        for (int64_t j = 0; j < H; ++j) hh[j] += r[j] * rh[j];
      } else {
        for (int64_t j = 0; j < H; ++j) rh[j] = r[j] * hp[j];
        for (int64_t j = 0; j < H; ++j) hh[j] += rb[2 * H + j];
        // rh is the gated state; the product with R_h is accumulated into hh.
        rnn_matvec_add(R + 2 * H * H, H, H, rh, hh);
      }
      for (int64_t j = 0; j < H; ++j) {
        const double cand = g(std::clamp(hh[j], -clip, clip));
        h[j] = (1 - z[j]) * cand + z[j] * hp[j];
      }
    });
  }

 private:
  RnnAttrs attrs_;
  bool linear_before_reset_;
};

std::unique_ptr<OpKernel> make_gru(const ir::Node& node) { return check_rnn_types(node, std::make_unique<GruKernel>(node)); }
void infer_gru(ir::InferenceContext& ctx) { infer_rnn_outputs(ctx, false); }

}  // namespace

ONYXRT_REGISTER_OP({"", "GRU", 1, 2, make_gru, infer_gru});
ONYXRT_REGISTER_OP({"", "GRU", 3, 6, make_gru, infer_gru});
ONYXRT_REGISTER_OP({"", "GRU", 7, 13, make_gru, infer_gru});
ONYXRT_REGISTER_OP({"", "GRU", 14, 21, make_gru, infer_gru});
ONYXRT_REGISTER_OP({"", "GRU", 22, kMaxOpset, make_gru, infer_gru});

}  // namespace onyxrt::ops
