// com.microsoft Attention (opset 1): multi-head self-attention with packed QKV weights, as BERT/GPT
// exporters and onnxruntime's transformer fusions write it.
//   inputs: input [B, S, In], weights [In, Dq + Dk + Dv], bias [Dq + Dk + Dv] (optional),
//           mask_index (see attention_mask.h), past [2, B, N, P, H], attention_bias [B|1, N|1, S, T]
//   attrs:  num_heads, qkv_hidden_sizes (default equal thirds), unidirectional (causal),
//           scale (default 1/sqrt(head size)), mask_filter_value (default -10000)
//   outputs: output [B, S, Dv], present [2, B, N, P + S, H] (optional)
// Not supported (NotImplemented at creation): past_sequence_length (input 6), do_rotary,
// past_present_share_buffer.
#include <cmath>
#include <memory>
#include <string>

#include "kernels/ref/gemm.h"
#include "ops/contrib/attention_core.h"
#include "ops/contrib/attention_mask.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

class AttentionKernel final : public OpKernel {
 public:
  explicit AttentionKernel(const ir::Node& node)
      : heads_(node.get_int("num_heads", 0)),
        causal_(node.get_int("unidirectional", 0) != 0),
        sizes_(node.get_ints("qkv_hidden_sizes")),
        scale_(node.get_float("scale", 0.0f)),
        filter_(node.get_float("mask_filter_value", -10000.0f)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& Wt = ctx.required_input(1);
    const Tensor* bias = ctx.input(2);
    const Tensor* past = ctx.input(4);
    auto fail = [&](const std::string& what) { throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what); };
    if (X.dtype() != DataType::Float || Wt.dtype() != DataType::Float) unsupported_type(node, 0, X.dtype());
    if (X.rank() != 3 || Wt.rank() != 2 || Wt.shape()[0] != X.shape()[2])
      fail("input must be [B, S, In] and weights [In, 3 * hidden], got " + X.describe() + " and " + Wt.describe());
    const int64_t B = X.shape()[0], S = X.shape()[1], In = X.shape()[2], total_w = Wt.shape()[1];
    const int64_t Dq = sizes_.empty() ? total_w / 3 : sizes_[0], Dk = sizes_.empty() ? total_w / 3 : sizes_[1],
                  Dv = sizes_.empty() ? total_w / 3 : sizes_[2];
    if (Dq + Dk + Dv != total_w || Dq != Dk || Dq % heads_ != 0 || Dv % heads_ != 0)
      fail("weights " + Wt.describe() + " do not split into Q/K/V of num_heads " + std::to_string(heads_) + " heads");
    if (bias && (bias->dtype() != DataType::Float || bias->size() != total_w)) fail("bias must be float [Dq + Dk + Dv]");
    const int64_t N = heads_, H = Dq / N, Hv = Dv / N;
    int64_t P = 0;
    if (past) {
      const Shape& ps = past->shape();
      if (past->dtype() != DataType::Float || ps.size() != 5 || ps[0] != 2 || ps[1] != B || ps[2] != N || ps[4] != H || H != Hv)
        fail("past " + past->describe() + " must be float [2, B, num_heads, P, head_size]");
      P = ps[3];
    }
    const int64_t T = P + S;

    // QKV = input @ weights + bias, then split into heads.
    Tensor qkv = Tensor::allocate(DataType::Float, {B * S, total_w}, ctx.allocator());
    kernels::gemm_ref<float>(false, false, B * S, total_w, In, 1.0f, X.data<float>(), In, Wt.data<float>(), total_w,
                             0.0f, qkv.mutable_data<float>(), total_w);
    const float* bb = bias ? bias->data<float>() : nullptr;
    Tensor q = Tensor::allocate(DataType::Float, {B, N, S, H}, ctx.allocator());
    Tensor k = Tensor::allocate(DataType::Float, {B, N, S, H}, ctx.allocator());
    Tensor v = Tensor::allocate(DataType::Float, {B, N, S, Hv}, ctx.allocator());
    split_heads(qkv.data<float>(), B, S, N, H, total_w, 0, bb, q.mutable_data<float>());
    split_heads(qkv.data<float>(), B, S, N, H, total_w, Dq, bb ? bb + Dq : nullptr, k.mutable_data<float>());
    split_heads(qkv.data<float>(), B, S, N, Hv, total_w, Dq + Dk, bb ? bb + Dq + Dk : nullptr, v.mutable_data<float>());

