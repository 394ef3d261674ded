// ConstantOfShape (opset 9, 20, 21, 23): a tensor of the shape given by the int64 input, every
// element equal to the one-element `value` attribute (float 0 when absent).
#include <algorithm>
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class ConstantOfShapeKernel : public OpKernel {
 public:
  explicit ConstantOfShapeKernel(const ir::Node& node) {
    const Tensor* v = node.get_tensor("value");
    if (v == nullptr) {
      value_ = Tensor::allocate(DataType::Float, {1});
    } else {
      if (v->size() != 1) throw_error(ErrorCode::InvalidGraph, node.describe() + ": value must hold one element, got " + v->describe());
      if (!element_copyable(v->dtype())) unsupported_type(node, 0, v->dtype());
      value_ = *v;
    }
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const std::vector<int64_t> shape = tensor_to_int64s(ctx.required_input(0), node, "shape");
    for (int64_t d : shape) {
      if (d < 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": negative dim in shape " + shape_to_string(Shape(shape)));
    }
    Tensor& y = ctx.allocate_output(0, value_.dtype(), Shape(shape));
    if (y.size() == 0) return;
    // One element, then copies of what is already filled, doubling: a few large memcpys instead of
    // one call per element (the light_* models fill their 4 MB classifier weight on every run).
    copy_elements(value_.dtype(), value_.raw(), 0, y.mutable_raw(), 0, 1);
    for (int64_t filled = 1; filled < y.size(); filled *= 2)
      copy_elements(value_.dtype(), y.raw(), 0, y.mutable_raw(), filled, std::min(filled, y.size() - filled));
  }

 private:
  Tensor value_;
};

std::unique_ptr<OpKernel> make_constant_of_shape(const ir::Node& node) {
  return std::make_unique<ConstantOfShapeKernel>(node);
}

void infer_constant_of_shape(ir::InferenceContext& ctx) {
  const Tensor* v = ctx.node().get_tensor("value");
  const DataType dt = v ? v->dtype() : DataType::Float;
  if (const Tensor* s = ctx.input_constant(0)) {
    ir::SymShape out;
    for (int64_t d : tensor_to_int64s(*s, ctx.node(), "shape")) out.push_back(ir::Dim::of(d));
    ctx.set_output_type(0, ir::TypeInfo::tensor(dt, std::move(out)));
    return;
  }
  const ir::TypeInfo& st = ctx.input_type(0);
  if (st.has_shape && st.shape.size() == 1 && st.shape[0].known()) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(dt, ir::SymShape(st.shape[0].value)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(dt));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ConstantOfShape", 9, kMaxOpset, make_constant_of_shape, infer_constant_of_shape});

}  // namespace onyxrt::ops
