#include "ops/onnx/resize_params.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"

namespace onyxrt::ops {
namespace {

[[noreturn]] void bad(const ir::Node& node, const std::string& what) {
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": " + what);
}

kernels::ResizeMode parse_mode(const ir::Node& node) {
  std::string m = node.get_string("mode", "nearest");
  std::transform(m.begin(), m.end(), m.begin(), ::tolower);
  if (m == "nearest") return kernels::ResizeMode::Nearest;
  // Upsample-7/9 spell it "bilinear" in old exporters; onnxruntime accepts both.
  if (m == "linear" || m == "bilinear") return kernels::ResizeMode::Linear;
  if (m == "cubic") return kernels::ResizeMode::Cubic;
  bad(node, "mode '" + m + "' is not nearest, linear or cubic");
}

double scalar_double(const Tensor& t, int64_t i) {
  double v = 0;
  visit_numeric(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    v = static_cast<double>(ComputeType<T>::load(t.data<T>()[i]));
  });
  return v;
}

std::vector<double> to_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.size()));
  for (int64_t i = 0; i < t.size(); ++i) v[i] = scalar_double(t, i);
  return v;
}

}  // namespace

ResizeAttributes parse_resize_attributes(const ir::Node& node) {
  ResizeAttributes a;
  kernels::ResizeOptions& o = a.options;
  o.mode = parse_mode(node);
  if (node.opset < 11) {
    o.coord = kernels::ResizeCoordMode::Asymmetric;
    o.nearest = kernels::ResizeNearestMode::Simple;
    a.scales_input = 1;
    return a;
  }
  a.roi_input = 1;
  a.scales_input = 2;
  a.sizes_input = 3;
  const std::string c = node.get_string("coordinate_transformation_mode", "half_pixel");
  using CM = kernels::ResizeCoordMode;
  if (c == "half_pixel") o.coord = CM::HalfPixel;
  else if (c == "half_pixel_symmetric" && node.opset >= 19) o.coord = CM::HalfPixelSymmetric;
  else if (c == "pytorch_half_pixel") o.coord = CM::PytorchHalfPixel;
  else if (c == "align_corners") o.coord = CM::AlignCorners;
  else if (c == "asymmetric") o.coord = CM::Asymmetric;
  else if (c == "tf_half_pixel_for_nn" && node.opset < 13) o.coord = CM::TfHalfPixelForNn;
  else if (c == "tf_crop_and_resize") o.coord = CM::TfCropAndResize;
  else bad(node, "coordinate_transformation_mode '" + c + "' is not defined at this opset");
  const std::string n = node.get_string("nearest_mode", "round_prefer_floor");
  using NM = kernels::ResizeNearestMode;
  if (n == "round_prefer_floor") o.nearest = NM::RoundPreferFloor;
  else if (n == "round_prefer_ceil") o.nearest = NM::RoundPreferCeil;
  else if (n == "floor") o.nearest = NM::Floor;
  else if (n == "ceil") o.nearest = NM::Ceil;
  else bad(node, "nearest_mode '" + n + "' is not defined");
  o.cubic_a = node.get_float("cubic_coeff_a", -0.75f);
  o.exclude_outside = node.get_int("exclude_outside", 0) != 0;
  o.extrapolation_value = node.get_float("extrapolation_value", 0.0f);
  if (node.opset >= 18) {
    o.antialias = node.get_int("antialias", 0) != 0;
    if (o.antialias && o.mode == kernels::ResizeMode::Nearest)
      throw_error(ErrorCode::NotImplemented, node.describe() + ": antialias is defined for linear and cubic modes only");
    a.axes = node.get_ints("axes");
    const std::string k = node.get_string("keep_aspect_ratio_policy", "stretch");
    if (k == "stretch") a.keep_aspect = KeepAspectRatio::Stretch;
    else if (k == "not_larger") a.keep_aspect = KeepAspectRatio::NotLarger;
    else if (k == "not_smaller") a.keep_aspect = KeepAspectRatio::NotSmaller;
    else bad(node, "keep_aspect_ratio_policy '" + k + "' is not defined");
  }
  return a;
}

ResizeAttributes parse_upsample_attributes(const ir::Node& node) {
  ResizeAttributes a;
  a.options.mode = parse_mode(node);
  if (a.options.mode == kernels::ResizeMode::Cubic) bad(node, "Upsample has no cubic mode");
  a.options.coord = kernels::ResizeCoordMode::Asymmetric;
  a.options.nearest = kernels::ResizeNearestMode::Simple;
  if (node.opset >= 9) {
    a.scales_input = 1;
  } else if (node.opset >= 7) {
    a.scales_attr = node.required("scales").floats;
  } else {
    // Opset 1: 4-D NCHW only, scaling H and W.
    a.scales_attr = {1.0f, 1.0f, node.required("height_scale").f, node.required("width_scale").f};
  }
  return a;
}

