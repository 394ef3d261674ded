// Reshape: a view of the input with a new shape. The shape is an attribute in opsets 1-4 and an
// input from opset 5. In it, -1 (at most once) is inferred from the element count and 0 copies
// the input's dim at that position, unless allowzero=1 (opset 14+) makes 0 a literal zero.
#include <string>

#include "ops/common/axes.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

Shape resolve_shape(const std::vector<int64_t>& requested, const Shape& in, bool allowzero, const ir::Node& node) {
  Shape out(requested.begin(), requested.end());
  int64_t infer_at = -1;
  int64_t known_product = 1;
  auto fail = [&](const std::string& why) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": cannot reshape " + shape_to_string(in) + " to " +
                                                shape_to_string(requested) + ": " + why);
  };
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer_at >= 0) fail("more than one -1");
      infer_at = static_cast<int64_t>(i);
      continue;
    }
    if (out[i] == 0 && !allowzero) {
      if (i >= in.size()) fail("0 at position " + std::to_string(i) + " has no input dim to copy");
      out[i] = in[i];
    } else if (out[i] < 0) {
      fail("negative dim " + std::to_string(out[i]));
    }
    known_product *= out[i];
  }
  const int64_t in_size = shape_size(in);
  if (infer_at >= 0) {
    if (known_product == 0) {
      // ONNX Reshape: with allowzero set, a literal 0 beside -1 is invalid (the -1 is not unique).
      if (allowzero) fail("-1 cannot be inferred next to a literal 0 when allowzero=1");
      if (in_size != 0) fail("-1 cannot be inferred next to a zero dim");
      out[infer_at] = 0;
    } else {
      if (in_size % known_product != 0) fail("element count does not divide");
      out[infer_at] = in_size / known_product;
    }
  } else if (known_product != in_size) {
    fail("element counts differ");
  }
  return out;
}

class ReshapeKernel : public OpKernel {
 public:
  // from_attribute: opsets 1-4, where the target comes from the `shape` attribute.
  ReshapeKernel(bool from_attribute, bool allowzero) : from_attribute_(from_attribute), allowzero_(allowzero) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const ir::Node& node = ctx.node();
    const std::vector<int64_t> requested =
        from_attribute_ ? node.get_ints("shape") : tensor_to_int64s(ctx.required_input(1), node, "shape");
    ctx.set_output(0, Value(x.reshaped(resolve_shape(requested, x.shape(), allowzero_, node))));
  }

 private:
  bool from_attribute_;
  bool allowzero_;
};

std::unique_ptr<OpKernel> make_reshape_v1(const ir::Node&) { return std::make_unique<ReshapeKernel>(true, false); }
std::unique_ptr<OpKernel> make_reshape(const ir::Node& node) {
  const bool allowzero = node.get_int("allowzero", 0) != 0;
  return std::make_unique<ReshapeKernel>(false, allowzero);
}

// Keeps symbolic dims: 0 copies the input's Dim (symbol included); -1 is computed when every
// other dim and the input are fully known, otherwise it stays unknown.
void infer_reshape(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const ir::Node& node = ctx.node();
  std::vector<int64_t> requested;
  if (node.has("shape")) {
    requested = node.get_ints("shape");
  } else if (const Tensor* t = ctx.input_constant(1)) {
    requested = tensor_to_int64s(*t, node, "shape");
  } else {
    const ir::TypeInfo& shape_type = ctx.input_type(1);
    if (shape_type.has_shape && shape_type.shape.size() == 1 && shape_type.shape[0].known()) {
      ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(shape_type.shape[0].value)));
    } else {
      ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    }
    return;
  }
  const bool allowzero = node.get_int("allowzero", 0) != 0;
  if (in.shape_known()) {
    Shape out = resolve_shape(requested, in.concrete_shape(), allowzero, node);
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, out));
    return;
  }
  ir::SymShape out;
  for (size_t i = 0; i < requested.size(); ++i) {
    const int64_t r = requested[i];
    if (r == 0 && !allowzero && in.has_shape && i < in.shape.size()) {
      out.push_back(in.shape[i]);
    } else if (r >= 0) {
      out.push_back(ir::Dim::of(r));
    } else {
      out.push_back(ir::Dim{});
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Reshape", 1, 4, make_reshape_v1, infer_reshape});
ONYXRT_REGISTER_OP({"", "Reshape", 5, 13, make_reshape, infer_reshape});
ONYXRT_REGISTER_OP({"", "Reshape", 14, kMaxOpset, make_reshape, infer_reshape});

}  // namespace onyxrt::ops
