#include "ops/onnx/conv_runner.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/conv_direct.h"
#include "kernels/conv_f32.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/float16.h"

namespace onyxrt::ops {
namespace {

using Act = kernels::ConvActivation::Kind;

double activate(const kernels::ConvActivation& a, double v) {
  switch (a.kind) {
    case Act::kNone: return v;
    case Act::kRelu: return v > 0 ? v : 0;
    case Act::kClip: return std::min(std::max(v, double(a.alpha)), double(a.beta));
    case Act::kLeakyRelu: return v >= 0 ? v : a.alpha * v;
    case Act::kSigmoid: return 1 / (1 + std::exp(-v));
    case Act::kTanh: return std::tanh(v);
    case Act::kHardSigmoid: return std::max(0.0, std::min(1.0, a.alpha * v + a.beta));
  }
  return v;
}

// The geometry of one call, checked against the inputs.
struct ConvShapes {
  int64_t N = 0, C = 0, M = 0;
  kernels::Window3d win;
  Shape out;
};

ConvShapes check_shapes(const ConvConfig& cfg, const ir::Node& node, const Tensor& X, const Tensor& W,
                        const Tensor* B, const Tensor* Z) {
  auto fail = [&](const std::string& what) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                ", W " + shape_to_string(W.shape()) + ", group " +
                                                std::to_string(cfg.group) + ")");
  };
  if (X.rank() < 3 || X.rank() > 5) fail("X must be [N, C, spatial...] with 1 to 3 spatial dims");
  if (W.rank() != X.rank()) fail("W must have the rank of X");
  if (W.dtype() != X.dtype() || (B && B->dtype() != X.dtype()) || (Z && Z->dtype() != X.dtype()))
    fail("X, W, B and Z must share one element type");
  ConvShapes s;
  s.N = X.shape()[0], s.C = X.shape()[1], s.M = W.shape()[0];
  if (W.shape()[1] * cfg.group != s.C) fail("X channels must equal W.shape[1] * group");
  if (s.M % cfg.group != 0) fail("W.shape[0] (output channels) must be divisible by group");
  if (B && (B->rank() != 1 || B->shape()[0] != s.M)) fail("B must be 1-D with one value per output channel");
  const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
  s.win = conv_window(cfg, node, W, in_spatial);
  s.out = {s.N, s.M};
  for (size_t i = 3 - in_spatial.size(); i < 3; ++i) s.out.push_back(s.win.out[i]);
  if (Z && Z->shape() != s.out) fail("Z " + shape_to_string(Z->shape()) + " must have Y's shape " + shape_to_string(s.out));
  return s;
}

void run_float(const ConvConfig& cfg, const ConvShapes& s, const float* x, const float* w, const float* b,
               const float* z, float* y, KernelContext& ctx) {
  kernels::ConvF32Args a;
  a.win = s.win;
  a.batch = s.N, a.in_channels = s.C, a.out_channels = s.M, a.group = cfg.group;
  a.x = x, a.w = w, a.bias = b, a.z = z, a.y = y, a.act = cfg.act, a.shuffle_output = cfg.shuffle_output;
  if (cfg.packed_w && cfg.packed_from == w) a.packed_w = cfg.packed_w.get();
  ThreadPool* pool = ctx.thread_pool();
  const int64_t ws = kernels::conv_f32_workspace_size(a, pool ? pool->num_threads() : 1);
  // Every path writes its scratch before reading it.
  Tensor workspace = ws > 0 ? Tensor::allocate_uninitialized(DataType::Float, {ws}, ctx.allocator()) : Tensor();
  kernels::conv_f32(a, ws > 0 ? workspace.mutable_data<float>() : nullptr, pool);
}

// Double: the reference im2col + GEMM per (image, group), jobs split across the pool.
void run_double(const ConvConfig& cfg, const ConvShapes& s, const double* x, const double* w, const double* b,
                const double* z, double* y, KernelContext& ctx) {
  const int64_t Cg = s.C / cfg.group, Mg = s.M / cfg.group, P = s.win.out_size(), in_size = s.win.in_size();
  const bool pointwise = kernels::conv_is_pointwise(s.win);
  const int64_t col_elems = pointwise ? 0 : kernels::conv_col_size(s.win, Cg);
  ThreadPool::parallel_for(ctx.thread_pool(), s.N * cfg.group, 1, [&](int64_t begin, int64_t end) {
    Tensor col = pointwise ? Tensor() : Tensor::allocate(DataType::Double, {col_elems}, ctx.allocator());
    for (int64_t ng = begin; ng < end; ++ng) {
      const int64_t n = ng / cfg.group, g = ng % cfg.group;
      const int64_t y_off = (n * s.M + g * Mg) * P;
      double* yg = y + y_off;
      kernels::conv_3d_ref<double>(s.win, Cg, Mg, x + (n * s.C + g * Cg) * in_size, w + g * Mg * Cg * s.win.kernel_size(),
                                   b ? b + g * Mg : nullptr, yg, pointwise ? nullptr : col.mutable_data<double>());
      if (z == nullptr && cfg.act.kind == Act::kNone) continue;
      for (int64_t i = 0; i < Mg * P; ++i) yg[i] = activate(cfg.act, z ? yg[i] + z[y_off + i] : yg[i]);
    }
  });
}

