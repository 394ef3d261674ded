// AveragePool (ONNX opsets 1, 7, 10, 11, 19, 22). Opset 7 adds count_include_pad, 10 ceil_mode,
// 19 dilations. Float 1-D/2-D pooling takes the vectorized plane kernels of kernels/pool_2d.h.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/conv_direct.h"
#include "kernels/pool_2d.h"
#include "kernels/ref/pool.h"
#include "ops/common/conv_geometry.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

WindowAttributes avgpool_attributes(const ir::Node& node) {
  if (!node.has("kernel_shape"))
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": required attribute kernel_shape is missing");
  return parse_window_attributes(node, node.opset >= 19, node.opset >= 10);
}

class AveragePoolKernel final : public OpKernel {
 public:
  explicit AveragePoolKernel(const ir::Node& node)
      : attrs_(avgpool_attributes(node)),
        count_include_pad_(node.opset >= 7 && node.get_int("count_include_pad", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx, X);
      case DataType::Double: return run<double>(ctx, X);
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    if (X.rank() < 3)
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": X must be [N, C, spatial...], got " + shape_to_string(X.shape()));
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d win = make_window3d(attrs_, in_spatial, node);
    Shape out_shape{X.shape()[0], X.shape()[1]};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(win.out[i]);
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), out_shape);
    const int64_t planes = X.shape()[0] * X.shape()[1];
    const int64_t in_size = win.in_size(), out_size = win.out_size();
    if (planes == 0 || out_size == 0) return;
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const int64_t plane_work = std::max<int64_t>(1, out_size * win.kernel_size());
    if constexpr (std::is_same_v<T, float>) {
      if (kernels::pool_blocked_preferred(win, X.shape()[1])) {
        kernels::avg_pool_blocked_f32(win, X.shape()[0], X.shape()[1], x, y, count_include_pad_, ctx.thread_pool());
        return;
      }
      if (kernels::pool2d_supports(win)) {
        const auto avg_plane = kernels::pool2d_selected_variant().avg_plane;
        ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / plane_work),
                                 [&](int64_t begin, int64_t end) {
                                   for (int64_t p = begin; p < end; ++p)
                                     avg_plane(win, x + p * in_size, y + p * out_size, count_include_pad_);
                                 });
        return;
      }
    }
    ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / plane_work),
                             [&](int64_t begin, int64_t end) {
                               for (int64_t p = begin; p < end; ++p)
                                 kernels::avgpool_3d_ref<T>(win, x + p * in_size, y + p * out_size, count_include_pad_);
                             });
  }

  WindowAttributes attrs_;
  bool count_include_pad_;
};

std::unique_ptr<OpKernel> make_avgpool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Float && t != DataType::Double) unsupported_type(node, 0, t);
  return std::make_unique<AveragePoolKernel>(node);
}

void infer_avgpool(ir::InferenceContext& ctx) {
  infer_pooled_outputs(ctx, avgpool_attributes(ctx.node()), {DataType::Undefined});
}

}  // namespace

ONYXRT_REGISTER_OP({"", "AveragePool", 1, 6, make_avgpool, infer_avgpool});
ONYXRT_REGISTER_OP({"", "AveragePool", 7, 9, make_avgpool, infer_avgpool});
ONYXRT_REGISTER_OP({"", "AveragePool", 10, 10, make_avgpool, infer_avgpool});
ONYXRT_REGISTER_OP({"", "AveragePool", 11, 18, make_avgpool, infer_avgpool});
ONYXRT_REGISTER_OP({"", "AveragePool", 19, 21, make_avgpool, infer_avgpool});
ONYXRT_REGISTER_OP({"", "AveragePool", 22, kMaxOpset, make_avgpool, infer_avgpool});

}  // namespace onyxrt::ops
