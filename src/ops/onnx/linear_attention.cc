// LinearAttention (ONNX opset 27): recurrent linear attention over packed [B, T, H * D] inputs,
// with a per-(batch, kv head) state S of [d_k, d_v] carried in past_state / present_state. For
// each token t, with the update_rule:
//   gated, gated_delta: S *= exp(decay_t)           (decay per kv head, or per key dim)
//   delta, gated_delta: v_t = beta_t * (v_t - S^T k_t)  (beta per kv head, or one for all)
//   all:                S += k_t (outer) v_t;   o_t = scale * q_t^T S   (scale 0: 1/sqrt(d_k))
// Query head h reads kv head h / (q_num_heads / kv_num_heads) (GQA). chunk_size is a tuning
// hint with no effect on the result. The recurrence runs in double over each token in order.
// present_state takes past_state's type, or the query's when there is no past_state.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ops/onnx/real_element_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool la_type_ok(DataType t) { return t == DataType::Float || t == DataType::Float16 || t == DataType::BFloat16; }

class LinearAttentionKernel final : public OpKernel {
 public:
  explicit LinearAttentionKernel(const ir::Node& node)
      : q_heads_(node.get_int("q_num_heads", 0)), kv_heads_(node.get_int("kv_num_heads", 0)), scale_(node.get_float("scale", 0.0f)) {
    const std::string rule = node.get_string("update_rule", "gated_delta");
    if (rule != "linear" && rule != "gated" && rule != "delta" && rule != "gated_delta")
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": update_rule '" + rule + "' is not one of linear, gated, delta, gated_delta");
    gated_ = rule == "gated" || rule == "gated_delta";
    delta_ = rule == "delta" || rule == "gated_delta";
    if (q_heads_ <= 0 || kv_heads_ <= 0 || q_heads_ % kv_heads_ != 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": q_num_heads (" + std::to_string(q_heads_) +
                                               ") must be a positive multiple of kv_num_heads (" + std::to_string(kv_heads_) + ")");
    if (gated_ != node.has_input(4))
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": update_rule '" + rule + (gated_ ? "' requires" : "' forbids") + " the decay input");
    if (delta_ != node.has_input(5))
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": update_rule '" + rule + (delta_ ? "' requires" : "' forbids") + " the beta input");
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& q = ctx.required_input(0);
    const Tensor& k = ctx.required_input(1);
    const Tensor& v = ctx.required_input(2);
    const Tensor* past = ctx.input(3);
    const Tensor* decay = gated_ ? &ctx.required_input(4) : nullptr;
    const Tensor* beta = delta_ ? &ctx.required_input(5) : nullptr;
    auto fail = [&](const std::string& why) { throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + why); };
    if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) fail("query, key and value must be rank 3 [B, T, H * D]");
    const int64_t B = q.shape()[0], T = q.shape()[1], QH = q_heads_, KH = kv_heads_;
    if (q.shape()[2] % QH != 0 || v.shape()[2] % KH != 0) fail("the last dims must divide by the head counts");
    const int64_t DK = q.shape()[2] / QH, DV = v.shape()[2] / KH;
    if (k.shape() != Shape{B, T, KH * DK} || v.shape()[0] != B || v.shape()[1] != T)
      fail("query " + shape_to_string(q.shape()) + ", key " + shape_to_string(k.shape()) + " and value " +
           shape_to_string(v.shape()) + " do not agree");
    if (past && past->shape() != Shape{B, KH, DK, DV})
      fail("past_state " + shape_to_string(past->shape()) + " must be " + shape_to_string(Shape{B, KH, DK, DV}));
    int64_t decay_per = 0;  // decay elements per kv head: 1 or d_k
    if (decay) {
      if (decay->rank() != 3 || decay->shape()[0] != B || decay->shape()[1] != T) fail("decay must be [B, T, ...]");
      decay_per = decay->shape()[2] == KH ? 1 : (decay->shape()[2] == KH * DK ? DK : 0);
      if (decay_per == 0) fail("decay's last dim must be kv_num_heads or kv_num_heads * d_k");
    }
    int64_t beta_heads = 0;
    if (beta) {
      if (beta->rank() != 3 || beta->shape()[0] != B || beta->shape()[1] != T ||
          (beta->shape()[2] != KH && beta->shape()[2] != 1))
        fail("beta " + shape_to_string(beta->shape()) + " must be [B, T, kv_num_heads or 1]");
      beta_heads = beta->shape()[2];
    }
    const double scale = scale_ != 0.0f ? scale_ : 1.0 / std::sqrt(static_cast<double>(DK));
    Tensor& out = ctx.allocate_output(0, q.dtype(), {B, T, QH * DV});
    const DataType state_type = past ? past->dtype() : q.dtype();
    Tensor* present = ctx.output_count() > 1 && ctx.output_requested(1) ? &ctx.allocate_output(1, state_type, {B, KH, DK, DV}) : nullptr;
    const int64_t group = QH / KH;
    ThreadPool::parallel_for(ctx.thread_pool(), B * KH, 1, [&](int64_t begin, int64_t end) {
      std::vector<double> S(static_cast<size_t>(DK * DV)), kt(DK), vt(DV), qt(DK), g(DK);
      for (int64_t job = begin; job < end; ++job) {
        const int64_t b = job / KH, kh = job % KH;
        for (int64_t i = 0; i < DK * DV; ++i) S[i] = past ? load_real_element(*past, job * DK * DV + i) : 0.0;
        for (int64_t t = 0; t < T; ++t) {
          const int64_t bt = b * T + t;
          for (int64_t d = 0; d < DK; ++d) kt[d] = load_real_element(k, (bt * KH + kh) * DK + d);
          for (int64_t m = 0; m < DV; ++m) vt[m] = load_real_element(v, (bt * KH + kh) * DV + m);
          if (decay) {
            for (int64_t d = 0; d < DK; ++d)
              g[d] = std::exp(load_real_element(*decay, (bt * KH + kh) * decay_per + (decay_per == 1 ? 0 : d)));
            for (int64_t d = 0; d < DK; ++d)
              for (int64_t m = 0; m < DV; ++m) S[d * DV + m] *= g[d];
          }
          if (beta) {
            const double bv = load_real_element(*beta, bt * beta_heads + (beta_heads == 1 ? 0 : kh));
            for (int64_t m = 0; m < DV; ++m) {
              double retrieved = 0;
              for (int64_t d = 0; d < DK; ++d) retrieved += S[d * DV + m] * kt[d];
              vt[m] = bv * (vt[m] - retrieved);
            }
          }
          for (int64_t d = 0; d < DK; ++d)
            for (int64_t m = 0; m < DV; ++m) S[d * DV + m] += kt[d] * vt[m];
          for (int64_t h = kh * group; h < (kh + 1) * group; ++h) {
            for (int64_t d = 0; d < DK; ++d) qt[d] = load_real_element(q, (bt * QH + h) * DK + d);
            for (int64_t m = 0; m < DV; ++m) {
              double o = 0;
              for (int64_t d = 0; d < DK; ++d) o += qt[d] * S[d * DV + m];
              store_real_element(out, (bt * QH + h) * DV + m, scale * o);
            }
          }
        }
        if (present)
          for (int64_t i = 0; i < DK * DV; ++i) store_real_element(*present, job * DK * DV + i, S[i]);
      }
    });
  }

 private:
  int64_t q_heads_, kv_heads_;
  float scale_;
  bool gated_ = false, delta_ = false;
};

