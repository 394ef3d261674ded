// ConvTranspose (ONNX opsets 1, 11, 22): the gradient of Conv with respect to its input, for 1-3
// spatial dims, with groups, strides, dilations, output_padding, explicit pads, auto_pad and
// output_shape. X is [N, C, in...], W is [C, M / group, kernel...], Y is [N, M, out...].
// Per (image, group): col = W_g^T * X_g (GEMM), then col2im scatters col onto Y.
// Output size and pads follow the ONNX spec and reference: with output_shape (or auto_pad SAME_*,
// which implies output_shape = in * stride) the total padding
//   stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1 - out
// is split with the odd unit at the end for SAME_UPPER and at the beginning otherwise; without
// it, out = stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1 - pad_begin - pad_end.
#include <algorithm>
#include <memory>

#include "kernels/ref/col2im.h"
#include "kernels/ref/gemm.h"
#include "ops/common/conv_geometry.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct ConvTransposeAttrs {
  WindowAttributes win;  // kernel_shape may be empty until W is seen
  std::vector<int64_t> output_padding;
  std::vector<int64_t> output_shape;  // spatial part only; empty when absent
  int64_t group = 1;
  bool explicit_pads = false;
};

ConvTransposeAttrs parse_attrs(const ir::Node& node) {
  ConvTransposeAttrs a;
  a.win = parse_window_attributes(node, true, false);
  a.explicit_pads = node.has("pads");
  a.output_padding = node.get_ints("output_padding");
  a.output_shape = node.get_ints("output_shape");
  a.group = node.get_int("group", 1);
  if (a.group <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive");
  return a;
}

// Completes the attributes for a kernel of `kernel` spatial dims; fails on inconsistent lengths.
void resolve(ConvTransposeAttrs& a, const std::vector<int64_t>& kernel, const ir::Node& node) {
  if (a.win.kernel_shape.empty()) {
    a.win.kernel_shape = kernel;
    resolve_window_defaults(a.win, node);
  } else if (a.win.kernel_shape != kernel) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": kernel_shape attribute differs from W's spatial dims");
  }
  const size_t r = kernel.size();
  if (a.output_padding.empty()) a.output_padding.assign(r, 0);
  if (a.output_padding.size() != r)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": output_padding must have one value per spatial dim");
  if (a.output_shape.size() > r) a.output_shape.erase(a.output_shape.begin(), a.output_shape.end() - r);
  if (!a.output_shape.empty() && a.output_shape.size() != r)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": output_shape must have one value per spatial dim");
}

struct AxisOut {
  int64_t out, pad_begin;
};

AxisOut axis_out(const ConvTransposeAttrs& a, size_t i, int64_t in) {
  const int64_t k = a.win.kernel_shape[i], s = a.win.strides[i], d = a.win.dilations[i];
  const int64_t full = s * (in - 1) + a.output_padding[i] + (k - 1) * d + 1;
  const bool same = a.win.auto_pad == AutoPad::SameUpper || a.win.auto_pad == AutoPad::SameLower;
  if (!a.output_shape.empty() || (same && !a.explicit_pads)) {
    const int64_t out = !a.output_shape.empty() ? a.output_shape[i] : in * s;
    // A negative total (output_shape beyond the full extent) leaves the extra tail as bias only,
    // as onnxruntime does.
    const int64_t total = std::max<int64_t>(0, full - out);
    const int64_t begin = a.win.auto_pad == AutoPad::SameUpper ? total / 2 : total - total / 2;
    return {out, begin};
  }
  if (a.win.auto_pad == AutoPad::Valid) return {full, 0};
  const size_t r = a.win.kernel_shape.size();
  return {full - a.win.pads[i] - a.win.pads[i + r], a.win.pads[i]};
}

