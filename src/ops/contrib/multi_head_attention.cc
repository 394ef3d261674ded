// com.microsoft MultiHeadAttention (opset 1): attention over separate (or packed) Q, K, V.
//   query [B, S, D], or packed QKV [B, S, N, 3, H] (key and value omitted)
//   key [B, T, D] and value [B, T, Dv], or packed KV as key [B, T, N, 2, H] (value omitted)
//   bias [D + D + Dv] (optional), key_padding_mask (see attention_mask.h),
//   attention_bias [B|1, N|1, S, T], past_key/past_value [B, N, P, H] (self-attention cache)
//   outputs: output [B, S, Dv], present_key/present_value [B, N, P + T, H] (optional)
// Attrs: num_heads, scale, mask_filter_value (-10000), unidirectional (causal).
// Not supported (NotImplemented at creation): 4-D (BNSH) key/value, past_sequence_length and
// cache_indirection (inputs 8, 9), output_qk.
#include <cmath>
#include <memory>
#include <string>

#include "ops/contrib/attention_core.h"
#include "ops/contrib/attention_mask.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

class MultiHeadAttentionKernel final : public OpKernel {
 public:
  explicit MultiHeadAttentionKernel(const ir::Node& node)
      : N_(node.get_int("num_heads", 0)),
        causal_(node.get_int("unidirectional", 0) != 0),
        scale_(node.get_float("scale", 0.0f)),
        filter_(node.get_float("mask_filter_value", -10000.0f)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& Q = ctx.required_input(0);
    const Tensor* K = ctx.input(1);
    const Tensor* V = ctx.input(2);
    const Tensor* bias = ctx.input(3);
    const Tensor* past_k = ctx.input(6);
    const Tensor* past_v = ctx.input(7);
    auto fail = [&](const std::string& what) { throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what); };
    const int64_t N = N_;
    int64_t B = Q.shape().empty() ? 0 : Q.shape()[0], S = Q.rank() > 1 ? Q.shape()[1] : 0, T = 0, H = 0, Hv = 0;
    // Strided views of Q, K, V rows: [B, len, row] with heads at `offset + n * head`.
    const float *qs = Q.data<float>(), *ks = nullptr, *vs = nullptr;
    int64_t q_row = 0, k_row = 0, v_row = 0, q_off = 0, k_off = 0, v_off = 0;
    bool packed_heads = false;  // packed layouts interleave per head: [N, 3, H] or [N, 2, H]
    if (Q.rank() == 5) {
      if (K || V || Q.shape()[2] != N || Q.shape()[3] != 3) fail("packed QKV query must be [B, S, N, 3, H] with no key/value");
      T = S, H = Hv = Q.shape()[4];
      packed_heads = true;
      ks = vs = qs;
      q_row = k_row = v_row = N * 3 * H;
      q_off = 0, k_off = H, v_off = 2 * H;
    } else if (Q.rank() == 3) {
      if (!K) fail("key is required unless query is packed QKV");
      if (Q.shape()[2] % N != 0) fail("query hidden size must divide by num_heads");
      H = Q.shape()[2] / N;
      q_row = Q.shape()[2];
      if (K->rank() == 5) {
        if (V || K->shape()[2] != N || K->shape()[3] != 2 || K->shape()[4] != H) fail("packed KV key must be [B, T, N, 2, H]");
        T = K->shape()[1], Hv = H;
        packed_heads = true;
        ks = vs = K->data<float>();
        k_row = v_row = N * 2 * H;
        k_off = 0, v_off = H;
      } else if (K->rank() == 3 && V && V->rank() == 3) {
        T = K->shape()[1];
        if (K->shape()[2] != Q.shape()[2] || V->shape()[1] != T || V->shape()[2] % N != 0) fail("key/value shapes do not match query");
        Hv = V->shape()[2] / N;
        ks = K->data<float>(), vs = V->data<float>();
        k_row = K->shape()[2], v_row = V->shape()[2];
      } else {
        throw_error(ErrorCode::NotImplemented, node.describe() + ": key/value layout " + K->describe() + " is not supported");
      }
    } else {
      fail("query must be [B, S, D] or packed [B, S, N, 3, H], got " + Q.describe());
    }
    if (bias && (bias->dtype() != DataType::Float || bias->size() != 2 * N * H + N * Hv)) fail("bias must be [D + D + Dv]");
    const float* bb = bias ? bias->data<float>() : nullptr;

