// QLinearConv (ONNX opset 10): quantized convolution. The integer convolution of (x - x_zp) and
// (w - w_zp) (w_zp scalar or one per output channel) plus the int32 bias is rescaled by
// x_scale * w_scale / y_scale (w_scale scalar or per output channel), offset by y_zp, rounded half
// to even and saturated to the output type (y_zp's, else x's). The products are summed in double
// through the float reference conv, which is exact for these magnitudes (< 2^53).
#include <cmath>
#include <memory>

#include "kernels/ref/conv.h"
#include "ops/common/conv_geometry.h"
#include "ops/onnx/quant_common.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

class QLinearConvKernel final : public OpKernel {
 public:
  explicit QLinearConvKernel(const ir::Node& node)
      : attrs_(parse_window_attributes(node, true, false)), group_(node.get_int("group", 1)) {
    if (group_ <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive");
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& xs = ctx.required_input(1);
    const Tensor* xzp = ctx.input(2);
    const Tensor& W = ctx.required_input(3);
    const Tensor& ws = ctx.required_input(4);
    const Tensor* wzp = ctx.input(5);
    const Tensor& ys = ctx.required_input(6);
    const Tensor* yzp = ctx.input(7);
    const Tensor* bias = ctx.input(8);
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ")");
    };
    if (X.rank() < 3 || X.rank() > 5 || W.rank() != X.rank()) fail("X and W must be [N, C, 1-3 spatial dims]");
    const int64_t N = X.shape()[0], C = X.shape()[1], M = W.shape()[0], Cg = W.shape()[1];
    if (Cg * group_ != C || M % group_ != 0) fail("channels do not match group");
    if (xs.size() != 1 || ys.size() != 1) fail("x_scale and y_scale must be scalars");
    if ((xzp && xzp->size() != 1) || (yzp && yzp->size() != 1)) fail("x_zero_point and y_zero_point must be scalars");
    if (ws.size() != 1 && ws.size() != M) fail("w_scale must be a scalar or one per output channel");
    if (wzp && wzp->size() != 1 && wzp->size() != M) fail("w_zero_point must be a scalar or one per output channel");
    if (bias && (bias->dtype() != DataType::Int32 || bias->size() != M)) fail("B must be int32 with one value per output channel");
    const DataType out_type = yzp ? yzp->dtype() : X.dtype();
    WindowAttributes attrs = attrs_;
    if (attrs.kernel_shape.empty()) attrs.kernel_shape.assign(W.shape().begin() + 2, W.shape().end());
    resolve_window_defaults(attrs, node);
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d win = make_window3d(attrs, in_spatial, node);
    Shape out_shape{N, M};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(win.out[i]);
    Tensor& Y = ctx.allocate_output(0, out_type, out_shape);
    if (Y.size() == 0) return;
    const double xz = xzp ? static_cast<double>(quant::load_int(xzp->dtype(), xzp->raw(), 0)) : 0.0;
    std::vector<double> x(static_cast<size_t>(X.size())), w(static_cast<size_t>(W.size()));
    for (int64_t i = 0; i < X.size(); ++i) x[i] = static_cast<double>(quant::load_int(X.dtype(), X.raw(), i)) - xz;
    const int64_t per_m = W.size() / std::max<int64_t>(1, M);
    for (int64_t i = 0; i < W.size(); ++i) {
      const double wz = !wzp ? 0.0 : static_cast<double>(quant::load_int(wzp->dtype(), wzp->raw(), wzp->size() == 1 ? 0 : i / per_m));
      w[i] = static_cast<double>(quant::load_int(W.dtype(), W.raw(), i)) - wz;
    }
    const float x_scale = quant::load_real(xs.dtype(), xs.raw(), 0), y_scale = quant::load_real(ys.dtype(), ys.raw(), 0);
    const double yz = yzp ? static_cast<double>(quant::load_int(yzp->dtype(), yzp->raw(), 0)) : 0.0;
    int64_t lo, hi;
    quant::int_range(out_type, lo, hi);
    const int64_t Mg = M / group_, in_size = win.in_size(), out_size = win.out_size();
    std::vector<double> y(static_cast<size_t>(Mg * out_size)), col(static_cast<size_t>(kernels::conv_col_size(win, Cg)));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < group_; ++g) {
        kernels::conv_3d_ref<double>(win, Cg, Mg, &x[(n * C + g * Cg) * in_size], &w[g * Mg * Cg * win.kernel_size()],
                                     nullptr, y.data(), col.data());
        for (int64_t mi = 0; mi < Mg; ++mi) {
          const int64_t m = g * Mg + mi;
          const float mult = x_scale * quant::load_real(ws.dtype(), ws.raw(), ws.size() == 1 ? 0 : m) / y_scale;
          const double b = bias ? bias->data<int32_t>()[m] : 0;
          const int64_t base = (n * M + m) * out_size;
          for (int64_t i = 0; i < out_size; ++i) {
            const double acc = static_cast<double>(static_cast<int32_t>(std::llround(y[mi * out_size + i] + b)));
            double v = std::nearbyint(acc * mult + yz);
            v = std::min<double>(std::max<double>(v, lo), hi);
            quant::store_int(out_type, Y.mutable_raw(), base + i, static_cast<int64_t>(v));
          }
        }
      }
  }

 private:
  WindowAttributes attrs_;
  int64_t group_;
};

std::unique_ptr<OpKernel> make_qlinear_conv(const ir::Node& node) {
  for (int i : {0, 2, 3, 5, 7}) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !int8_like(t)) unsupported_type(node, i, t);
  }
  for (int i : {1, 4, 6}) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !quant::is_real_type(t)) unsupported_type(node, i, t);
  }
  if (node.has_input(8)) {
    const DataType t = input_dtype(node, 8);
    if (t != DataType::Undefined && t != DataType::Int32) unsupported_type(node, 8, t);
  }
  return std::make_unique<QLinearConvKernel>(node);
}

void infer_qlinear_conv(ir::InferenceContext& ctx) {
  const DataType out = ctx.has_input(7) ? ctx.input_type(7).elem : ctx.input_type(0).elem;
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(3);
  if (!x.has_shape || x.shape.size() < 3) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(out));
    return;
  }
  WindowAttributes attrs = parse_window_attributes(ctx.node(), true, false);
  ir::SymShape shape{x.shape[0], w.has_shape && !w.shape.empty() ? w.shape[0] : ir::Dim{}};
  const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
  if (attrs.kernel_shape.empty() && w.has_shape && w.shape.size() == x.shape.size()) {
    for (size_t i = 2; i < w.shape.size() && w.shape[i].known(); ++i) attrs.kernel_shape.push_back(w.shape[i].value);
    if (attrs.kernel_shape.size() != in_spatial.size()) attrs.kernel_shape.clear();
  }
  if (attrs.kernel_shape.size() == in_spatial.size()) {
    resolve_window_defaults(attrs, ctx.node());
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, ctx.node());
    shape.insert(shape.end(), sp.begin(), sp.end());
  } else {
    shape.resize(x.shape.size());
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(out, std::move(shape)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "QLinearConv", 10, kMaxOpset, make_qlinear_conv, infer_qlinear_conv});

}  // namespace onyxrt::ops
