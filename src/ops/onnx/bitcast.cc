// BitCast (opset 26): reinterprets each element's bits as the type `to`, which must have the same
// bit width as the input's type (strings are not allowed either way). The bytes are copied as is.
#include <cstring>
#include <string>

#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

DataType bitcast_target(const ir::Node& node) {
  const int64_t to = node.required("to").i;
  if (to <= 0 || !is_known_dtype(static_cast<int32_t>(to))) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": 'to' = " + std::to_string(to) +
                                             " is not a TensorProto data type");
  }
  const auto dt = static_cast<DataType>(to);
  if (dt == DataType::String) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": BitCast to string is not allowed");
  }
  return dt;
}

void check_widths(const ir::Node& node, DataType from, DataType to) {
  if (from == DataType::String) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": BitCast from string is not allowed");
  }
  if (dtype_bits(from) != dtype_bits(to)) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": BitCast needs types of one bit width, got " +
                                             std::string(dtype_name(from)) + " (" + std::to_string(dtype_bits(from)) +
                                             " bits) and " + std::string(dtype_name(to)) + " (" +
                                             std::to_string(dtype_bits(to)) + " bits)");
  }
}

class BitCastKernel : public OpKernel {
 public:
  explicit BitCastKernel(DataType to) : to_(to) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_widths(ctx.node(), x.dtype(), to_);
    Tensor& y = ctx.allocate_output(0, to_, x.shape());
    if (x.nbytes() > 0) std::memcpy(y.mutable_raw(), x.raw(), x.nbytes());
  }

 private:
  DataType to_;
};

std::unique_ptr<OpKernel> make_bitcast(const ir::Node& node) {
  const DataType to = bitcast_target(node);
  const DataType from = input_dtype(node, 0);
  if (from != DataType::Undefined) check_widths(node, from, to);
  return std::make_unique<BitCastKernel>(to);
}

void infer_bitcast(ir::InferenceContext& ctx) {
  const DataType to = bitcast_target(ctx.node());
  const ir::TypeInfo& in = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(to, in.has_shape, in.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "BitCast", 26, kMaxOpset, make_bitcast, infer_bitcast});

}  // namespace onyxrt::ops
