// OneHot (opset 9, 11): output[..., j, ...] = values[1] where j == indices[...] along `axis`
// (default -1, a new axis of extent `depth`), values[0] elsewhere. From opset 11 negative indices
// count back from depth; indices outside [-depth, depth-1] leave the whole row "off".
#include <cmath>
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class OneHotKernel : public OpKernel {
 public:
  explicit OneHotKernel(const ir::Node& node) : axis_(node.get_int("axis", -1)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& indices = ctx.required_input(0);
    const Tensor& depth_t = ctx.required_input(1);
    const Tensor& values = ctx.required_input(2);
    if (!element_copyable(values.dtype())) unsupported_type(node, 2, values.dtype());
    if (values.size() != 2) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": values must hold [off, on], got " + values.describe());
    }
    if (depth_t.size() != 1) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": depth must be a single value, got " + depth_t.describe());
    }
    const int64_t depth = static_cast<int64_t>(element_as_double(depth_t, 0));
    if (depth < 1) throw_error(ErrorCode::InvalidArgument, node.describe() + ": depth must be positive, got " + std::to_string(depth));
    const int64_t out_rank = static_cast<int64_t>(indices.rank()) + 1;
    const int64_t axis = normalize_axis(axis_, out_rank, node);
    Shape out(indices.shape().begin(), indices.shape().end());
    out.insert(out.begin() + axis, depth);
    Tensor& y = ctx.allocate_output(0, values.dtype(), out);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= indices.shape()[d];
    for (size_t d = axis; d < indices.rank(); ++d) inner *= indices.shape()[d];
    const DataType dt = values.dtype();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < depth; ++j) {
        for (int64_t i = 0; i < inner; ++i) copy_elements(dt, values.raw(), 0, y.mutable_raw(), (o * depth + j) * inner + i, 1);
      }
      for (int64_t i = 0; i < inner; ++i) {
        int64_t v = static_cast<int64_t>(std::trunc(element_as_double(indices, o * inner + i)));
        if (v < 0 && node.opset >= 11) v += depth;
        if (v < 0 || v >= depth) continue;
        copy_elements(dt, values.raw(), 1, y.mutable_raw(), (o * depth + v) * inner + i, 1);
      }
    }
  }

 private:
  int64_t axis_;
};

std::unique_ptr<OpKernel> make_one_hot(const ir::Node& node) {
  const DataType dt = input_dtype(node, 2);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 2, dt);
  return std::make_unique<OneHotKernel>(node);
}

void infer_one_hot(ir::InferenceContext& ctx) {
  const ir::TypeInfo& indices = ctx.input_type(0);
  const DataType elem = ctx.input_type(2).elem;
  if (!indices.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const int64_t out_rank = static_cast<int64_t>(indices.shape.size()) + 1;
  const int64_t axis = normalize_axis(ctx.node().get_int("axis", -1), out_rank, ctx.node());
  ir::SymShape out = indices.shape;
  ir::Dim depth;
  if (const Tensor* d = ctx.input_constant(1)) depth = ir::Dim::of(static_cast<int64_t>(element_as_double(*d, 0)));
  out.insert(out.begin() + axis, depth);
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "OneHot", 9, kMaxOpset, make_one_hot, infer_one_hot});

}  // namespace onyxrt::ops
