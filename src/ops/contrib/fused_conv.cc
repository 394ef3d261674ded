// com.microsoft FusedConv (opset 1): Y = activation(Conv(X, W, B) + Z), what onnxruntime's
// Conv+activation (and Conv+Add+Relu) fusions write. Conv attributes as ONNX Conv; `activation` is
// one of Relu, Tanh, Sigmoid, LeakyRelu (alpha), Clip (min, max), HardSigmoid (alpha, beta), with
// its parameters in `activation_params`; Z (optional input 3) has Y's shape.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "kernels/ref/conv.h"
#include "ops/common/conv_geometry.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

enum class Act { None, Relu, Tanh, Sigmoid, LeakyRelu, Clip, HardSigmoid };

struct Activation {
  Act kind = Act::None;
  float p0 = 0, p1 = 0;

  template <typename T>
  T apply(T v) const {
    switch (kind) {
      case Act::None: return v;
      case Act::Relu: return v > T(0) ? v : T(0);
      case Act::Tanh: return std::tanh(v);
      case Act::Sigmoid: return T(1) / (T(1) + std::exp(-v));
      case Act::LeakyRelu: return v >= T(0) ? v : static_cast<T>(p0) * v;
      case Act::Clip: return std::min(std::max(v, static_cast<T>(p0)), static_cast<T>(p1));
      case Act::HardSigmoid:
        return std::max(T(0), std::min(T(1), static_cast<T>(p0) * v + static_cast<T>(p1)));
    }
    return v;
  }
};

Activation parse_activation(const ir::Node& node) {
  const std::string name = node.get_string("activation", "");
  const std::vector<float> params = node.get_floats("activation_params");
  auto need = [&](size_t n) {
    if (params.size() != n)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": activation " + name + " needs " + std::to_string(n) +
                                               " activation_params, got " + std::to_string(params.size()));
  };
  Activation a;
  if (name.empty() || name == "Identity") {
    a.kind = Act::None;
  } else if (name == "Relu") {
    a.kind = Act::Relu;
  } else if (name == "Tanh") {
    a.kind = Act::Tanh;
  } else if (name == "Sigmoid") {
    a.kind = Act::Sigmoid;
  } else if (name == "LeakyRelu") {
    need(1);
    a = {Act::LeakyRelu, params[0], 0};
  } else if (name == "Clip") {
    need(2);
    a = {Act::Clip, params[0], params[1]};
  } else if (name == "HardSigmoid") {
    need(2);
    a = {Act::HardSigmoid, params[0], params[1]};
  } else {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": activation '" + name + "' is not supported");
  }
  return a;
}

class FusedConvKernel final : public OpKernel {
 public:
  explicit FusedConvKernel(const ir::Node& node)
      : attrs_(parse_window_attributes(node, true, false)),
        group_(node.get_int("group", 1)),
        act_(parse_activation(node)) {
    if (group_ <= 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() == DataType::Float) return run<float>(ctx);
    if (X.dtype() == DataType::Double) return run<double>(ctx);
    unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx) const {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& W = ctx.required_input(1);
    const Tensor* B = ctx.input(2);
    const Tensor* Z = ctx.input(3);
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ")");
    };
    if (X.rank() < 3 || X.rank() > 5 || W.rank() != X.rank()) fail("X and W must be [N, C, spatial...] of one rank");
    if (W.dtype() != X.dtype() || (B && B->dtype() != X.dtype()) || (Z && Z->dtype() != X.dtype()))
      fail("X, W, B and Z must share one element type");
    const int64_t N = X.shape()[0], C = X.shape()[1], M = W.shape()[0], Cg = W.shape()[1];
    if (Cg * group_ != C || M % group_ != 0) fail("channels do not match group");
    if (B && B->size() != M) fail("B must hold one value per output channel");
    WindowAttributes attrs = attrs_;
    const Shape w_kernel(W.shape().begin() + 2, W.shape().end());
    if (attrs.kernel_shape.empty()) {
      attrs.kernel_shape = w_kernel;
      resolve_window_defaults(attrs, node);
    } else if (attrs.kernel_shape != w_kernel) {
      fail("kernel_shape attribute differs from W's spatial dims");
    }
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d win = make_window3d(attrs, in_spatial, node);
    Shape out_shape{N, M};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(win.out[i]);
    if (Z && Z->shape() != out_shape) fail("Z " + shape_to_string(Z->shape()) + " must have Y's shape " + shape_to_string(out_shape));
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
    const int64_t out_size = win.out_size();
    if (N == 0 || M == 0 || out_size == 0) return;

    const int64_t Mg = M / group_, in_size = win.in_size();
    const bool pointwise = kernels::conv_is_pointwise(win);
    const int64_t col_elems = pointwise ? 0 : kernels::conv_col_size(win, Cg);
    const T* x = X.data<T>();
    const T* w = W.data<T>();
    const T* bias = B ? B->data<T>() : nullptr;
    const T* z = Z ? Z->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * group_, 1, [&](int64_t begin, int64_t end) {
      Tensor col = pointwise ? Tensor() : Tensor::allocate(X.dtype(), {col_elems}, ctx.allocator());
      for (int64_t ng = begin; ng < end; ++ng) {
        const int64_t n = ng / group_, g = ng % group_;
        T* yg = y + (n * M + g * Mg) * out_size;
        kernels::conv_3d_ref<T>(win, Cg, Mg, x + (n * C + g * Cg) * in_size, w + g * Mg * Cg * win.kernel_size(),
                                bias ? bias + g * Mg : nullptr, yg, pointwise ? nullptr : col.mutable_data<T>());
        const T* zg = z ? z + (n * M + g * Mg) * out_size : nullptr;
        for (int64_t i = 0; i < Mg * out_size; ++i) yg[i] = act_.apply<T>(zg ? yg[i] + zg[i] : yg[i]);
      }
    });
  }

  WindowAttributes attrs_;
  int64_t group_;
  Activation act_;
};

std::unique_ptr<OpKernel> make_fused_conv(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 3});
  return std::make_unique<FusedConvKernel>(node);
}

void infer_fused_conv(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  if (!x.has_shape || x.shape.size() < 3 || !w.has_shape || w.shape.size() != x.shape.size()) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  const ir::Node& node = ctx.node();
  WindowAttributes attrs = parse_window_attributes(node, true, false);
  ir::SymShape out{x.shape[0], w.shape[0]};
  const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
  if (attrs.kernel_shape.empty()) {
    for (size_t i = 2; i < w.shape.size() && w.shape[i].known(); ++i) attrs.kernel_shape.push_back(w.shape[i].value);
    if (attrs.kernel_shape.size() == in_spatial.size()) resolve_window_defaults(attrs, node);
    else attrs.kernel_shape.clear();
  }
  if (attrs.kernel_shape.size() == in_spatial.size()) {
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, node);
    out.insert(out.end(), sp.begin(), sp.end());
  } else {
    out.resize(x.shape.size());
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "FusedConv", 1, kMaxOpset, make_fused_conv, infer_fused_conv});

}  // namespace onyxrt::ops::contrib
