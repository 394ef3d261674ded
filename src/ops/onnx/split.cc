// Split: cuts input 0 along `axis` into one part per output. Part sizes come from `split` (an
// attribute until opset 12, or input 1 in opset 1; an input from opset 13), else the axis is split
// evenly; from opset 18 an uneven split (requested through `num_outputs`) gives every part
// ceil(dim / n) elements but the last, which gets the rest.
#include <algorithm>
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

std::vector<int64_t> part_sizes(int64_t dim, int n_outputs, const std::vector<int64_t>* split, int64_t opset,
                                const ir::Node& node) {
  std::vector<int64_t> parts;
  if (split != nullptr && !split->empty()) {
    parts = *split;
    int64_t total = 0;
    for (int64_t p : parts) {
      if (p < 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": negative split size " + std::to_string(p));
      total += p;
    }
    if (total != dim || static_cast<int>(parts.size()) != n_outputs) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": split sizes sum to " + std::to_string(total) +
                                                  " over " + std::to_string(parts.size()) + " parts, expected " +
                                                  std::to_string(dim) + " over " + std::to_string(n_outputs));
    }
    return parts;
  }
  if (n_outputs <= 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": no outputs to split into");
  if (dim % n_outputs != 0 && opset < 18) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis extent " + std::to_string(dim) +
                                                " is not divisible into " + std::to_string(n_outputs) + " equal parts");
  }
  const int64_t chunk = (dim + n_outputs - 1) / n_outputs;
  int64_t left = dim;
  for (int i = 0; i < n_outputs; ++i) {
    parts.push_back(std::min(chunk, left));
    left -= parts.back();
  }
  return parts;
}

bool split_is_input(const ir::Node& node) { return node.opset >= 13 || node.opset == 1; }

class SplitKernel : public OpKernel {
 public:
  explicit SplitKernel(const ir::Node& node) : axis_(node.get_int("axis", 0)), split_attr_(node.get_ints("split")) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const int64_t axis = normalize_axis(axis_, static_cast<int64_t>(x.rank()), node);
    std::vector<int64_t> split = split_attr_;
    if (split_is_input(node)) {
      if (const Tensor* t = ctx.input(1)) split = tensor_to_int64s(*t, node, "split");
    }
    const Shape& s = x.shape();
    const std::vector<int64_t> parts = part_sizes(s[axis], ctx.output_count(), &split, node.opset, node);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= s[d];
    for (size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
    const int64_t row = s[axis] * inner;
    int64_t column = 0;
    for (int i = 0; i < ctx.output_count(); ++i) {
      const int64_t block = parts[i] * inner;
      if (ctx.output_requested(i)) {
        Shape os = s;
        os[axis] = parts[i];
        Tensor& y = ctx.allocate_output_uninitialized(i, x.dtype(), os);
        const int64_t min_rows = std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(1, block));
        ThreadPool::parallel_for(ctx.thread_pool(), outer, min_rows, [&](int64_t begin, int64_t end) {
          for (int64_t o = begin; o < end; ++o) {
            copy_elements(x.dtype(), x.raw(), o * row + column, y.mutable_raw(), o * block, block);
          }
        });
      }
      column += block;
    }
  }

 private:
  int64_t axis_;
  std::vector<int64_t> split_attr_;
};

std::unique_ptr<OpKernel> make_split(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<SplitKernel>(node);
}

void infer_split(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  const ir::TypeInfo& in = ctx.input_type(0);
  const int n = ctx.output_count();
  auto unknown_axis = [&](int64_t axis) {
    for (int i = 0; i < n; ++i) {
      if (!in.has_shape) {
        ctx.set_output_type(i, ir::TypeInfo::tensor(in.elem));
        continue;
      }
      ir::SymShape s = in.shape;
      s[axis] = ir::Dim{};
      ctx.set_output_type(i, ir::TypeInfo::tensor(in.elem, s));
    }
  };
  if (!in.has_shape) return unknown_axis(0);
  const int64_t axis = normalize_axis(node.get_int("axis", 0), static_cast<int64_t>(in.shape.size()), node);
  std::vector<int64_t> split = node.get_ints("split");
  if (split_is_input(node) && ctx.has_input(1)) {
    const Tensor* t = ctx.input_constant(1);
    if (t == nullptr) return unknown_axis(axis);
    split = tensor_to_int64s(*t, node, "split");
  }
  if (!in.shape[axis].known() && split.empty()) return unknown_axis(axis);
  const int64_t dim = in.shape[axis].known() ? in.shape[axis].value : 0;
  std::vector<int64_t> parts = split;
  if (parts.empty()) parts = part_sizes(dim, n, nullptr, node.opset, node);
  if (static_cast<int>(parts.size()) != n) ctx.fail("split has " + std::to_string(parts.size()) + " sizes for " + std::to_string(n) + " outputs");
  for (int i = 0; i < n; ++i) {
    ir::SymShape s = in.shape;
    s[axis] = ir::Dim::of(parts[i]);
    ctx.set_output_type(i, ir::TypeInfo::tensor(in.elem, s));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Split", 1, 12, make_split, infer_split});
ONYXRT_REGISTER_OP({"", "Split", 13, 17, make_split, infer_split});
ONYXRT_REGISTER_OP({"", "Split", 18, kMaxOpset, make_split, infer_split});

}  // namespace onyxrt::ops
