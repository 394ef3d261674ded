// MaxPool (ONNX opsets 1, 8, 10, 11, 12, 22). Opset 8 adds storage_order and the optional
// Indices output, 10 adds ceil_mode and dilations, 12 adds int8/uint8. Float 1-D/2-D pooling
// without Indices takes the vectorized plane kernels of kernels/pool_2d.h; the rest the reference.
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

bool maxpool_dtype_supported(DataType t, int64_t opset) {
  if (t == DataType::Float || t == DataType::Double) return true;
  return opset >= 12 && (t == DataType::Int8 || t == DataType::UInt8);
}

WindowAttributes maxpool_attributes(const ir::Node& node) {
  if (!node.has("kernel_shape"))
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": required attribute kernel_shape is missing");
  return parse_window_attributes(node, node.opset >= 10, node.opset >= 10);
}

class MaxPoolKernel final : public OpKernel {
 public:
  explicit MaxPoolKernel(const ir::Node& node)
      : attrs_(maxpool_attributes(node)), column_major_(node.opset >= 8 && node.get_int("storage_order", 0) == 1) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx, X);
      case DataType::Double: return run<double>(ctx, X);
      case DataType::Int8: return run<int8_t>(ctx, X);
      case DataType::UInt8: return run<uint8_t>(ctx, X);
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
    int64_t* indices = nullptr;
    if (ctx.output_count() > 1 && ctx.output_requested(1))
      indices = ctx.allocate_output(1, DataType::Int64, out_shape).mutable_data<int64_t>();
    const int64_t planes = X.shape()[0] * X.shape()[1];
    const int64_t in_size = win.in_size(), out_size = win.out_size();
    if (planes == 0 || out_size == 0) return;
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const int64_t plane_work = std::max<int64_t>(1, out_size * win.kernel_size());
    if constexpr (std::is_same_v<T, float>) {
      if (indices == nullptr && kernels::pool_blocked_preferred(win, X.shape()[1])) {
        kernels::max_pool_blocked_f32(win, X.shape()[0], X.shape()[1], x, y, ctx.thread_pool());
        return;
      }
      if (indices == nullptr && kernels::pool2d_supports(win)) {
        const auto max_plane = kernels::pool2d_selected_variant().max_plane;
        ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / plane_work),
                                 [&](int64_t begin, int64_t end) {
                                   for (int64_t p = begin; p < end; ++p)
                                     max_plane(win, x + p * in_size, y + p * out_size);
                                 });
        return;
      }
    }
    ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / plane_work),
                             [&](int64_t begin, int64_t end) {
                               for (int64_t p = begin; p < end; ++p)
                                 kernels::maxpool_3d_ref<T>(win, x + p * in_size, y + p * out_size,
                                                            indices ? indices + p * out_size : nullptr, p * in_size,
                                                            column_major_);
                             });
  }

  WindowAttributes attrs_;
  bool column_major_;
};

std::unique_ptr<OpKernel> make_maxpool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !maxpool_dtype_supported(t, node.opset)) unsupported_type(node, 0, t);
  return std::make_unique<MaxPoolKernel>(node);
}

void infer_maxpool(ir::InferenceContext& ctx) {
  infer_pooled_outputs(ctx, maxpool_attributes(ctx.node()), {DataType::Undefined, DataType::Int64});
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MaxPool", 1, 7, make_maxpool, infer_maxpool});
ONYXRT_REGISTER_OP({"", "MaxPool", 8, 9, make_maxpool, infer_maxpool});
ONYXRT_REGISTER_OP({"", "MaxPool", 10, 10, make_maxpool, infer_maxpool});
ONYXRT_REGISTER_OP({"", "MaxPool", 11, 11, make_maxpool, infer_maxpool});
ONYXRT_REGISTER_OP({"", "MaxPool", 12, 21, make_maxpool, infer_maxpool});
ONYXRT_REGISTER_OP({"", "MaxPool", 22, kMaxOpset, make_maxpool, infer_maxpool});

}  // namespace onyxrt::ops
