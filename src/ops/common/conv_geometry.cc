#include "ops/common/conv_geometry.h"

#include <algorithm>
#include <string>

#include "onyxrt/status.h"

namespace onyxrt::ops {
namespace {

[[noreturn]] void fail(const ir::Node& node, const std::string& what) {
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": " + what);
}

AutoPad parse_auto_pad(const ir::Node& node) {
  const std::string s = node.get_string("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty()) return AutoPad::NotSet;
  if (s == "SAME_UPPER") return AutoPad::SameUpper;
  if (s == "SAME_LOWER") return AutoPad::SameLower;
  if (s == "VALID") return AutoPad::Valid;
  fail(node, "attribute auto_pad is '" + s + "', expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
}

std::string list_to_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  return s + "]";
}

}  // namespace

WindowAttributes parse_window_attributes(const ir::Node& node, bool allow_dilations, bool allow_ceil_mode) {
  WindowAttributes a;
  a.kernel_shape = node.get_ints("kernel_shape");
  a.strides = node.get_ints("strides");
  if (allow_dilations) a.dilations = node.get_ints("dilations");
  a.pads = node.get_ints("pads");
  a.auto_pad = parse_auto_pad(node);
  if (allow_ceil_mode) a.ceil_mode = node.get_int("ceil_mode", 0) != 0;
  if (!a.kernel_shape.empty()) resolve_window_defaults(a, node);
  return a;
}

void resolve_window_defaults(WindowAttributes& a, const ir::Node& node) {
  const size_t r = a.rank();
  if (a.strides.empty()) a.strides.assign(r, 1);
  if (a.dilations.empty()) a.dilations.assign(r, 1);
  if (a.pads.empty()) a.pads.assign(2 * r, 0);
  if (a.strides.size() != r) fail(node, "strides " + list_to_string(a.strides) + " must have " + std::to_string(r) + " values (one per spatial dim)");
  if (a.dilations.size() != r) fail(node, "dilations " + list_to_string(a.dilations) + " must have " + std::to_string(r) + " values (one per spatial dim)");
  if (a.pads.size() != 2 * r) fail(node, "pads " + list_to_string(a.pads) + " must have " + std::to_string(2 * r) + " values (begins then ends)");
  for (size_t i = 0; i < r; ++i) {
    if (a.kernel_shape[i] <= 0) fail(node, "kernel_shape " + list_to_string(a.kernel_shape) + " must be positive");
    if (a.strides[i] <= 0) fail(node, "strides " + list_to_string(a.strides) + " must be positive");
    if (a.dilations[i] <= 0) fail(node, "dilations " + list_to_string(a.dilations) + " must be positive");
  }
  for (int64_t p : a.pads)
    if (p < 0) fail(node, "pads " + list_to_string(a.pads) + " must not be negative");
}

AxisGeometry compute_axis_geometry(const WindowAttributes& a, size_t axis, int64_t in_size, const ir::Node& node) {
  const int64_t k = a.kernel_shape[axis], s = a.strides[axis], d = a.dilations[axis];
  const int64_t dk = (k - 1) * d + 1;  // extent of the dilated window
  AxisGeometry g;
  if (a.auto_pad == AutoPad::SameUpper || a.auto_pad == AutoPad::SameLower) {
    // ONNX: output = ceil(input / stride), the pad split evenly with the odd one at the end
    // (SAME_UPPER) or at the beginning (SAME_LOWER).
    g.out = (in_size + s - 1) / s;
    const int64_t total = std::max<int64_t>(0, (g.out - 1) * s + dk - in_size);
    g.pad_begin = a.auto_pad == AutoPad::SameUpper ? total / 2 : (total + 1) / 2;
    g.pad_end = total - g.pad_begin;
    return g;
  }
  if (a.auto_pad == AutoPad::NotSet) {
    g.pad_begin = a.pads[axis];
    g.pad_end = a.pads[axis + a.rank()];
  }
  const int64_t span = in_size + g.pad_begin + g.pad_end - dk;
  if (span < 0)
    fail(node, "spatial dim " + std::to_string(axis) + " of size " + std::to_string(in_size) +
                   " (padded " + std::to_string(in_size + g.pad_begin + g.pad_end) +
                   ") is smaller than the dilated kernel extent " + std::to_string(dk));
  if (a.ceil_mode) {
    g.out = (span + s - 1) / s + 1;
    // A window starting inside the end padding would see no input: drop it.
    if ((g.out - 1) * s >= in_size + g.pad_begin) --g.out;
  } else {
    g.out = span / s + 1;
  }
  return g;
}

kernels::Window3d make_window3d(const WindowAttributes& a, const std::vector<int64_t>& in_spatial, const ir::Node& node) {
  const size_t r = a.rank();
  if (r == 0 || r > 3)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": " + std::to_string(r) +
                                               " spatial dims; 1, 2 or 3 are supported");
  if (in_spatial.size() != r)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": input has " + std::to_string(in_spatial.size()) +
                                                " spatial dims but kernel_shape has " + std::to_string(r));
  kernels::Window3d w;
  const size_t off = 3 - r;
  for (size_t i = 0; i < r; ++i) {
    const AxisGeometry g = compute_axis_geometry(a, i, in_spatial[i], node);
    w.in[off + i] = in_spatial[i];
    w.out[off + i] = g.out;
    w.kernel[off + i] = a.kernel_shape[i];
    w.stride[off + i] = a.strides[i];
    w.dilation[off + i] = a.dilations[i];
    w.pad_begin[off + i] = g.pad_begin;
    w.pad_end[off + i] = g.pad_end;
  }
  return w;
}

ir::SymShape infer_spatial_dims(const WindowAttributes& a, const ir::SymShape& in_spatial, const ir::Node& node) {
  ir::SymShape out;
  for (size_t i = 0; i < in_spatial.size() && i < a.rank(); ++i) {
    if (in_spatial[i].known())
      out.push_back(ir::Dim::of(compute_axis_geometry(a, i, in_spatial[i].value, node).out));
    else
      out.push_back(ir::Dim{});
  }
  return out;
}

void infer_pooled_outputs(ir::InferenceContext& ctx, const WindowAttributes& attrs,
                          const std::vector<DataType>& elems) {
  const ir::TypeInfo& x = ctx.input_type(0);
  for (size_t i = 0; i < elems.size() && static_cast<int>(i) < ctx.output_count(); ++i) {
    const DataType elem = elems[i] == DataType::Undefined ? x.elem : elems[i];
    if (!x.has_shape || x.shape.size() < 3) {
      ctx.set_output_type(static_cast<int>(i), ir::TypeInfo::tensor(elem));
      continue;
    }
    ir::SymShape out{x.shape[0], x.shape[1]};
    const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
    if (attrs.rank() != in_spatial.size())
      ctx.fail("kernel_shape has " + std::to_string(attrs.rank()) + " dims but the input has " +
               std::to_string(in_spatial.size()) + " spatial dims");
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, ctx.node());
    out.insert(out.end(), sp.begin(), sp.end());
    ctx.set_output_type(static_cast<int>(i), ir::TypeInfo::tensor(elem, std::move(out)));
  }
}

}  // namespace onyxrt::ops