// float16 / bfloat16: widen the inputs to float, run the float path, round the result back.
template <typename H, float (*kToFloat)(H), H (*kFromFloat)(float)>
void run_half(const ConvConfig& cfg, const ConvShapes& s, const Tensor& X, const Tensor& W, const Tensor* B,
              const Tensor* Z, Tensor& Y, KernelContext& ctx) {
  auto widen = [&](const Tensor* t) {
    if (t == nullptr) return Tensor();
    Tensor f = Tensor::allocate(DataType::Float, t->shape(), ctx.allocator());
    const H* src = t->data<H>();
    float* dst = f.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), t->size(), 16384, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) dst[i] = kToFloat(src[i]);
    });
    return f;
  };
  const Tensor xf = widen(&X), wf = widen(&W), bf = widen(B), zf = widen(Z);
  Tensor yf = Tensor::allocate(DataType::Float, Y.shape(), ctx.allocator());
  run_float(cfg, s, xf.data<float>(), wf.data<float>(), B ? bf.data<float>() : nullptr, Z ? zf.data<float>() : nullptr,
            yf.mutable_data<float>(), ctx);
  const float* src = yf.data<float>();
  H* dst = Y.mutable_data<H>();
  ThreadPool::parallel_for(ctx.thread_pool(), Y.size(), 16384, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) dst[i] = kFromFloat(src[i]);
  });
}

// Whether conv_f32 will run this filter on the direct path, as far as the attributes tell before
// the input's shape is known (a call whose window the path rejects runs the SGEMM path on W).
bool direct_candidate(const ConvConfig& cfg, const Tensor& W) {
  if (cfg.group != 1 || (W.rank() != 3 && W.rank() != 4)) return false;
  kernels::Window3d win;
  const int64_t spatial = W.rank() - 2;
  for (int64_t i = 0; i < spatial; ++i) {
    const size_t d = static_cast<size_t>(3 - spatial + i);
    win.kernel[d] = W.shape()[2 + i];
    win.out[d] = win.in[d] = 2;  // any non-trivial size: supports() looks at kernel, stride, pads
    if (static_cast<size_t>(i) < cfg.attrs.strides.size()) win.stride[d] = cfg.attrs.strides[static_cast<size_t>(i)];
    if (static_cast<size_t>(i) < cfg.attrs.dilations.size())
      win.dilation[d] = cfg.attrs.dilations[static_cast<size_t>(i)];
  }
  return kernels::conv_direct_preferred(win);
}

}  // namespace

kernels::Window3d conv_window(const ConvConfig& cfg, const ir::Node& node, const Tensor& W, const Shape& in_spatial) {
  WindowAttributes attrs = cfg.attrs;
  const Shape w_kernel(W.shape().begin() + 2, W.shape().end());
  if (attrs.kernel_shape.empty()) {
    attrs.kernel_shape = w_kernel;
    resolve_window_defaults(attrs, node);
  } else if (attrs.kernel_shape != w_kernel) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": kernel_shape attribute " +
                                                shape_to_string(attrs.kernel_shape) + " differs from W's spatial dims " +
                                                shape_to_string(w_kernel));
  }
  return make_window3d(attrs, in_spatial, node);
}

ConvConfig parse_conv_config(const ir::Node& node) {
  ConvConfig cfg;
  cfg.attrs = parse_window_attributes(node, /*allow_dilations=*/true, /*allow_ceil_mode=*/false);
  cfg.group = node.get_int("group", 1);
  if (cfg.group <= 0)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive, got " + std::to_string(cfg.group));
  return cfg;
}

kernels::ConvActivation parse_conv_activation(const ir::Node& node) {
  using Kind = kernels::ConvActivation::Kind;
  const std::string name = node.get_string("activation", "");
  const std::vector<float> params = node.get_floats("activation_params");
  auto need = [&](size_t n) {
    if (params.size() != n)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": activation " + name + " needs " + std::to_string(n) +
                                               " activation_params, got " + std::to_string(params.size()));
  };
  kernels::ConvActivation a;
  if (name.empty() || name == "Identity") {
    a.kind = Kind::kNone;
  } else if (name == "Relu") {
    a.kind = Kind::kRelu;
  } else if (name == "Tanh") {
    a.kind = Kind::kTanh;
  } else if (name == "Sigmoid") {
    a.kind = Kind::kSigmoid;
  } else if (name == "LeakyRelu") {
    need(1);
    a = {Kind::kLeakyRelu, params[0], 0};
  } else if (name == "Clip") {
    need(2);
    a = {Kind::kClip, params[0], params[1]};
  } else if (name == "HardSigmoid") {
    need(2);
    a = {Kind::kHardSigmoid, params[0], params[1]};
  } else {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": activation '" + name + "' is not supported");
  }
  return a;
}

