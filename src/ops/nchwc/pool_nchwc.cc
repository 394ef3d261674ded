// com.onyxrt.nchwc MaxPool, AveragePool and GlobalAveragePool on NCHW8c tensors: the pooling
// tiles of the direct convolution read the blocks in place of the copy they make from NCHW.
// Attributes are ONNX's (MaxPool without Indices; dilation 1 and pads under the kernel, which the
// layout pass checks before it writes the node).
#include <memory>

#include "kernels/conv_direct.h"
#include "kernels/nchwc_reorder.h"
#include "ops/common/conv_geometry.h"
#include "ops/common/global_pool.h"
#include "ops/nchwc/nchwc_common.h"

namespace onyxrt::ops::nchwc {
namespace {

enum class PoolKind { kMax, kAverage };

template <PoolKind kKind>
class PoolNchwcKernel final : public OpKernel {
 public:
  explicit PoolNchwcKernel(const ir::Node& node)
      : attrs_(parse_window_attributes(node, /*allow_dilations=*/true, /*allow_ceil_mode=*/true)),
        count_include_pad_(node.get_int("count_include_pad", 0) != 0) {
    if (attrs_.kernel_shape.size() != 2)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": kernel_shape must have 2 values");
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    check_blocked_input(node, X, "X");
    const kernels::Window3d win = make_window3d(attrs_, {X.shape()[2], X.shape()[3]}, node);
    if (!kernels::pool_blocked_supports(win))
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": only dilation 1 and pads smaller than the kernel run blocked");
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float,
                                                  {X.shape()[0], X.shape()[1], win.out[1], win.out[2]});
    if (Y.size() == 0) return;
    if constexpr (kKind == PoolKind::kMax)
      kernels::max_pool_blocked_f32(win, X.shape()[0], X.shape()[1], X.data<float>(), Y.mutable_data<float>(),
                                    ctx.thread_pool(), nullptr, /*nchwc=*/true);
    else
      kernels::avg_pool_blocked_f32(win, X.shape()[0], X.shape()[1], X.data<float>(), Y.mutable_data<float>(),
                                    count_include_pad_, ctx.thread_pool(), nullptr, /*nchwc=*/true);
  }

 private:
  WindowAttributes attrs_;
  bool count_include_pad_;
};

class GlobalAveragePoolNchwcKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    check_blocked_input(ctx.node(), X, "X");
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float, {X.shape()[0], X.shape()[1], 1, 1});
    if (Y.size() == 0) return;
    kernels::nchwc_global_avg_pool_f32(X.data<float>(), X.shape()[0], X.shape()[1], X.shape()[2] * X.shape()[3],
                                       Y.mutable_data<float>(), ctx.thread_pool());
  }
};

template <PoolKind kKind>
std::unique_ptr<OpKernel> make_pool(const ir::Node& node) {
  return std::make_unique<PoolNchwcKernel<kKind>>(node);
}
std::unique_ptr<OpKernel> make_global_average_pool(const ir::Node&) {
  return std::make_unique<GlobalAveragePoolNchwcKernel>();
}

void infer_pool(ir::InferenceContext& ctx) {
  infer_pooled_outputs(ctx, parse_window_attributes(ctx.node(), true, true), {DataType::Float});
}

}  // namespace

ONYXRT_REGISTER_OP({kDomain, "MaxPool", 1, kMaxOpset, make_pool<PoolKind::kMax>, infer_pool});
ONYXRT_REGISTER_OP({kDomain, "AveragePool", 1, kMaxOpset, make_pool<PoolKind::kAverage>, infer_pool});
ONYXRT_REGISTER_OP({kDomain, "GlobalAveragePool", 1, kMaxOpset, make_global_average_pool, infer_global_pool_output});

}  // namespace onyxrt::ops::nchwc
