// QuantizeLinear (ONNX opsets 10, 13, 19, 21, 23+): y = saturate(round(x / y_scale) + y_zero_point).
// Opset 13 adds per-axis scales (`axis`), 19 float8 outputs and `saturate`, 21 blocked scales
// (`block_size`), int4/uint4/int16/uint16 and `output_dtype`, 23 `precision` and float4e2m1,
// 25 int2/uint2. The output type is
// the zero point's type, else output_dtype, else uint8. The division is done in float, as
// onnxruntime's CPU kernel does (precision other than float is therefore rejected).
#include <algorithm>
#include <memory>

#include "ops/onnx/quant_common.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool x_type_ok(DataType t) { return quant::is_real_type(t) || t == DataType::Int32; }

DataType output_type(const ir::Node& node, DataType zero_point_type) {
  const int64_t attr = node.get_int("output_dtype", 0);
  if (zero_point_type != DataType::Undefined) {
    if (attr != 0 && attr != static_cast<int64_t>(zero_point_type)) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": output_dtype " + std::to_string(attr) +
                                               " differs from the zero point's type " +
                                               std::string(dtype_name(zero_point_type)));
    }
    return zero_point_type;
  }
  return attr != 0 ? static_cast<DataType>(attr) : DataType::UInt8;
}

class QuantizeLinearKernel final : public OpKernel {
 public:
  QuantizeLinearKernel(const ir::Node& node)
      : axis_(node.get_int("axis", 1)),
        block_size_(node.get_int("block_size", 0)),
        saturate_(node.get_int("saturate", 1) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    const Tensor& scale = ctx.required_input(1);
    const Tensor* zp = ctx.input(2);
    if (!x_type_ok(x.dtype())) unsupported_type(node, 0, x.dtype());
    if (!quant::is_real_type(scale.dtype())) unsupported_type(node, 1, scale.dtype());
    const DataType out_type = output_type(node, zp ? zp->dtype() : DataType::Undefined);
    if (!quant::is_quant_type(out_type)) unsupported_type(node, 2, out_type);
    const quant::QuantIndexer ix = quant::make_indexer(x.shape(), scale.shape(), axis_, block_size_, node, "y_scale");
    if (zp && zp->size() != scale.size()) {  // [1] against [] is accepted, as onnxruntime does
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": y_zero_point shape " + shape_to_string(zp->shape()) +
                                                  " differs from y_scale shape " + shape_to_string(scale.shape()));
    }
    Tensor& y = ctx.allocate_output(0, out_type, x.shape());
    // Packed 2/4-bit elements share bytes, so a byte must be written by one thread: split on
    // whole bytes.
    const int64_t per_byte = dtype_bits(out_type) < 8 ? 8 / dtype_bits(out_type) : 1;
    const int64_t n = x.size();
    const int64_t units = (n + per_byte - 1) / per_byte;
    const bool float_out = quant::is_float_quant_type(out_type);
    ThreadPool::parallel_for(ctx.thread_pool(), units, 1 << 14, [&](int64_t b, int64_t e) {
      const int64_t lo = per_byte * b, hi = std::min(n, per_byte * e);
      for (int64_t i = lo; i < hi; ++i) {
        const int64_t s = ix(i);
        const float q = quant::load_real(x.dtype(), x.raw(), i) / quant::load_real(scale.dtype(), scale.raw(), s);
        const int64_t z = zp && !float_out ? quant::load_int(out_type, zp->raw(), s) : 0;
        quant::store_quantized(out_type, y.mutable_raw(), i, q, z, saturate_);
      }
    });
  }

 private:
  int64_t axis_, block_size_;
  bool saturate_;
};

std::unique_ptr<OpKernel> make_quantize_linear(const ir::Node& node) {
  const DataType xt = input_dtype(node, 0);
  if (xt != DataType::Undefined && !x_type_ok(xt)) unsupported_type(node, 0, xt);
  const DataType st = input_dtype(node, 1);
  if (st != DataType::Undefined && !quant::is_real_type(st)) unsupported_type(node, 1, st);
  const DataType zt = node.has_input(2) ? input_dtype(node, 2) : DataType::Undefined;
  const DataType out = output_type(node, zt);
  if (!quant::is_quant_type(out)) unsupported_type(node, 2, out);
  const int64_t precision = node.get_int("precision", 0);
  if (precision != 0 && precision != static_cast<int64_t>(DataType::Float)) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": precision " + std::to_string(precision) +
                                               " is not implemented (only float)");
  }
  return std::make_unique<QuantizeLinearKernel>(node);
}

void infer_quantize_linear(ir::InferenceContext& ctx) {
  const DataType zt = ctx.has_input(2) ? ctx.input_type(2).elem : DataType::Undefined;
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(output_type(ctx.node(), zt), x.has_shape, x.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "QuantizeLinear", 10, kMaxOpset, make_quantize_linear, infer_quantize_linear});

}  // namespace onyxrt::ops
