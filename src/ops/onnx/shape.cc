// Shape: the input's dims as a 1-D int64 tensor, sliced by `start`/`end` from opset 15 on
// (negative values count from the back, out-of-range values clamp, as in Slice).
#include <algorithm>

#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

// The [begin, end) range of dims that Shape reports for a rank-`rank` input.
std::pair<int64_t, int64_t> shape_slice(const ir::Node& node, int64_t rank) {
  auto clamp = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  const int64_t begin = clamp(node.get_int("start", 0));
  const int64_t end = node.has("end") ? clamp(node.get_int("end", rank)) : rank;
  return {begin, std::max(begin, end)};
}

class ShapeKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const auto [begin, end] = shape_slice(ctx.node(), static_cast<int64_t>(x.rank()));
    Tensor& y = ctx.allocate_output(0, DataType::Int64, {end - begin});
    int64_t* out = y.mutable_data<int64_t>();
    for (int64_t d = begin; d < end; ++d) out[d - begin] = x.shape()[d];
  }
};

// Element types do not matter: only the shape is read.
std::unique_ptr<OpKernel> make_shape(const ir::Node&) { return std::make_unique<ShapeKernel>(); }

void infer_shape(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, ir::SymShape{ir::Dim{}}));
    return;
  }
  const auto [begin, end] = shape_slice(ctx.node(), static_cast<int64_t>(in.shape.size()));
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, ir::SymShape{ir::Dim::of(end - begin)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Shape", 1, kMaxOpset, make_shape, infer_shape});

}  // namespace onyxrt::ops
