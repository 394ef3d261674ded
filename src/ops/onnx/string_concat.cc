// StringConcat (ONNX opset 20): element-wise X + Y of two string tensors with numpy broadcasting.
#include <memory>

#include "kernels/ref/broadcast.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class StringConcatKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const Tensor& y = ctx.required_input(1);
    if (x.dtype() != DataType::String) unsupported_type(ctx.node(), 0, x.dtype());
    if (y.dtype() != DataType::String) unsupported_type(ctx.node(), 1, y.dtype());
    Shape out_shape;
    if (!kernels::ref::broadcast_shape({x.shape(), y.shape()}, out_shape)) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": shapes " + shape_to_string(x.shape()) + " and " +
                                                  shape_to_string(y.shape()) + " do not broadcast");
    }
    Tensor& z = ctx.allocate_output(0, DataType::String, out_shape);
    if (z.size() == 0) return;
    const kernels::ref::BroadcastIndexer ix({x.shape(), y.shape()});
    const std::string* a = x.data<std::string>();
    const std::string* b = y.data<std::string>();
    std::string* out = z.mutable_data<std::string>();
    ix.for_each_run(0, z.size(), [&](int64_t pos, const int64_t* off, const int64_t* step, int64_t count) {
      for (int64_t i = 0; i < count; ++i) out[pos + i] = a[off[0] + i * step[0]] + b[off[1] + i * step[1]];
    });
  }
};

std::unique_ptr<OpKernel> make_string_concat(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && t != DataType::String) unsupported_type(node, i, t);
  }
  return std::make_unique<StringConcatKernel>();
}

void infer_string_concat(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(0);
  const ir::TypeInfo& b = ctx.input_type(1);
  if (a.has_shape && b.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::String, ir::broadcast_shapes(a.shape, b.shape, ctx)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::String));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "StringConcat", 20, kMaxOpset, make_string_concat, infer_string_concat});

}  // namespace onyxrt::ops
