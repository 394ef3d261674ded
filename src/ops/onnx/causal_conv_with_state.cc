// CausalConvWithState (ONNX opset 27): a causal depthwise 1-D convolution that carries its left
// context between calls, as Mamba / Gated DeltaNet decoders use it:
//   padded = concat(past_state or zeros [B, C, k - 1], input [B, C, L]) along length
//   output[b, c, t] = act(bias[c] + sum_i weight[c, 0, i] * padded[b, c, t + i])
//   present_state = the last k - 1 positions of padded
// act is identity ("none") or SiLU ("silu" / "swish": x * sigmoid(x)). Computed in double; as in
// the spec's reference, the convolution is rounded to T before the activation.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kernels/ref/float_types.h"
#include "kernels/ref/real_cast.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool conv_type_ok(DataType t) { return t == DataType::Float || t == DataType::Float16 || t == DataType::BFloat16; }

class CausalConvWithStateKernel final : public OpKernel {
 public:
  explicit CausalConvWithStateKernel(const ir::Node& node) {
    const std::string act = node.get_string("activation", "none");
    if (act == "silu" || act == "swish") silu_ = true;
    else if (act != "none")
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": activation '" + act + "' is not one of none, silu, swish");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!kernels::visit_float_or_half(x.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, x); }))
      unsupported_type(ctx.node(), 0, x.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& x) const {
    const ir::Node& node = ctx.node();
    const Tensor& w = ctx.required_input(1);
    const Tensor* bias = ctx.input(2);
    const Tensor* past = ctx.input(3);
    if (x.rank() != 3 || w.rank() != 3)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": input " + shape_to_string(x.shape()) + " and weight " +
                                                  shape_to_string(w.shape()) + " must be rank 3");
    const int64_t B = x.shape()[0], C = x.shape()[1], L = x.shape()[2], K = w.shape()[2];
    if (w.shape()[0] != C || w.shape()[1] != 1 || K < 1)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": weight " + shape_to_string(w.shape()) +
                                                  " must be [channels=" + std::to_string(C) + ", 1, k >= 1]");
    if (bias && bias->shape() != Shape{C})
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": bias " + shape_to_string(bias->shape()) + " must be [" +
                                                  std::to_string(C) + "]");
    const int64_t S = K - 1;  // carried positions
    if (past && past->shape() != Shape{B, C, S})
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": past_state " + shape_to_string(past->shape()) + " must be " +
                                                  shape_to_string(Shape{B, C, S}));
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    T* state_out = ctx.output_count() > 1 && ctx.output_requested(1)
                       ? ctx.allocate_output(1, x.dtype(), {B, C, S}).mutable_data<T>() : nullptr;
    const T* xd = x.data<T>();
    const T* wd = w.data<T>();
    T* yd = y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), B * C, 1, [&](int64_t begin, int64_t end) {
      std::vector<double> padded(static_cast<size_t>(S + L));
      for (int64_t bc = begin; bc < end; ++bc) {
        const int64_t c = bc % C;
        for (int64_t t = 0; t < S; ++t) padded[t] = past ? kernels::to_double(past->data<T>()[bc * S + t]) : 0.0;
        for (int64_t t = 0; t < L; ++t) padded[S + t] = kernels::to_double(xd[bc * L + t]);
        const double b0 = bias ? kernels::to_double(bias->data<T>()[c]) : 0.0;
        for (int64_t t = 0; t < L; ++t) {
          double acc = b0;
          for (int64_t i = 0; i < K; ++i) acc += kernels::to_double(wd[c * K + i]) * padded[t + i];
          if (silu_) {
            acc = kernels::round_as<T>(acc);
            acc = acc / (1.0 + std::exp(-acc));
          }
          yd[bc * L + t] = kernels::from_double<T>(acc);
        }
        if (state_out)
          for (int64_t t = 0; t < S; ++t) state_out[bc * S + t] = kernels::from_double<T>(padded[L + t]);
      }
    });
  }

  bool silu_ = false;
};

std::unique_ptr<OpKernel> make_causal_conv_with_state(const ir::Node& node) {
  for (int i = 0; i < 4; ++i) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && !conv_type_ok(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<CausalConvWithStateKernel>(node);
}

void infer_causal_conv_with_state(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  ctx.set_output_type(0, x.has_shape ? ir::TypeInfo::tensor(x.elem, x.shape) : ir::TypeInfo::tensor(x.elem));
  if (ctx.output_count() < 2 || !ctx.node().outputs[1]) return;
  if (x.has_shape && x.shape.size() == 3 && w.has_shape && w.shape.size() == 3) {
    const ir::Dim k = w.shape[2];
    ctx.set_output_type(1, ir::TypeInfo::tensor(x.elem, ir::SymShape{x.shape[0], x.shape[1],
                                                                      k.known() ? ir::Dim::of(k.value - 1) : ir::Dim{}}));
  } else {
    ctx.set_output_type(1, ir::TypeInfo::tensor(x.elem));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "CausalConvWithState", 27, kMaxOpset, make_causal_conv_with_state, infer_causal_conv_with_state});

}  // namespace onyxrt::ops