ResizeInputs resize_inputs_from_context(KernelContext& ctx, const ResizeAttributes& attrs) {
  ResizeInputs in;
  auto get = [&](int i) -> const Tensor* { return i >= 0 ? ctx.input(i) : nullptr; };
  if (const Tensor* t = get(attrs.roi_input)) in.roi = to_doubles(*t);
  if (const Tensor* t = get(attrs.scales_input)) {
    // Scales are float32 in the model: read them as float so the arithmetic matches.
    in.scales = to_doubles(*t);
    for (double& s : in.scales) s = static_cast<double>(static_cast<float>(s));
  }
  if (!attrs.scales_attr.empty()) in.scales.assign(attrs.scales_attr.begin(), attrs.scales_attr.end());
  if (const Tensor* t = get(attrs.sizes_input))
    for (double v : to_doubles(*t)) in.sizes.push_back(static_cast<int64_t>(v));
  return in;
}

ResizePlan plan_resize(const ResizeAttributes& attrs, const Shape& x, const ResizeInputs& in, const ir::Node& node) {
  const int64_t r = static_cast<int64_t>(x.size());
  std::vector<int64_t> axes;
  if (attrs.axes.empty()) {
    for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  } else {
    axes = normalize_axes(attrs.axes, r, node);
  }
  const size_t na = axes.size();
  auto fail = [&](const std::string& what) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(x) + ")");
  };
  const bool have_scales = !in.scales.empty(), have_sizes = !in.sizes.empty();
  if (have_scales == have_sizes) fail("exactly one of scales and sizes must be given and non-empty");
  ResizePlan p;
  p.out_shape = x;
  p.axes.resize(x.size());
  for (int64_t i = 0; i < r; ++i) p.axes[i] = {x[i], x[i], 1.0, 0.0, 1.0};
  if (have_scales) {
    if (in.scales.size() != na) fail("scales must have one value per resized axis");
    for (size_t k = 0; k < na; ++k) {
      const double s = in.scales[k];
      if (!(s > 0)) fail("scales must be positive");
      kernels::ResizeAxis& ax = p.axes[axes[k]];
      ax.scale = s;
      ax.out = static_cast<int64_t>(std::floor(s * static_cast<double>(ax.in)));
    }
  } else {
    if (in.sizes.size() != na) fail("sizes must have one value per resized axis");
    for (size_t k = 0; k < na; ++k)
      if (in.sizes[k] < 0) fail("sizes must not be negative");
    if (attrs.keep_aspect == KeepAspectRatio::Stretch) {
      for (size_t k = 0; k < na; ++k) {
        kernels::ResizeAxis& ax = p.axes[axes[k]];
        ax.out = in.sizes[k];
        ax.scale = ax.in == 0 ? 1.0 : static_cast<double>(ax.out) / static_cast<double>(ax.in);
      }
    } else {
      double s = attrs.keep_aspect == KeepAspectRatio::NotLarger ? std::numeric_limits<double>::infinity() : 0.0;
      for (size_t k = 0; k < na; ++k) {
        const double sk = static_cast<double>(in.sizes[k]) / static_cast<double>(x[axes[k]]);
        s = attrs.keep_aspect == KeepAspectRatio::NotLarger ? std::min(s, sk) : std::max(s, sk);
      }
      for (size_t k = 0; k < na; ++k) {
        kernels::ResizeAxis& ax = p.axes[axes[k]];
        ax.scale = s;
        ax.out = static_cast<int64_t>(s * static_cast<double>(ax.in) + 0.5);
      }
    }
  }
  if (!in.roi.empty()) {
    // roi is [starts..., ends...] over the resized axes (all axes before opset 18's `axes`).
    if (in.roi.size() == 2 * na) {
      for (size_t k = 0; k < na; ++k) {
        p.axes[axes[k]].roi_start = in.roi[k];
        p.axes[axes[k]].roi_end = in.roi[na + k];
      }
    } else if (attrs.options.coord == kernels::ResizeCoordMode::TfCropAndResize) {
      fail("roi must hold 2 values per resized axis");
    }
  }
  for (int64_t i = 0; i < r; ++i) p.out_shape[i] = p.axes[i].out;
  return p;
}

bool resize_dtype_supported(DataType t) {
  switch (t) {
    case DataType::Float: case DataType::Double: case DataType::Float16: case DataType::BFloat16:
    case DataType::Int8: case DataType::UInt8: case DataType::Int32: case DataType::Int64:
      return true;
    default: return false;
  }
}

