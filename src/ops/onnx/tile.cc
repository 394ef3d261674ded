// Tile: output dim d is input dim d times repeats[d] (opset 6+, repeats an int64 input). Opset 1
// repeats one axis: inputs (input, tiles, axis), both scalars. Each repetition is one strided copy
// of the whole input into its place in the output.
#include <string>

#include "kernels/ref/strided_copy.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/common/axes.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

std::vector<int64_t> kernel_repeats(KernelContext& ctx, const Tensor& x) {
  const ir::Node& node = ctx.node();
  const int64_t rank = static_cast<int64_t>(x.rank());
  if (node.opset < 6) {
    std::vector<int64_t> reps(rank, 1);
    const int64_t axis = normalize_axis(scalar_as_int64(ctx.required_input(2), node, "axis"), rank, node);
    reps[axis] = scalar_as_int64(ctx.required_input(1), node, "tiles");
    return reps;
  }
  std::vector<int64_t> reps = tensor_to_int64s(ctx.required_input(1), node, "repeats");
  if (static_cast<int64_t>(reps.size()) != rank) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": repeats has " + std::to_string(reps.size()) +
                                                " values for input " + x.describe());
  }
  return reps;
}

class TileKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const std::vector<int64_t> reps = kernel_repeats(ctx, x);
    const Shape& in = x.shape();
    const size_t rank = in.size();
    Shape out(rank);
    for (size_t d = 0; d < rank; ++d) {
      if (reps[d] < 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": negative repeat " + std::to_string(reps[d]));
      out[d] = in[d] * reps[d];
    }
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);
    if (y.size() == 0) return;
    const std::vector<int64_t> in_strides = row_major_strides(in);
    const std::vector<int64_t> out_strides = row_major_strides(out);
    const int64_t tiles = shape_size(reps);
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      std::vector<int64_t> t(rank, 0);
      for (int64_t k = 0; k < tiles; ++k) {
        int64_t offset = 0;
        for (size_t d = 0; d < rank; ++d) offset += t[d] * in[d] * out_strides[d];
        kernels::ref::strided_copy(x.data<T>(), in_strides, y.mutable_data<T>() + offset, out_strides, in);
        for (size_t d = rank; d-- > 0;) {
          if (++t[d] < reps[d]) break;
          t[d] = 0;
        }
      }
    });
  }
};

std::unique_ptr<OpKernel> make_tile(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<TileKernel>();
}

void infer_tile(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  ir::SymShape out(in.shape.size());
  const Tensor* r = ctx.node().opset >= 6 ? ctx.input_constant(1) : nullptr;
  if (r != nullptr) {
    const std::vector<int64_t> reps = tensor_to_int64s(*r, ctx.node(), "repeats");
    if (reps.size() != out.size()) ctx.fail("repeats length does not match the input rank");
    for (size_t d = 0; d < out.size(); ++d) {
      if (reps[d] == 1) {
        out[d] = in.shape[d];
      } else if (in.shape[d].known()) {
        out[d] = ir::Dim::of(in.shape[d].value * reps[d]);
      }
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Tile", 1, 5, make_tile, infer_tile});
ONYXRT_REGISTER_OP({"", "Tile", 6, kMaxOpset, make_tile, infer_tile});

}  // namespace onyxrt::ops