    const float* kp = k.data<float>();
    const float* vp = v.data<float>();
    Tensor k_all, v_all;
    Tensor* present = optional_output(ctx, 1, DataType::Float, {2, B, N, T, H});
    if (past || present) {
      k_all = Tensor::allocate(DataType::Float, {B, N, T, H}, ctx.allocator());
      v_all = Tensor::allocate(DataType::Float, {B, N, T, Hv}, ctx.allocator());
      const float* pk = past ? past->data<float>() : nullptr;
      concat_past(pk, kp, B, N, P, S, H, k_all.mutable_data<float>());
      concat_past(pk ? pk + B * N * P * H : nullptr, vp, B, N, P, S, Hv, v_all.mutable_data<float>());
      kp = k_all.data<float>();
      vp = v_all.data<float>();
      if (present) {
        std::copy(kp, kp + B * N * T * H, present->mutable_data<float>());
        std::copy(vp, vp + B * N * T * H, present->mutable_data<float>() + B * N * T * H);
      }
    }

    const AttentionMask mask(node, ctx.input(3), B, S, T, filter_);
    const AttentionBias abias(node, ctx.input(5), B, N, S, T);
    const float scale = scale_ != 0.0f ? scale_ : 1.0f / std::sqrt(static_cast<float>(H));
    Tensor& Y = ctx.allocate_output(0, DataType::Float, {B, S, Dv});
    auto additive = [&](int64_t b, int64_t n, int64_t s, int64_t t) {
      float a = mask.at(b, s, t) + abias.at(b, n, s, t, N);
      if (causal_ && t > P + s) a += filter_;
      return a;
    };
    attention_core(ctx.thread_pool(), AttentionDims{B, N, S, T, H, Hv}, scale, q.data<float>(), kp, vp, additive,
                   Y.mutable_data<float>());
  }

 private:
  int64_t heads_;
  bool causal_;
  std::vector<int64_t> sizes_;
  float scale_, filter_;
};

std::unique_ptr<OpKernel> make_attention(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 4, 5}, /*allow_double=*/false);
  if (node.get_int("num_heads", 0) <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": num_heads must be positive");
  const std::vector<int64_t> sizes = node.get_ints("qkv_hidden_sizes");
  if (!sizes.empty() && sizes.size() != 3) throw_error(ErrorCode::InvalidGraph, node.describe() + ": qkv_hidden_sizes needs 3 values");
  if (node.has_input(6)) throw_error(ErrorCode::NotImplemented, node.describe() + ": past_sequence_length is not supported");
  if (node.get_int("do_rotary", 0) != 0) throw_error(ErrorCode::NotImplemented, node.describe() + ": do_rotary is not supported");
  if (node.get_int("past_present_share_buffer", 0) != 0)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": past_present_share_buffer is not supported");
  if (node.has_input(3)) {
    const ir::TypeInfo& m = node.inputs[3]->type;
    if (m.has_shape && m.shape.size() == 4)
      throw_error(ErrorCode::NotImplemented, node.describe() + ": 4-D (Megatron) mask_index is not supported");
  }
  return std::make_unique<AttentionKernel>(node);
}

void infer_attention(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  ir::TypeInfo out = ir::TypeInfo::tensor(x.elem);
  const std::vector<int64_t> sizes = ctx.node().get_ints("qkv_hidden_sizes");
  if (x.has_shape && x.shape.size() == 3) {
    ir::Dim dv;
    if (!sizes.empty()) dv = ir::Dim::of(sizes[2]);
    else if (w.has_shape && w.shape.size() == 2 && w.shape[1].known()) dv = ir::Dim::of(w.shape[1].value / 3);
    out = ir::TypeInfo::tensor(x.elem, {x.shape[0], x.shape[1], dv});
  }
  ctx.set_output_type(0, out);
  if (ctx.output_count() > 1 && ctx.node().outputs[1] != nullptr) ctx.set_output_type(1, ir::TypeInfo::tensor(x.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "Attention", 1, kMaxOpset, make_attention, infer_attention});

}  // namespace onyxrt::ops::contrib
