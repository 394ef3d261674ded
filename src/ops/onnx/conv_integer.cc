// ConvInteger (ONNX opset 10): integer convolution of uint8/int8 x and w after subtracting their
// zero points (x_zero_point a scalar; w_zero_point a scalar or one per output channel), giving
// int32. Padding reads as the zero point, i.e. 0 after the subtraction. The products are summed in
// double through the float reference conv, which is exact for these magnitudes (< 2^53).
#include <cmath>
#include <memory>

#include "kernels/ref/conv.h"
#include "ops/common/conv_geometry.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

double int_at(const Tensor& t, int64_t i) {
  return t.dtype() == DataType::UInt8 ? static_cast<double>(t.data<uint8_t>()[i]) : static_cast<double>(t.data<int8_t>()[i]);
}

class ConvIntegerKernel final : public OpKernel {
 public:
  explicit ConvIntegerKernel(const ir::Node& node)
      : attrs_(parse_window_attributes(node, true, false)), group_(node.get_int("group", 1)) {
    if (group_ <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive");
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& W = ctx.required_input(1);
    const Tensor* xzp = ctx.input(2);
    const Tensor* wzp = ctx.input(3);
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ")");
    };
    if (X.rank() < 3 || X.rank() > 5 || W.rank() != X.rank()) fail("X and W must be [N, C, 1-3 spatial dims]");
    const int64_t N = X.shape()[0], C = X.shape()[1], M = W.shape()[0], Cg = W.shape()[1];
    if (Cg * group_ != C || M % group_ != 0) fail("channels do not match group");
    if (xzp && xzp->size() != 1) fail("x_zero_point must be a scalar");
    if (wzp && wzp->size() != 1 && wzp->size() != M) fail("w_zero_point must be a scalar or one per output channel");
    WindowAttributes attrs = attrs_;
    const Shape kernel(W.shape().begin() + 2, W.shape().end());
    if (attrs.kernel_shape.empty()) {
      attrs.kernel_shape = kernel;
      resolve_window_defaults(attrs, node);
    }
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d win = make_window3d(attrs, in_spatial, node);
    Shape out_shape{N, M};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(win.out[i]);
    Tensor& Y = ctx.allocate_output(0, DataType::Int32, out_shape);
    if (Y.size() == 0) return;
    const double xz = xzp ? int_at(*xzp, 0) : 0.0;
    std::vector<double> x(static_cast<size_t>(X.size())), w(static_cast<size_t>(W.size()));
    for (int64_t i = 0; i < X.size(); ++i) x[i] = int_at(X, i) - xz;
    const int64_t per_m = W.size() / std::max<int64_t>(1, M);
    for (int64_t i = 0; i < W.size(); ++i) {
      const double wz = !wzp ? 0.0 : int_at(*wzp, wzp->size() == 1 ? 0 : i / per_m);
      w[i] = int_at(W, i) - wz;
    }
    const int64_t Mg = M / group_, in_size = win.in_size(), out_size = win.out_size();
    std::vector<double> y(static_cast<size_t>(Mg * out_size)), col(static_cast<size_t>(kernels::conv_col_size(win, Cg)));
    int32_t* yo = Y.mutable_data<int32_t>();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < group_; ++g) {
        kernels::conv_3d_ref<double>(win, Cg, Mg, &x[(n * C + g * Cg) * in_size], &w[g * Mg * Cg * win.kernel_size()],
                                     nullptr, y.data(), col.data());
        int32_t* dst = yo + (n * M + g * Mg) * out_size;
        for (int64_t i = 0; i < Mg * out_size; ++i) dst[i] = static_cast<int32_t>(std::llround(y[i]));
      }
  }

 private:
  WindowAttributes attrs_;
  int64_t group_;
};

std::unique_ptr<OpKernel> make_conv_integer(const ir::Node& node) {
  for (int i = 0; i < 4; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !int8_like(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<ConvIntegerKernel>(node);
}

void infer_conv_integer(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  if (!x.has_shape || x.shape.size() < 3) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int32));
    return;
  }
  WindowAttributes attrs = parse_window_attributes(ctx.node(), true, false);
  ir::SymShape out{x.shape[0], w.has_shape && !w.shape.empty() ? w.shape[0] : ir::Dim{}};
  const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
  if (attrs.kernel_shape.empty() && w.has_shape && w.shape.size() == x.shape.size()) {
    for (size_t i = 2; i < w.shape.size() && w.shape[i].known(); ++i) attrs.kernel_shape.push_back(w.shape[i].value);
    if (attrs.kernel_shape.size() == in_spatial.size()) resolve_window_defaults(attrs, ctx.node());
    else attrs.kernel_shape.clear();
  }
  if (attrs.kernel_shape.size() == in_spatial.size()) {
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, ctx.node());
    out.insert(out.end(), sp.begin(), sp.end());
  } else {
    out.resize(x.shape.size());
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int32, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ConvInteger", 10, kMaxOpset, make_conv_integer, infer_conv_integer});

}  // namespace onyxrt::ops
