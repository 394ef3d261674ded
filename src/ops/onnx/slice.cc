// Slice: opset 1 takes starts/ends/axes as attributes; from opset 10 they are inputs (with an
// optional `steps`). Negative starts/ends count from the back; out-of-range values are clamped to
// the dim as the ONNX spec describes: [0, dim] for a positive step and [-1, dim-1] for a negative
// one, so INT64_MAX/INT64_MIN mean "to the end".
#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>

#include "kernels/ref/strided_copy.h"
#include "kernels/transpose_strided_copy.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;
};

struct AxisRange {
  int64_t start = 0, step = 1, count = 0;
};

// The first index and element count of one axis, clamped as the spec says.
AxisRange clamp_range(int64_t dim, int64_t start, int64_t end, int64_t step) {
  AxisRange r;
  r.step = step;
  if (dim == 0) return r;
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    r.count = end > start ? (end - start + step - 1) / step : 0;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    r.count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
  }
  r.start = start;
  return r;
}

// Undoes the +dim applied above for INT64 extremes that would overflow.
int64_t safe_bound(int64_t v) { return std::clamp<int64_t>(v, INT64_MIN / 2, INT64_MAX / 2); }

void check_args(const SliceArgs& a, const ir::Node& node) {
  if (a.starts.size() != a.ends.size() || a.axes.size() != a.starts.size() || a.steps.size() != a.starts.size()) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": starts, ends, axes and steps must have the same "
                                                              "length (got " +
                                                std::to_string(a.starts.size()) + ", " +
                                                std::to_string(a.ends.size()) + ", " + std::to_string(a.axes.size()) +
                                                ", " + std::to_string(a.steps.size()) + ")");
  }
  for (int64_t s : a.steps) {
    if (s == 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": a step of 0 is not allowed");
  }
}

// Fills defaults for missing axes (0..n-1) and steps (all 1).
void complete_args(SliceArgs& a) {
  if (a.axes.empty()) {
    for (size_t i = 0; i < a.starts.size(); ++i) a.axes.push_back(static_cast<int64_t>(i));
  }
  if (a.steps.empty()) a.steps.assign(a.starts.size(), 1);
}

std::vector<AxisRange> plan_slice(const Shape& in, SliceArgs a, const ir::Node& node) {
  complete_args(a);
  check_args(a, node);
  const int64_t rank = static_cast<int64_t>(in.size());
  const std::vector<int64_t> axes = normalize_axes(a.axes, rank, node);
  std::vector<AxisRange> ranges(rank);
  for (int64_t d = 0; d < rank; ++d) ranges[d] = AxisRange{0, 1, in[d]};
  for (size_t i = 0; i < axes.size(); ++i) {
    ranges[axes[i]] = clamp_range(in[axes[i]], safe_bound(a.starts[i]), safe_bound(a.ends[i]), a.steps[i]);
  }
  return ranges;
}

class SliceKernel : public OpKernel {
 public:
  explicit SliceKernel(const ir::Node& node) : from_inputs_(node.opset >= 10) {
    if (!from_inputs_) {
      attr_.starts = node.get_ints("starts");
      attr_.ends = node.get_ints("ends");
      attr_.axes = node.get_ints("axes");
    }
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    SliceArgs a = attr_;
    if (from_inputs_) {
      a.starts = tensor_to_int64s(ctx.required_input(1), node, "starts");
      a.ends = tensor_to_int64s(ctx.required_input(2), node, "ends");
      if (const Tensor* t = ctx.input(3)) a.axes = tensor_to_int64s(*t, node, "axes");
      if (const Tensor* t = ctx.input(4)) a.steps = tensor_to_int64s(*t, node, "steps");
    }
    const std::vector<AxisRange> ranges = plan_slice(x.shape(), a, node);
    const std::vector<int64_t> in_strides = row_major_strides(x.shape());
    Shape out_shape;
    std::vector<int64_t> step_strides;
    int64_t offset = 0;
    for (size_t d = 0; d < ranges.size(); ++d) {
      out_shape.push_back(ranges[d].count);
      step_strides.push_back(in_strides[d] * ranges[d].step);
      offset += ranges[d].start * in_strides[d];
    }
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), out_shape);
    if (y.size() == 0) return;
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, std::string>) {
        kernels::ref::strided_copy(x.data<T>() + offset, step_strides, y.mutable_data<T>(),
                                   kernels::ref::contiguous_strides(out_shape), out_shape);
      } else {
        kernels::strided_copy(
            kernels::plan_strided_copy(out_shape, step_strides, kernels::ref::contiguous_strides(out_shape)),
            x.data<T>() + offset, y.mutable_data<T>(), sizeof(T), ctx.thread_pool());
      }
    });
  }

 private:
  bool from_inputs_;
  SliceArgs attr_;
};

std::unique_ptr<OpKernel> make_slice(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<SliceKernel>(node);
}

void infer_slice(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  SliceArgs a;
  bool known = true;
  if (node.opset < 10) {
    a.starts = node.get_ints("starts");
    a.ends = node.get_ints("ends");
    a.axes = node.get_ints("axes");
  } else {
    auto read = [&](int i, std::vector<int64_t>& v) {
      if (!ctx.has_input(i)) return;
      const Tensor* t = ctx.input_constant(i);
      if (t == nullptr) {
        known = false;
      } else {
        v = tensor_to_int64s(*t, node, "slice argument");
      }
    };
    read(1, a.starts);
    read(2, a.ends);
    read(3, a.axes);
    read(4, a.steps);
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  if (!known) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(rank)));
    return;
  }
  complete_args(a);
  check_args(a, node);
  const std::vector<int64_t> axes = normalize_axes(a.axes, rank, node);
  ir::SymShape out = in.shape;
  for (size_t i = 0; i < axes.size(); ++i) {
    const ir::Dim& d = in.shape[axes[i]];
    if (!d.known()) {
      out[axes[i]] = ir::Dim{};
      continue;
    }
    out[axes[i]] =
        ir::Dim::of(clamp_range(d.value, safe_bound(a.starts[i]), safe_bound(a.ends[i]), a.steps[i]).count);
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Slice", 1, 9, make_slice, infer_slice});
ONYXRT_REGISTER_OP({"", "Slice", 10, kMaxOpset, make_slice, infer_slice});

}  // namespace onyxrt::ops
