// FlexAttention (ai.onnx.preview opset 1): attention over rank-4 Q [B, Hq, L, E], K [B, Hkv, S, E],
// V [B, Hkv, S, Ev] with two optional modifier subgraphs:
//   scores = (Q * sqrt(scale)) @ (K * sqrt(scale))^T    (scale default 1/sqrt(E))
//   scores = score_mod(scores); probs = softmax(scores); probs = prob_mod(probs); Y = probs @ V
// Query head h reads kv head h / (Hq / Hkv). scores and probs are tensors of the softmax type
// (softmax_precision, default float, double for double inputs), which is what the subgraphs see.
// Arithmetic runs in double and is rounded where the spec's reference rounds: sqrt(scale) in
// float then in T, the scaled Q and K and their product in T, then the softmax type.
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/ref/float_types.h"
#include "ops/onnx/real_element_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

DataType softmax_type(const ir::Node& node, DataType input) {
  const int64_t p = node.get_int("softmax_precision", 0);
  if (p != 0) return static_cast<DataType>(p);
  return input == DataType::Double ? DataType::Double : DataType::Float;
}

class FlexAttentionKernel final : public OpKernel {
 public:
  explicit FlexAttentionKernel(const ir::Node& node)
      : score_mod_(node.get_graph("score_mod")),
        prob_mod_(node.get_graph("prob_mod")),
        has_scale_(node.has("scale")),
        scale_(node.get_float("scale", 1.0f)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& Q = ctx.required_input(0);
    const Tensor& K = ctx.required_input(1);
    const Tensor& V = ctx.required_input(2);
    if (Q.rank() != 4 || K.rank() != 4 || V.rank() != 4)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": Q, K and V must be rank 4, got " + shape_to_string(Q.shape()) +
                                                  ", " + shape_to_string(K.shape()) + ", " + shape_to_string(V.shape()));
    const int64_t B = Q.shape()[0], QH = Q.shape()[1], L = Q.shape()[2], E = Q.shape()[3];
    const int64_t KH = K.shape()[1], S = K.shape()[2], EV = V.shape()[3];
    if (K.shape()[0] != B || V.shape()[0] != B || K.shape()[3] != E || V.shape()[1] != KH || V.shape()[2] != S || KH == 0 ||
        QH % KH != 0)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": inconsistent Q " + shape_to_string(Q.shape()) + ", K " +
                                                  shape_to_string(K.shape()) + ", V " + shape_to_string(V.shape()));
    const DataType T = Q.dtype(), C = softmax_type(node, T);
    const int64_t group = QH / KH;
    const double scale = has_scale_ ? scale_ : 1.0 / std::sqrt(static_cast<double>(E));
    const double sqrt_scale = round_to_dtype(T, std::sqrt(static_cast<float>(scale)));
    const Shape score_shape{B, QH, L, S};
    Tensor scores = Tensor::allocate(C, score_shape, ctx.allocator());
    ThreadPool::parallel_for(ctx.thread_pool(), B * QH, 1, [&](int64_t begin, int64_t end) {
      std::vector<double> qs(static_cast<size_t>(E));
      for (int64_t bh = begin; bh < end; ++bh) {
        const int64_t b = bh / QH, kvh = (bh % QH) / group;
        for (int64_t i = 0; i < L; ++i) {
          for (int64_t e = 0; e < E; ++e) qs[e] = round_to_dtype(T, load_real_element(Q, (bh * L + i) * E + e) * sqrt_scale);
          for (int64_t j = 0; j < S; ++j) {
            double dot = 0;
            const int64_t kbase = ((b * KH + kvh) * S + j) * E;
            for (int64_t e = 0; e < E; ++e) dot += qs[e] * round_to_dtype(T, load_real_element(K, kbase + e) * sqrt_scale);
            store_real_element(scores, (bh * L + i) * S + j, round_to_dtype(T, dot));
          }
        }
      }
    });
    if (score_mod_) scores = run_modifier(ctx, *score_mod_, std::move(scores), "score_mod");
    Tensor probs = Tensor::allocate(C, score_shape, ctx.allocator());
    ThreadPool::parallel_for(ctx.thread_pool(), B * QH * L, 16, [&](int64_t begin, int64_t end) {
      std::vector<double> row(static_cast<size_t>(S));
      for (int64_t r = begin; r < end; ++r) {
        double mx = -std::numeric_limits<double>::infinity(), sum = 0;
        for (int64_t j = 0; j < S; ++j) mx = std::max(mx, row[j] = load_real_element(scores, r * S + j));
        for (int64_t j = 0; j < S; ++j) sum += (row[j] = std::exp(row[j] - mx));
        for (int64_t j = 0; j < S; ++j) store_real_element(probs, r * S + j, row[j] / sum);
      }
    });
    if (prob_mod_) probs = run_modifier(ctx, *prob_mod_, std::move(probs), "prob_mod");
    Tensor& Y = ctx.allocate_output(0, T, {B, QH, L, EV});
    ThreadPool::parallel_for(ctx.thread_pool(), B * QH * L, 4, [&](int64_t begin, int64_t end) {
      std::vector<double> acc(static_cast<size_t>(EV));
      for (int64_t r = begin; r < end; ++r) {
        const int64_t bh = r / L, b = bh / QH, kvh = (bh % QH) / group;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t j = 0; j < S; ++j) {
          const double p = load_real_element(probs, r * S + j);
          const int64_t vbase = ((b * KH + kvh) * S + j) * EV;
          for (int64_t e = 0; e < EV; ++e) acc[e] += p * round_to_dtype(C, load_real_element(V, vbase + e));
        }
        for (int64_t e = 0; e < EV; ++e) store_real_element(Y, r * EV + e, round_to_dtype(C, acc[e]));
      }
    });
  }

 private:
  // Runs a one-in, one-out modifier subgraph; its output must keep the tensor's shape and type.
  static Tensor run_modifier(KernelContext& ctx, const ir::Graph& graph, Tensor in, const char* what) {
    const Shape shape = in.shape();
    const DataType dtype = in.dtype();
    std::vector<Value> outs = ctx.run_subgraph(graph, {Value(std::move(in))});
    if (outs.size() != 1 || !outs[0].is_tensor())
      throw_error(ErrorCode::InvalidGraph, ctx.node().describe() + ": " + what + " must produce exactly one tensor");
    Tensor out = outs[0].tensor();
    if (out.shape() != shape || out.dtype() != dtype)
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + what + " returned " + out.describe() +
                                                  ", expected " + std::string(dtype_name(dtype)) + " " + shape_to_string(shape));
    return out;
  }

  const ir::Graph* score_mod_;
  const ir::Graph* prob_mod_;
  bool has_scale_;
  float scale_;
};

