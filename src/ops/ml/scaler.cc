// Scaler (ai.onnx.ml opset 1): Y = (X - offset) * scale in float, offset and scale holding one
// value or one per column.
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class ScalerKernel : public OpKernel {
 public:
  explicit ScalerKernel(const ir::Node& node) : offset_(node.get_floats("offset")), scale_(node.get_floats("scale")) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& xt = ctx.required_input(0);
    const FeatureMatrix<float> x = read_features<float>(xt, ctx.node());
    auto check = [&](const std::vector<float>& v, const char* name) {
      if (v.size() > 1 && static_cast<int64_t>(v.size()) != x.cols) {
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + name + " has " + std::to_string(v.size()) +
                                                    " values for " + std::to_string(x.cols) + " columns");
      }
    };
    check(offset_, "offset");
    check(scale_, "scale");
    Tensor& y = ctx.allocate_output(0, DataType::Float, xt.shape());
    float* out = y.mutable_data<float>();
    for (int64_t i = 0; i < xt.size(); ++i) {
      const int64_t c = x.cols > 0 ? i % x.cols : 0;
      const float off = offset_.empty() ? 0.f : offset_[offset_.size() == 1 ? 0 : c];
      const float sc = scale_.empty() ? 1.f : scale_[scale_.size() == 1 ? 0 : c];
      out[i] = (x.values[i] - off) * sc;
    }
  }

 private:
  std::vector<float> offset_, scale_;
};

std::unique_ptr<OpKernel> make_scaler(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<ScalerKernel>(node);
}

void infer_scaler(ir::InferenceContext& ctx) {
  ir::TypeInfo t = ctx.input_type(0);
  t.kind = ir::TypeInfo::Kind::Tensor;
  t.elem = DataType::Float;
  ctx.set_output_type(0, t);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "Scaler", 1, kMaxOpset, make_scaler, infer_scaler});

}  // namespace onyxrt::ops::ml
