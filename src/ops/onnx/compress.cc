// Compress (opset 9, 11): keeps the slices along `axis` (or the elements of the flattened input
// when axis is absent) whose entry in the 1-D bool `condition` is true. A condition shorter than
// the axis drops the rest, as numpy.compress does; a longer one is an error.
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class CompressKernel : public OpKernel {
 public:
  explicit CompressKernel(const ir::Node& node) : has_axis_(node.has("axis")), axis_(node.get_int("axis", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    const Tensor& cond = ctx.required_input(1);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    if (cond.dtype() != DataType::Bool || cond.rank() != 1) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": condition must be a 1-D bool tensor, got " + cond.describe());
    }
    Shape in = has_axis_ ? x.shape() : Shape{x.size()};
    const int64_t axis = has_axis_ ? normalize_axis(axis_, static_cast<int64_t>(in.size()), node) : 0;
    if (cond.size() > in[axis]) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": condition has " + std::to_string(cond.size()) +
                                                  " entries for an axis of extent " + std::to_string(in[axis]));
    }
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < cond.size(); ++i) {
      if (cond.data<bool>()[i]) kept.push_back(i);
    }
    Shape out = in;
    out[axis] = static_cast<int64_t>(kept.size());
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= in[d];
    for (size_t d = axis + 1; d < in.size(); ++d) inner *= in[d];
    const int64_t n_in = in[axis], n_out = out[axis];
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < n_out; ++j) {
        copy_elements(x.dtype(), x.raw(), (o * n_in + kept[j]) * inner, y.mutable_raw(), (o * n_out + j) * inner, inner);
      }
    }
  }

 private:
  bool has_axis_;
  int64_t axis_;
};

std::unique_ptr<OpKernel> make_compress(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<CompressKernel>(node);
}

void infer_compress(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!ctx.node().has("axis")) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(1)));
    return;
  }
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t axis = normalize_axis(ctx.node().get_int("axis", 0), static_cast<int64_t>(in.shape.size()), ctx.node());
  ir::SymShape out = in.shape;
  out[axis] = ir::Dim{};  // depends on the condition's values
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Compress", 9, kMaxOpset, make_compress, infer_compress});

}  // namespace onyxrt::ops
