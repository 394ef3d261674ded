// SplitToSequence (11+) and ConcatFromSequence (11+): between a tensor and a sequence of its
// slices along one axis.
#include "ops/common/axes.h"
#include "ops/common/axis_slices.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct SplitToSequence final : OpKernel {
  int64_t axis_attr, keepdims;
  SplitToSequence(int64_t a, int64_t k) : axis_attr(a), keepdims(k) {}
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    int64_t axis = normalize_axis(axis_attr, static_cast<int64_t>(x.rank()), node);
    int64_t dim = x.shape()[axis];
    std::vector<int64_t> lengths;
    const Tensor* split = ctx.input(1);
    bool drop_axis = false;
    if (!split) {
      lengths.assign(static_cast<size_t>(dim), 1);
      drop_axis = keepdims == 0;
    } else {
      std::vector<int64_t> v = tensor_to_int64s(*split, node, "split");
      if (split->rank() == 0) {
        int64_t chunk = v.at(0);
        if (chunk <= 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": split must be positive");
        for (int64_t left = dim; left > 0; left -= chunk) lengths.push_back(std::min(chunk, left));
      } else {
        lengths = v;
        int64_t total = 0;
        for (int64_t l : lengths) {
          if (l < 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": split lengths must be >= 0");
          total += l;
        }
        if (total != dim)
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": split lengths sum to " + std::to_string(total) +
                                                      " but axis " + std::to_string(axis) + " has " + std::to_string(dim));
      }
    }
    Sequence items;
    int64_t begin = 0;
    for (int64_t l : lengths) {
      Tensor part = drop_axis ? slice_at(x, axis, begin, ctx.allocator()) : slice_range(x, axis, begin, begin + l, ctx.allocator());
      items.emplace_back(std::move(part));
      begin += l;
    }
    ctx.set_output(0, Value::sequence(std::move(items), x.dtype()));
  }
};

struct ConcatFromSequence final : OpKernel {
  int64_t axis_attr, new_axis;
  ConcatFromSequence(int64_t a, int64_t n) : axis_attr(a), new_axis(n) {}
  void compute(KernelContext& ctx) const override {
    const Value* seq = ctx.input_value(0);
    if (!seq || !seq->is_sequence())
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input must be a sequence");
    std::vector<Tensor> parts;
    for (const Value& v : seq->sequence()) parts.push_back(v.tensor());
    if (parts.empty()) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": cannot concatenate an empty sequence");
    int64_t rank = static_cast<int64_t>(parts[0].rank()) + (new_axis ? 1 : 0);
    int64_t axis = normalize_axis(axis_attr, rank, ctx.node());
    ctx.set_output(0, Value(new_axis ? stack(parts, axis, ctx.allocator()) : concat(parts, axis, ctx.allocator())));
  }
};

std::unique_ptr<OpKernel> make_split(const ir::Node& n) {
  return std::make_unique<SplitToSequence>(n.get_int("axis", 0), n.get_int("keepdims", 1));
}
std::unique_ptr<OpKernel> make_concat(const ir::Node& n) {
  return std::make_unique<ConcatFromSequence>(n.required("axis").i, n.get_int("new_axis", 0));
}

void infer_split(ir::InferenceContext& ctx) {
  ir::TypeInfo t;
  t.kind = ir::TypeInfo::Kind::Sequence;
  t.inner = std::make_shared<ir::TypeInfo>(ir::TypeInfo::tensor(ctx.input_type(0).elem));
  ctx.set_output_type(0, t);
}
void infer_concat(ir::InferenceContext& ctx) {
  const ir::TypeInfo& s = ctx.input_type(0);
  if (s.inner) ctx.set_output_type(0, ir::TypeInfo::tensor(s.inner->elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "SplitToSequence", 11, kMaxOpset, make_split, infer_split});
ONYXRT_REGISTER_OP({"", "ConcatFromSequence", 11, kMaxOpset, make_concat, infer_concat});

}  // namespace onyxrt::ops
