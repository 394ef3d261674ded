// LpPool (ONNX opsets 1, 2, 11, 18, 22): y = (sum over the window of |x|^p)^(1/p), padding counting
// as zero. Opset 1 takes p as a float; from 2 it is an int (default 2). Opset 18 adds dilations and
// ceil_mode. The window geometry (auto_pad, pads, ceil_mode) is the one MaxPool uses.
#include <cmath>
#include <memory>

#include "ops/common/conv_geometry.h"
#include "ops/onnx/real_dispatch.h"
#include "ops/onnx/lp_order.h"
#include "ops/registry.h"

namespace onyxrt::ops {

double lp_norm_order(const ir::Node& node) {
  const ir::Attribute* a = node.find("p");
  if (a == nullptr) return 2.0;
  const double p = a->type == ir::Attribute::Type::Float ? static_cast<double>(a->f) : static_cast<double>(a->i);
  if (!(p > 0)) throw_error(ErrorCode::InvalidGraph, node.describe() + ": p must be positive");
  return p;
}

namespace {

WindowAttributes lp_pool_attributes(const ir::Node& node) {
  if (!node.has("kernel_shape"))
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": required attribute kernel_shape is missing");
  return parse_window_attributes(node, node.opset >= 18, node.opset >= 18);
}


class LpPoolKernel final : public OpKernel {
 public:
  explicit LpPoolKernel(const ir::Node& node) : attrs_(lp_pool_attributes(node)), p_(lp_norm_order(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    if (X.rank() < 3 || X.rank() - 2 != attrs_.rank() || X.rank() > 5)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": X must be [N, C, spatial...] with one to three spatial dims matching kernel_shape, got " +
                                                  shape_to_string(X.shape()));
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d w = make_window3d(attrs_, in_spatial, node);
    Shape out_shape{X.shape()[0], X.shape()[1]};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(w.out[i]);
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
    const int64_t planes = X.shape()[0] * X.shape()[1], in_size = w.in_size(), out_size = w.out_size();
    if (planes == 0 || out_size == 0) return;
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const bool square = p_ == 2.0, abs_only = p_ == 1.0;
    ThreadPool::parallel_for(ctx.thread_pool(), planes, 1, [&](int64_t b, int64_t e) {
      for (int64_t plane = b; plane < e; ++plane) {
        const T* xp = x + plane * in_size;
        T* yp = y + plane * out_size;
        for (int64_t o0 = 0; o0 < w.out[0]; ++o0)
          for (int64_t o1 = 0; o1 < w.out[1]; ++o1)
            for (int64_t o2 = 0; o2 < w.out[2]; ++o2) {
              double acc = 0;
              for (int64_t k0 = 0; k0 < w.kernel[0]; ++k0) {
                const int64_t i0 = o0 * w.stride[0] - w.pad_begin[0] + k0 * w.dilation[0];
                if (i0 < 0 || i0 >= w.in[0]) continue;
                for (int64_t k1 = 0; k1 < w.kernel[1]; ++k1) {
                  const int64_t i1 = o1 * w.stride[1] - w.pad_begin[1] + k1 * w.dilation[1];
                  if (i1 < 0 || i1 >= w.in[1]) continue;
                  for (int64_t k2 = 0; k2 < w.kernel[2]; ++k2) {
                    const int64_t i2 = o2 * w.stride[2] - w.pad_begin[2] + k2 * w.dilation[2];
                    if (i2 < 0 || i2 >= w.in[2]) continue;
                    const double v = std::abs(static_cast<double>(xp[(i0 * w.in[1] + i1) * w.in[2] + i2]));
                    acc += square ? v * v : abs_only ? v : std::pow(v, p_);
                  }
                }
              }
              *yp++ = static_cast<T>(square ? std::sqrt(acc) : abs_only ? acc : std::pow(acc, 1.0 / p_));
            }
      }
    });
  }

  WindowAttributes attrs_;
  double p_;
};

std::unique_ptr<OpKernel> make_lp_pool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, 0, t);
  return std::make_unique<LpPoolKernel>(node);
}

void infer_lp_pool(ir::InferenceContext& ctx) {
  infer_pooled_outputs(ctx, lp_pool_attributes(ctx.node()), {DataType::Undefined});
}

}  // namespace

ONYXRT_REGISTER_OP({"", "LpPool", 1, 1, make_lp_pool, infer_lp_pool});
ONYXRT_REGISTER_OP({"", "LpPool", 2, 10, make_lp_pool, infer_lp_pool});
ONYXRT_REGISTER_OP({"", "LpPool", 11, 17, make_lp_pool, infer_lp_pool});
ONYXRT_REGISTER_OP({"", "LpPool", 18, 21, make_lp_pool, infer_lp_pool});
ONYXRT_REGISTER_OP({"", "LpPool", 22, kMaxOpset, make_lp_pool, infer_lp_pool});

}  // namespace onyxrt::ops
