// Pad: pads (or, with negative amounts, crops) every axis. Opset 1 names the amounts `paddings`,
// opset 2 `pads`, both attributes with a float `value`; from opset 11 pads and constant_value are
// inputs, from 18 an `axes` input says which axes the pads apply to, and opset 19 adds mode "wrap".
// pads is [begin_0, ..., begin_n-1, end_0, ..., end_n-1]. Each output coordinate maps back to an
// input coordinate per axis (reflect mirrors without repeating the edge, edge clamps, wrap takes
// it modulo the extent), so padding wider than the input repeats the pattern as numpy.pad does.
// `pads` here is the full [begins..., ends...] list.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

PadMode parse_mode(const ir::Node& node) {
  const std::string m = node.get_string("mode", "constant");
  if (m == "constant") return PadMode::Constant;
  if (m == "reflect") return PadMode::Reflect;
  if (m == "edge") return PadMode::Edge;
  if (m == "wrap" && node.opset >= 19) return PadMode::Wrap;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": unknown pad mode '" + m + "'");
}

// Input coordinate of output coordinate `o` along an axis of extent n padded by `begin`; -1 means
// "the constant".
int64_t source_coordinate(int64_t o, int64_t begin, int64_t n, PadMode mode) {
  int64_t c = o - begin;
  if (c >= 0 && c < n) return c;
  switch (mode) {
    case PadMode::Constant: return -1;
    case PadMode::Edge: return c < 0 ? 0 : n - 1;
    case PadMode::Wrap: return ((c % n) + n) % n;
    case PadMode::Reflect: {
      if (n == 1) return 0;
      const int64_t period = 2 * (n - 1);
      c = ((c % period) + period) % period;
      return c < n ? c : period - c;
    }
  }
  return -1;
}

// Full-rank [begins..., ends...] from the pads values and the axes they apply to.
std::vector<int64_t> full_pads(const std::vector<int64_t>& pads, const std::vector<int64_t>* axes, int64_t rank,
                               const ir::Node& node) {
  std::vector<int64_t> ax;
  if (axes != nullptr) {
    ax = normalize_axes(*axes, rank, node);
  } else {
    for (int64_t d = 0; d < rank; ++d) ax.push_back(d);
  }
  if (pads.size() != 2 * ax.size()) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected " + std::to_string(2 * ax.size()) +
                                                " pad amounts, got " + std::to_string(pads.size()));
  }
  std::vector<int64_t> full(2 * rank, 0);
  for (size_t i = 0; i < ax.size(); ++i) {
    full[ax[i]] = pads[i];
    full[rank + ax[i]] = pads[ax.size() + i];
  }
  return full;
}

template <typename T>
void pad_copy(const T* x, const Shape& in, T* y, const Shape& out, const std::vector<int64_t>& pads, PadMode mode,
              const T& fill) {
  const size_t rank = in.size();
  const std::vector<int64_t> in_strides = [&] {
    std::vector<int64_t> s(rank, 1);
    for (size_t d = rank; d-- > 1;) s[d - 1] = s[d] * in[d];
    return s;
  }();
  // Per axis, the input offset of each output coordinate (-1: constant).
  std::vector<std::vector<int64_t>> offsets(rank);
  for (size_t d = 0; d < rank; ++d) {
    offsets[d].resize(out[d]);
    // Negative pads crop first; the positive ones then pad what is left (so reflect/wrap patterns
    // come from the cropped axis, as onnxruntime does).
    const int64_t crop_begin = std::max<int64_t>(0, -pads[d]);
    const int64_t crop_end = std::max<int64_t>(0, -pads[rank + d]);
    const int64_t kept = in[d] - crop_begin - crop_end;
    for (int64_t o = 0; o < out[d]; ++o) {
      const int64_t c = source_coordinate(o, std::max<int64_t>(0, pads[d]), kept, mode);
      offsets[d][o] = c < 0 ? -1 : (c + crop_begin) * in_strides[d];
    }
  }
  const int64_t total = shape_size(out);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t off = 0;
    bool constant = false;
    for (size_t d = 0; d < rank && !constant; ++d) {
      const int64_t o = offsets[d][idx[d]];
      constant = o < 0;
      off += o;
    }
    y[i] = constant ? fill : x[off];
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
}

