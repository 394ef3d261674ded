// DynamicQuantizeLinear (ONNX opset 11): uint8 quantization of a float tensor with a scale and
// zero point computed from its range, which is widened to include 0 so that 0 is exact:
// scale = (max - min) / 255 (1/255 when max == min), zero_point = round(clamp(-min / scale)).
#include <algorithm>
#include <cmath>
#include <memory>

#include "ops/onnx/quant_common.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class DynamicQuantizeLinearKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() != DataType::Float) unsupported_type(ctx.node(), 0, X.dtype());
    const float* x = X.data<float>();
    float lo = 0.f, hi = 0.f;
    for (int64_t i = 0; i < X.size(); ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    const float scale = (hi == lo ? 1.f : hi - lo) / 255.f;
    const float zp = std::nearbyint(std::clamp(0.f - lo / scale, 0.f, 255.f));
    Tensor& Y = ctx.allocate_output(0, DataType::UInt8, X.shape());
    uint8_t* y = Y.mutable_data<uint8_t>();
    ThreadPool::parallel_for(ctx.thread_pool(), X.size(), 1 << 14, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) y[i] = static_cast<uint8_t>(std::clamp(std::nearbyint(x[i] / scale) + zp, 0.f, 255.f));
    });
    if (ctx.output_requested(1)) ctx.allocate_output(1, DataType::Float, {}).mutable_data<float>()[0] = scale;
    if (ctx.output_requested(2)) {
      ctx.allocate_output(2, DataType::UInt8, {}).mutable_data<uint8_t>()[0] = static_cast<uint8_t>(zp);
    }
  }
};

std::unique_ptr<OpKernel> make_dynamic_quantize_linear(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Float) unsupported_type(node, 0, t);
  return std::make_unique<DynamicQuantizeLinearKernel>();
}

void infer_dynamic_quantize_linear(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(DataType::UInt8, x.has_shape, x.shape));
  if (ctx.output_count() > 1) ctx.set_output_type(1, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{}));
  if (ctx.output_count() > 2) ctx.set_output_type(2, ir::TypeInfo::tensor(DataType::UInt8, ir::SymShape{}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "DynamicQuantizeLinear", 11, kMaxOpset, make_dynamic_quantize_linear,
                    infer_dynamic_quantize_linear});

}  // namespace onyxrt::ops