std::unique_ptr<OpKernel> make_linear_attention(const ir::Node& node) {
  for (int i = 0; i < 6; ++i) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && !la_type_ok(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<LinearAttentionKernel>(node);
}

void infer_linear_attention(ir::InferenceContext& ctx) {
  const ir::TypeInfo& q = ctx.input_type(0);
  const ir::TypeInfo& v = ctx.input_type(2);
  const int64_t qh = ctx.node().get_int("q_num_heads", 0), kvh = ctx.node().get_int("kv_num_heads", 0);
  auto div = [](const ir::Dim& d, int64_t by) { return d.known() && by > 0 ? ir::Dim::of(d.value / by) : ir::Dim{}; };
  if (q.has_shape && v.has_shape && q.shape.size() == 3 && v.shape.size() == 3) {
    const ir::Dim dv = div(v.shape[2], kvh);
    ctx.set_output_type(0, ir::TypeInfo::tensor(q.elem, ir::SymShape{q.shape[0], q.shape[1],
                                                                      dv.known() ? ir::Dim::of(dv.value * qh) : ir::Dim{}}));
    if (ctx.output_count() > 1 && ctx.node().outputs[1]) {
      const DataType st = ctx.has_input(3) ? ctx.input_type(3).elem : q.elem;
      ctx.set_output_type(1, ir::TypeInfo::tensor(st, ir::SymShape{q.shape[0], ir::Dim::of(kvh), div(q.shape[2], qh), dv}));
    }
    return;
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(q.elem));
  if (ctx.output_count() > 1 && ctx.node().outputs[1])
    ctx.set_output_type(1, ir::TypeInfo::tensor(ctx.has_input(3) ? ctx.input_type(3).elem : q.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LinearAttention", 27, kMaxOpset, make_linear_attention, infer_linear_attention});

}  // namespace onyxrt::ops
