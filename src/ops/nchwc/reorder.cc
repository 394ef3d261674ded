// com.onyxrt.nchwc ReorderInput (NCHW -> NCHW8c, channels padded with zeros) and ReorderOutput
// (NCHW8c -> NCHW, keeping the first `channels`): the boundaries of a blocked chain.
#include <memory>

#include "kernels/nchwc_reorder.h"
#include "ops/nchwc/nchwc_common.h"

namespace onyxrt::ops::nchwc {
namespace {

int64_t spatial_size(const Tensor& X) {
  int64_t hw = 1;
  for (size_t i = 2; i < X.shape().size(); ++i) hw *= X.shape()[i];
  return hw;
}

class ReorderInputKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() != DataType::Float) unsupported_type(ctx.node(), 0, X.dtype());
    if (X.rank() != 4)
      throw_error(ErrorCode::InvalidArgument,
                  ctx.node().describe() + ": X must be [N, C, H, W], got " + shape_to_string(X.shape()));
    Shape out = X.shape();
    out[1] = kernels::nchwc_padded_channels(out[1]);
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float, out);
    if (Y.size() == 0) return;
    kernels::nchwc_reorder_in_f32(X.data<float>(), X.shape()[0], X.shape()[1], spatial_size(X),
                                  Y.mutable_data<float>(), ctx.thread_pool());
  }
};

class ReorderOutputKernel final : public OpKernel {
 public:
  explicit ReorderOutputKernel(const ir::Node& node) : channels_(node.get_int("channels", -1)) {
    if (channels_ < 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute channels must be given and >= 0");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    check_blocked_input(ctx.node(), X, "X");
    if (X.shape()[1] != kernels::nchwc_padded_channels(channels_))
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X " + shape_to_string(X.shape()) +
                                                  " must have " + std::to_string(channels_) +
                                                  " channels rounded up to 8");
    Shape out = X.shape();
    out[1] = channels_;
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float, out);
    if (Y.size() == 0) return;
    kernels::nchwc_reorder_out_f32(X.data<float>(), X.shape()[0], channels_, spatial_size(X), Y.mutable_data<float>(),
                                   ctx.thread_pool());
  }

 private:
  int64_t channels_;
};

std::unique_ptr<OpKernel> make_reorder_input(const ir::Node&) { return std::make_unique<ReorderInputKernel>(); }
std::unique_ptr<OpKernel> make_reorder_output(const ir::Node& node) {
  return std::make_unique<ReorderOutputKernel>(node);
}

void infer_reorder_input(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape) return ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
  infer_with_channels(ctx, x.shape, x.shape.size() > 1 && x.shape[1].known() ? x.shape[1].value : -1);
}

void infer_reorder_output(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape) return ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
  ir::SymShape out = x.shape;
  if (out.size() > 1) out[1] = ir::Dim::of(ctx.node().get_int("channels", 0));
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({kDomain, "ReorderInput", 1, kMaxOpset, make_reorder_input, infer_reorder_input});
ONYXRT_REGISTER_OP({kDomain, "ReorderOutput", 1, kMaxOpset, make_reorder_output, infer_reorder_output});

}  // namespace onyxrt::ops::nchwc