class ConvTransposeKernel final : public OpKernel {
 public:
  explicit ConvTransposeKernel(const ir::Node& node) : attrs_(parse_attrs(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx);
      case DataType::Double: return run<double>(ctx);
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx) const {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& W = ctx.required_input(1);
    const Tensor* B = ctx.input(2);
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ")");
    };
    if (X.rank() < 3 || X.rank() > 5) fail("X must be [N, C, spatial...] with 1 to 3 spatial dims");
    if (W.rank() != X.rank()) fail("W must have the rank of X");
    if (W.dtype() != X.dtype() || (B && B->dtype() != X.dtype())) fail("X, W and B must share one element type");
    const int64_t group = attrs_.group;
    const int64_t N = X.shape()[0], C = X.shape()[1];
    if (W.shape()[0] != C) fail("W.shape[0] must equal X's channels");
    if (C % group != 0) fail("X's channels must be divisible by group");
    const int64_t Mg = W.shape()[1], M = Mg * group, Cg = C / group;
    if (B && B->size() != M) fail("B must hold one value per output channel");

    ConvTransposeAttrs a = attrs_;
    resolve(a, Shape(W.shape().begin() + 2, W.shape().end()), node);
    const size_t r = X.rank() - 2;
    // The forward-conv geometry of the output image: w.in = Y spatial, w.out = X spatial.
    kernels::Window3d w;
    Shape y_shape{N, M};
    for (size_t i = 0; i < r; ++i) {
      const size_t j = 3 - r + i;
      const AxisOut ax = axis_out(a, i, X.shape()[2 + i]);
      if (ax.out < 0) fail("computed output size is negative");
      w.in[j] = ax.out;
      w.out[j] = X.shape()[2 + i];
      w.kernel[j] = a.win.kernel_shape[i];
      w.stride[j] = a.win.strides[i];
      w.dilation[j] = a.win.dilations[i];
      w.pad_begin[j] = ax.pad_begin;
      y_shape.push_back(ax.out);
    }
    Tensor& Y = ctx.allocate_output(0, X.dtype(), y_shape);
    const int64_t y_size = w.in_size(), x_size = w.out_size(), ks = w.kernel_size();
    if (Y.size() == 0) return;
    const T* x = X.data<T>();
    const T* wt = W.data<T>();
    T* y = Y.mutable_data<T>();
    const int64_t col_elems = Mg * ks * x_size;
    ThreadPool::parallel_for(ctx.thread_pool(), N * group, 1, [&](int64_t j0, int64_t j1) {
      Tensor col = Tensor::allocate(X.dtype(), {col_elems}, ctx.allocator());
      T* cp = col.mutable_data<T>();
      for (int64_t j = j0; j < j1; ++j) {
        const int64_t n = j / group, g = j % group;
        const T* xg = x + (n * C + g * Cg) * x_size;
        const T* wg = wt + g * Cg * Mg * ks;
        T* yg = y + (n * M + g * Mg) * y_size;
        if (Cg == 0) {
          for (int64_t i = 0; i < col_elems; ++i) cp[i] = T(0);
        } else {
          kernels::gemm_ref<T>(true, false, Mg * ks, x_size, Cg, T(1), wg, Mg * ks, xg, x_size, T(0), cp, x_size);
        }
        kernels::col2im_add_3d_ref<T>(w, Mg, cp, yg);
        if (B) {
          const T* bg = B->data<T>() + g * Mg;
          for (int64_t m = 0; m < Mg; ++m)
            for (int64_t i = 0; i < y_size; ++i) yg[m * y_size + i] += bg[m];
        }
      }
    });
  }

  ConvTransposeAttrs attrs_;
};

std::unique_ptr<OpKernel> make_conv_transpose(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && t != DataType::Float && t != DataType::Double) unsupported_type(node, i, t);
  }
  return std::make_unique<ConvTransposeKernel>(node);
}

void infer_conv_transpose(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  const DataType elem = x.elem != DataType::Undefined ? x.elem : w.elem;
  if (!x.has_shape || x.shape.size() < 3) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const ir::Node& node = ctx.node();
  ConvTransposeAttrs a = parse_attrs(node);
  ir::Dim m;
  if (w.has_shape && w.shape.size() >= 2 && w.shape[1].known()) m = ir::Dim::of(w.shape[1].value * a.group);
  ir::SymShape out{x.shape[0], m};
  std::vector<int64_t> kernel = a.win.kernel_shape;
  if (kernel.empty() && w.has_shape && w.shape.size() == x.shape.size()) {
    for (size_t i = 2; i < w.shape.size() && w.shape[i].known(); ++i) kernel.push_back(w.shape[i].value);
  }
  const size_t r = x.shape.size() - 2;
  if (kernel.size() == r) {
    resolve(a, kernel, node);
    for (size_t i = 0; i < r; ++i) {
      const ir::Dim& d = x.shape[2 + i];
      out.push_back(d.known() || !a.output_shape.empty() ? ir::Dim::of(axis_out(a, i, d.known() ? d.value : 1).out)
                                                         : ir::Dim{});
    }
  } else {
    out.resize(x.shape.size());
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ConvTranspose", 1, 10, make_conv_transpose, infer_conv_transpose});
ONYXRT_REGISTER_OP({"", "ConvTranspose", 11, 21, make_conv_transpose, infer_conv_transpose});
ONYXRT_REGISTER_OP({"", "ConvTranspose", 22, kMaxOpset, make_conv_transpose, infer_conv_transpose});

}  // namespace onyxrt::ops