std::unique_ptr<OpKernel> make_flex_attention(const ir::Node& node) {
  DataType q = DataType::Undefined;
  for (int i = 0; i < 3; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !kernels::is_float_or_half(t)) unsupported_type(node, i, t);
    if (i == 0) q = t;
  }
  if (q != DataType::Undefined && !kernels::is_float_or_half(softmax_type(node, q)))
    throw_error(ErrorCode::NotImplemented, node.describe() + ": softmax_precision " +
                                               std::to_string(node.get_int("softmax_precision", 0)) + " is not a float type");
  return std::make_unique<FlexAttentionKernel>(node);
}

void infer_flex_attention(ir::InferenceContext& ctx) {
  const ir::TypeInfo& q = ctx.input_type(0);
  const ir::TypeInfo& v = ctx.input_type(2);
  if (q.has_shape && v.has_shape && q.shape.size() == 4 && v.shape.size() == 4)
    ctx.set_output_type(0, ir::TypeInfo::tensor(q.elem, ir::SymShape{q.shape[0], q.shape[1], q.shape[2], v.shape[3]}));
  else
    ctx.set_output_type(0, ir::TypeInfo::tensor(q.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.preview", "FlexAttention", 1, kMaxOpset, make_flex_attention, infer_flex_attention});

}  // namespace onyxrt::ops