    // Split into heads; packed layouts are [row of N groups of (3 or 2) x H], so head n starts at n * group.
    auto heads = [&](const float* src, int64_t len, int64_t row, int64_t off, int64_t h, const float* b) {
      Tensor t = Tensor::allocate(DataType::Float, {B, N, len, h}, ctx.allocator());
      float* o = t.mutable_data<float>();
      const int64_t group = packed_heads ? (row / N) : h;
      for (int64_t bi = 0; bi < B; ++bi)
        for (int64_t s = 0; s < len; ++s)
          for (int64_t n = 0; n < N; ++n) {
            const float* r = src + (bi * len + s) * row + off + n * group;
            for (int64_t i = 0; i < h; ++i) o[((bi * N + n) * len + s) * h + i] = r[i] + (b ? b[n * h + i] : 0.0f);
          }
      return t;
    };
    const Tensor q = heads(qs, S, q_row, q_off, H, bb);
    Tensor k = heads(ks, T, k_row, k_off, H, bb ? bb + N * H : nullptr);
    Tensor v = heads(vs, T, v_row, v_off, Hv, bb ? bb + 2 * N * H : nullptr);

    int64_t P = 0;
    if ((past_k == nullptr) != (past_v == nullptr)) fail("past_key and past_value come together");
    if (past_k) {
      if (past_k->rank() != 4 || past_k->shape()[0] != B || past_k->shape()[1] != N || past_k->shape()[3] != H ||
          past_v->rank() != 4 || past_v->shape()[2] != past_k->shape()[2] || past_v->shape()[3] != Hv)
        fail("past_key/past_value must be [B, N, P, head_size]");
      P = past_k->shape()[2];
      Tensor k2 = Tensor::allocate(DataType::Float, {B, N, P + T, H}, ctx.allocator());
      Tensor v2 = Tensor::allocate(DataType::Float, {B, N, P + T, Hv}, ctx.allocator());
      concat_past(past_k->data<float>(), k.data<float>(), B, N, P, T, H, k2.mutable_data<float>());
      concat_past(past_v->data<float>(), v.data<float>(), B, N, P, T, Hv, v2.mutable_data<float>());
      k = k2, v = v2;
    }
    const int64_t total = P + T;
    if (Tensor* pk = optional_output(ctx, 1, DataType::Float, {B, N, total, H}))
      std::copy(k.data<float>(), k.data<float>() + k.size(), pk->mutable_data<float>());
    if (Tensor* pv = optional_output(ctx, 2, DataType::Float, {B, N, total, Hv}))
      std::copy(v.data<float>(), v.data<float>() + v.size(), pv->mutable_data<float>());

    const AttentionMask mask(node, ctx.input(4), B, S, total, filter_);
    const AttentionBias abias(node, ctx.input(5), B, N, S, total);
    const float scale = scale_ != 0.0f ? scale_ : 1.0f / std::sqrt(static_cast<float>(H));
    Tensor& Y = ctx.allocate_output(0, DataType::Float, {B, S, N * Hv});
    auto additive = [&](int64_t b, int64_t n, int64_t s, int64_t t) {
      float a = mask.at(b, s, t) + abias.at(b, n, s, t, N);
      if (causal_ && t > total - S + s) a += filter_;
      return a;
    };
    attention_core(ctx.thread_pool(), AttentionDims{B, N, S, total, H, Hv}, scale, q.data<float>(), k.data<float>(),
                   v.data<float>(), additive, Y.mutable_data<float>());
  }

 private:
  int64_t N_;
  bool causal_;
  float scale_, filter_;
};

std::unique_ptr<OpKernel> make_mha(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 3, 5, 6, 7}, /*allow_double=*/false);
  if (node.get_int("num_heads", 0) <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": num_heads must be positive");
  if (node.has_input(8) || node.has_input(9))
    throw_error(ErrorCode::NotImplemented, node.describe() + ": past_sequence_length/cache_indirection are not supported");
  if (node.outputs.size() > 3 && node.outputs[3] != nullptr)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": the qk output is not supported");
  for (int i : {1, 2}) {
    if (!node.has_input(i)) continue;
    const ir::TypeInfo& t = node.inputs[i]->type;
    if (t.has_shape && t.shape.size() == 4)
      throw_error(ErrorCode::NotImplemented, node.describe() + ": 4-D (BNSH) key/value inputs are not supported");
  }
  return std::make_unique<MultiHeadAttentionKernel>(node);
}

void infer_mha(ir::InferenceContext& ctx) {
  const ir::TypeInfo& q = ctx.input_type(0);
  ctx.set_output_type(0, ir::TypeInfo::tensor(q.elem));
  for (int i = 1; i < ctx.output_count() && i < 3; ++i)
    if (ctx.node().outputs[i] != nullptr) ctx.set_output_type(i, ir::TypeInfo::tensor(q.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "MultiHeadAttention", 1, kMaxOpset, make_mha, infer_mha});

}  // namespace onyxrt::ops::contrib