bool prepack_conv(ConvConfig& cfg, const PrepackContext& ctx) {
  const Tensor* W = ctx.constant_input(1);
  if (W == nullptr || W->dtype() != DataType::Float || W->rank() < 3 || W->size() == 0) return false;
  const int64_t M = W->shape()[0];
  if (M % cfg.group != 0) return false;  // compute() reports it
  const int64_t kh = W->rank() == 4 ? W->shape()[2] : 1, kw = W->shape()[W->rank() - 1];  // 1-D and 2-D
  if (cfg.group == M && W->shape()[1] == 1) {  // depthwise: for the direct depthwise path
    if (W->rank() > 4) return false;
    auto packed = std::make_shared<kernels::ConvPackedWeights>();
    packed->direct = kernels::conv_direct_pack_dw_weights(W->data<float>(), M, kh, kw);
    cfg.packed_w = std::move(packed);
    cfg.packed_from = W->data<float>();
    return true;
  }
  const int64_t k_per_group = W->size() / M;
  if (direct_candidate(cfg, *W)) {
    cfg.packed_w = std::make_shared<const kernels::ConvPackedWeights>(
        kernels::conv_f32_pack_direct_weights(W->data<float>(), M, W->shape()[1], kh, kw));
  } else {
    cfg.packed_w = std::make_shared<const kernels::ConvPackedWeights>(
        kernels::conv_f32_pack_weights(W->data<float>(), M, cfg.group, k_per_group));
  }
  cfg.packed_from = W->data<float>();
  return true;
}

bool conv_dtype_supported(DataType t) {
  return t == DataType::Float || t == DataType::Double || t == DataType::Float16 || t == DataType::BFloat16;
}

void run_conv(const ConvConfig& cfg, KernelContext& ctx, int z_input) {
  const ir::Node& node = ctx.node();
  const Tensor& X = ctx.required_input(0);
  const Tensor& W = ctx.required_input(1);
  const Tensor* B = ctx.input(2);
  const Tensor* Z = z_input >= 0 ? ctx.input(z_input) : nullptr;
  if (!conv_dtype_supported(X.dtype()) || (cfg.shuffle_output && X.dtype() == DataType::Double))
    unsupported_type(node, 0, X.dtype());
  const ConvShapes s = check_shapes(cfg, node, X, W, B, Z);
  Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), s.out);
  if (Y.size() == 0) return;
  switch (X.dtype()) {
    case DataType::Float:
      return run_float(cfg, s, X.data<float>(), W.data<float>(), B ? B->data<float>() : nullptr,
                       Z ? Z->data<float>() : nullptr, Y.mutable_data<float>(), ctx);
    case DataType::Double:
      return run_double(cfg, s, X.data<double>(), W.data<double>(), B ? B->data<double>() : nullptr,
                        Z ? Z->data<double>() : nullptr, Y.mutable_data<double>(), ctx);
    case DataType::Float16:
      return run_half<kernels::Float16, kernels::half_to_float, kernels::float_to_half>(cfg, s, X, W, B, Z, Y, ctx);
    case DataType::BFloat16:
      return run_half<kernels::BFloat16, kernels::bfloat16_to_float, kernels::float_to_bfloat16>(cfg, s, X, W, B, Z, Y,
                                                                                                ctx);
    default: unsupported_type(node, 0, X.dtype());
  }
}

ir::TypeInfo conv_output_type(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  const DataType elem = x.elem != DataType::Undefined ? x.elem : w.elem;
  if (!x.has_shape || x.shape.size() < 3) return ir::TypeInfo::tensor(elem);
  const ir::Node& node = ctx.node();
  WindowAttributes attrs = parse_window_attributes(node, true, false);
  ir::SymShape out{x.shape[0], w.has_shape && !w.shape.empty() ? w.shape[0] : ir::Dim{}};
  const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
  if (attrs.kernel_shape.empty() && w.has_shape && w.shape.size() == x.shape.size()) {
    for (size_t i = 2; i < w.shape.size(); ++i) {
      if (!w.shape[i].known()) break;
      attrs.kernel_shape.push_back(w.shape[i].value);
    }
    if (attrs.kernel_shape.size() == in_spatial.size())
      resolve_window_defaults(attrs, node);
    else
      attrs.kernel_shape.clear();
  }
  if (attrs.kernel_shape.size() == in_spatial.size()) {
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, node);
    out.insert(out.end(), sp.begin(), sp.end());
  } else {
    out.resize(x.shape.size());  // rank is known, spatial sizes are not
  }
  return ir::TypeInfo::tensor(elem, std::move(out));
}

void infer_conv_output(ir::InferenceContext& ctx) { ctx.set_output_type(0, conv_output_type(ctx)); }

}  // namespace onyxrt::ops