class PadKernel : public OpKernel {
 public:
  explicit PadKernel(const ir::Node& node) : mode_(parse_mode(node)) {
    if (node.opset < 11) {
      attr_pads_ = node.opset < 2 ? node.get_ints("paddings") : node.get_ints("pads");
      attr_value_ = node.get_float("value", 0.0f);
    }
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const int64_t rank = static_cast<int64_t>(x.rank());
    std::vector<int64_t> pads = attr_pads_;
    std::vector<int64_t> axes;
    bool has_axes = false;
    Tensor fill = Tensor::allocate(x.dtype(), {}, ctx.allocator());
    if (node.opset >= 11) {
      pads = tensor_to_int64s(ctx.required_input(1), node, "pads");
      if (const Tensor* v = ctx.input(2)) {
        if (v->dtype() != x.dtype() || v->size() != 1) {
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": constant_value must be one " +
                                                      std::string(dtype_name(x.dtype())) + " value, got " + v->describe());
        }
        copy_elements(x.dtype(), v->raw(), 0, fill.mutable_raw(), 0, 1);
      }
      if (const Tensor* a = node.opset >= 18 ? ctx.input(3) : nullptr) {
        axes = tensor_to_int64s(*a, node, "axes");
        has_axes = true;
      }
    } else {
      visit_numeric(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        *fill.mutable_data<T>() = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(attr_value_));
      });
    }
    const std::vector<int64_t> full = full_pads(pads, has_axes ? &axes : nullptr, rank, node);
    Shape out(rank);
    for (int64_t d = 0; d < rank; ++d) {
      out[d] = x.shape()[d] + full[d] + full[rank + d];
      if (out[d] < 0) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": pads crop axis " + std::to_string(d) + " of " +
                                                    x.describe() + " below zero");
      }
      const int64_t kept = x.shape()[d] - std::max<int64_t>(0, -full[d]) - std::max<int64_t>(0, -full[rank + d]);
      if (kept <= 0 && out[d] > 0 && mode_ != PadMode::Constant) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": cannot " + node.get_string("mode", "") +
                                                    "-pad axis " + std::to_string(d) + " with nothing left after cropping");
      }
    }
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);
    if (y.size() == 0) return;
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      pad_copy<T>(x.data<T>(), x.shape(), y.mutable_data<T>(), out, full, mode_, fill.data<T>()[0]);
    });
  }

 private:
  PadMode mode_;
  std::vector<int64_t> attr_pads_;
  float attr_value_ = 0;
};

std::unique_ptr<OpKernel> make_pad(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<PadKernel>(node);
}

void infer_pad(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  std::vector<int64_t> pads;
  std::vector<int64_t> axes;
  bool has_axes = false;
  if (node.opset < 11) {
    pads = node.opset < 2 ? node.get_ints("paddings") : node.get_ints("pads");
  } else {
    const Tensor* p = ctx.input_constant(1);
    const Tensor* a = node.opset >= 18 && ctx.has_input(3) ? ctx.input_constant(3) : nullptr;
    if (p == nullptr || (node.opset >= 18 && ctx.has_input(3) && a == nullptr)) {
      ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(rank)));
      return;
    }
    pads = tensor_to_int64s(*p, node, "pads");
    if (a != nullptr) {
      axes = tensor_to_int64s(*a, node, "axes");
      has_axes = true;
    }
  }
  const std::vector<int64_t> full = full_pads(pads, has_axes ? &axes : nullptr, rank, node);
  ir::SymShape out = in.shape;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t add = full[d] + full[rank + d];
    if (add == 0) continue;
    out[d] = in.shape[d].known() ? ir::Dim::of(in.shape[d].value + add) : ir::Dim{};
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Pad", 1, 10, make_pad, infer_pad});
ONYXRT_REGISTER_OP({"", "Pad", 11, 17, make_pad, infer_pad});
ONYXRT_REGISTER_OP({"", "Pad", 18, kMaxOpset, make_pad, infer_pad});

}  // namespace onyxrt::ops
