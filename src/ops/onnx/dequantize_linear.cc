// DequantizeLinear (ONNX opsets 10, 13, 19, 21, 23+): y = (x - x_zero_point) * x_scale. Opset 13
// adds per-axis scales, 19 float8 inputs and float16/bfloat16 scales, 21 blocked scales and
// int4/uint4/int16/uint16, 23 `output_dtype` (default: the scale's type) and float4e2m1, 25
// int2/uint2. x may also be int32
// (zero point then 0). Computed in float like the ONNX reference; float8/float4 zero points must
// be 0 and are not read.
#include <memory>

#include "ops/onnx/quant_common.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool x_type_ok(DataType t) { return quant::is_quant_type(t) || t == DataType::Int32; }

DataType output_type(const ir::Node& node, DataType scale_type) {
  const int64_t attr = node.get_int("output_dtype", 0);
  return attr != 0 ? static_cast<DataType>(attr) : scale_type;
}

class DequantizeLinearKernel final : public OpKernel {
 public:
  explicit DequantizeLinearKernel(const ir::Node& node)
      : axis_(node.get_int("axis", 1)), block_size_(node.get_int("block_size", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    const Tensor& scale = ctx.required_input(1);
    const Tensor* zp = ctx.input(2);
    if (!x_type_ok(x.dtype())) unsupported_type(node, 0, x.dtype());
    if (!quant::is_real_type(scale.dtype())) unsupported_type(node, 1, scale.dtype());
    if (zp && zp->dtype() != x.dtype()) unsupported_type(node, 2, zp->dtype());
    if (zp && zp->size() != scale.size()) {  // [1] against [] is accepted, as onnxruntime does
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": x_zero_point shape " + shape_to_string(zp->shape()) +
                                                  " differs from x_scale shape " + shape_to_string(scale.shape()));
    }
    const DataType out_type = output_type(node, scale.dtype());
    if (!quant::is_real_type(out_type)) unsupported_type(node, 1, out_type);
    const quant::QuantIndexer ix = quant::make_indexer(x.shape(), scale.shape(), axis_, block_size_, node, "x_scale");
    const bool float_in = quant::is_float_quant_type(x.dtype());
    Tensor& y = ctx.allocate_output(0, out_type, x.shape());
    ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t s = ix(i);
        float v = static_cast<float>(quant::load_quant(x.dtype(), x.raw(), i));
        if (zp && !float_in) v -= static_cast<float>(quant::load_int(x.dtype(), zp->raw(), s));
        quant::store_real(out_type, y.mutable_raw(), i, v * quant::load_real(scale.dtype(), scale.raw(), s));
      }
    });
  }

 private:
  int64_t axis_, block_size_;
};

std::unique_ptr<OpKernel> make_dequantize_linear(const ir::Node& node) {
  const DataType xt = input_dtype(node, 0);
  if (xt != DataType::Undefined && !x_type_ok(xt)) unsupported_type(node, 0, xt);
  const DataType st = input_dtype(node, 1);
  if (st != DataType::Undefined && !quant::is_real_type(st)) unsupported_type(node, 1, st);
  const DataType out = output_type(node, st);
  if (out != DataType::Undefined && !quant::is_real_type(out)) unsupported_type(node, 1, out);
  return std::make_unique<DequantizeLinearKernel>(node);
}

void infer_dequantize_linear(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  DataType out = output_type(ctx.node(), ctx.input_type(1).elem);
  if (out == DataType::Undefined) out = DataType::Float;
  ctx.set_output_type(0, tensor_type(out, x.has_shape, x.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "DequantizeLinear", 10, kMaxOpset, make_dequantize_linear, infer_dequantize_linear});

}  // namespace onyxrt::ops