void run_resize(KernelContext& ctx, const ResizeAttributes& attrs, const ResizePlan& plan, const Tensor& X,
                int out_index) {
  Tensor& Y = ctx.allocate_output(out_index, X.dtype(), plan.out_shape);
  if (Y.size() == 0) return;
  if (X.size() == 0)
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": cannot resize an empty X to a non-empty output");
  const int64_t r = static_cast<int64_t>(X.rank());
  Shape cur = X.shape();
  std::vector<double> a(static_cast<size_t>(X.size())), b;
  visit_numeric(X.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* x = X.data<T>();
    for (int64_t i = 0; i < X.size(); ++i) a[i] = static_cast<double>(ComputeType<T>::load(x[i]));
  });
  for (int64_t d = 0; d < r; ++d) {
    const kernels::ResizeAxis& ax = plan.axes[d];
    const bool trivial_roi = std::abs(ax.roi_start) < 1e-12 && std::abs(ax.roi_end - 1.0) < 1e-12;
    const bool identity = ax.out == ax.in && std::abs(ax.scale - 1.0) < 1e-9 &&
                          (attrs.options.coord != kernels::ResizeCoordMode::TfCropAndResize || trivial_roi);
    if (identity) continue;
    const kernels::ResizeTaps taps = kernels::resize_axis_taps(attrs.options, ax);
    int64_t outer = 1, inner = 1;
    for (int64_t k = 0; k < d; ++k) outer *= cur[k];
    for (int64_t k = d + 1; k < r; ++k) inner *= cur[k];
    b.assign(static_cast<size_t>(outer * ax.out * inner), 0.0);
    kernels::resize_axis_apply(taps, outer, ax.in, ax.out, inner, attrs.options.extrapolation_value, a.data(), b.data());
    cur[d] = ax.out;
    a.swap(b);
  }
  visit_numeric(Y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* y = Y.mutable_data<T>();
    if constexpr (std::is_integral_v<T>) {
      for (int64_t i = 0; i < Y.size(); ++i) {
        const double v = std::nearbyint(a[i]);
        y[i] = static_cast<T>(std::clamp(v, static_cast<double>(std::numeric_limits<T>::lowest()),
                                         static_cast<double>(std::numeric_limits<T>::max())));
      }
    } else {
      using CT = ComputeType<T>;
      for (int64_t i = 0; i < Y.size(); ++i) y[i] = CT::store(static_cast<typename CT::type>(a[i]));
    }
  });
}

void infer_resize_output(ir::InferenceContext& ctx, const ResizeAttributes& attrs) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  ir::SymShape out(x.shape.size());
  // Concrete only when X's dims and the scales/sizes are all known.
  ResizeInputs in;
  bool known = x.shape_known();
  auto constant = [&](int i) -> const Tensor* { return i >= 0 && ctx.has_input(i) ? ctx.input_constant(i) : nullptr; };
  if (attrs.sizes_input >= 0 && ctx.has_input(attrs.sizes_input)) {
    const Tensor* t = constant(attrs.sizes_input);
    if (t == nullptr) known = false;
    else for (double v : to_doubles(*t)) in.sizes.push_back(static_cast<int64_t>(v));
  }
  if (!attrs.scales_attr.empty()) {
    in.scales.assign(attrs.scales_attr.begin(), attrs.scales_attr.end());
  } else if (attrs.scales_input >= 0 && ctx.has_input(attrs.scales_input)) {
    const Tensor* t = constant(attrs.scales_input);
    if (t == nullptr && in.sizes.empty()) known = false;
    else if (t != nullptr) {
      in.scales = to_doubles(*t);
      for (double& s : in.scales) s = static_cast<double>(static_cast<float>(s));
    }
  }
  if (known) {
    try {
      const ResizePlan p = plan_resize(attrs, x.concrete_shape(), in, ctx.node());
      for (size_t i = 0; i < out.size(); ++i) out[i] = ir::Dim::of(p.out_shape[i]);
    } catch (const Error&) {
      known = false;
    }
  }
  if (!known) {
    // Axes that are not resized keep their (possibly symbolic) dims.
    if (!attrs.axes.empty()) {
      std::vector<bool> resized(x.shape.size(), false);
      for (int64_t a : attrs.axes) {
        const int64_t r = static_cast<int64_t>(x.shape.size());
        if (a >= -r && a < r) resized[(a + r) % r] = true;
      }
      for (size_t i = 0; i < out.size(); ++i)
        if (!resized[i]) out[i] = x.shape[i];
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace onyxrt::ops
