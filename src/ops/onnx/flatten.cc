// Flatten: a 2-D view (prod(dims[:axis]), prod(dims[axis:])). `axis` may be in [-rank, rank]
// (negative from opset 11); axis 0 gives (1, size).
#include <string>

#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

int64_t flatten_axis(const ir::Node& node, int64_t rank) {
  const int64_t axis = node.get_int("axis", 1);
  if (axis < -rank || axis > rank) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis " + std::to_string(axis) +
                                                " is out of range for rank " + std::to_string(rank) + " (expected [" +
                                                std::to_string(-rank) + ", " + std::to_string(rank) + "])");
  }
  return axis < 0 ? axis + rank : axis;
}

class FlattenKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const int64_t axis = flatten_axis(ctx.node(), static_cast<int64_t>(x.rank()));
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
    int64_t inner = 1;
    for (size_t d = axis; d < x.rank(); ++d) inner *= x.shape()[d];
    ctx.set_output(0, Value(x.reshaped({outer, inner})));
  }
};

std::unique_ptr<OpKernel> make_flatten(const ir::Node&) { return std::make_unique<FlattenKernel>(); }

// The product of dims [begin, end): known when all are known; a single symbolic dim among
// known 1s keeps its symbol (so [N,1,1] flattened at 3 stays [N,1]).
ir::Dim dim_product(const ir::SymShape& s, size_t begin, size_t end) {
  int64_t product = 1;
  const ir::Dim* unknown = nullptr;
  int unknown_count = 0;
  for (size_t d = begin; d < end; ++d) {
    if (s[d].known()) {
      product *= s[d].value;
    } else {
      unknown = &s[d];
      ++unknown_count;
    }
  }
  if (unknown_count == 0) return ir::Dim::of(product);
  if (unknown_count == 1 && product == 1 && !unknown->symbol.empty()) return ir::Dim::sym(unknown->symbol);
  return ir::Dim{};
}

void infer_flatten(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape{ir::Dim{}, ir::Dim{}}));
    return;
  }
  const size_t axis = static_cast<size_t>(flatten_axis(ctx.node(), static_cast<int64_t>(in.shape.size())));
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape{dim_product(in.shape, 0, axis),
                                                                    dim_product(in.shape, axis, in.shape.size())}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Flatten", 1, kMaxOpset, make_flatten, infer_flatten});

}  // namespace onyxrt::ops
