// Normalizer (ai.onnx.ml opset 1): each row divided by its MAX, L1 or L2 norm, in float. A row
// whose norm is zero is left as it is (onnxruntime's behaviour).
#include <cmath>
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

enum class Norm { Max, L1, L2 };

class NormalizerKernel : public OpKernel {
 public:
  explicit NormalizerKernel(Norm norm) : norm_(norm) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& xt = ctx.required_input(0);
    const FeatureMatrix<float> x = read_features<float>(xt, ctx.node());
    Tensor& y = ctx.allocate_output(0, DataType::Float, xt.shape());
    float* out = y.mutable_data<float>();
    for (int64_t r = 0; r < x.rows; ++r) {
      const float* in = x.row(r);
      float n = 0;
      if (norm_ == Norm::Max) {
        n = x.cols > 0 ? in[0] : 0.f;
        for (int64_t c = 1; c < x.cols; ++c) n = std::max(n, in[c]);
      } else if (norm_ == Norm::L1) {
        for (int64_t c = 0; c < x.cols; ++c) n += std::abs(in[c]);
      } else {
        for (int64_t c = 0; c < x.cols; ++c) n += in[c] * in[c];
        n = std::sqrt(n);
      }
      for (int64_t c = 0; c < x.cols; ++c) out[r * x.cols + c] = n != 0 ? in[c] / n : in[c];
    }
  }

 private:
  Norm norm_;
};

std::unique_ptr<OpKernel> make_normalizer(const ir::Node& node) {
  check_ml_input(node, 0);
  const std::string n = node.get_string("norm", "MAX");
  if (n == "MAX") return std::make_unique<NormalizerKernel>(Norm::Max);
  if (n == "L1") return std::make_unique<NormalizerKernel>(Norm::L1);
  if (n == "L2") return std::make_unique<NormalizerKernel>(Norm::L2);
  fail_attr(node, "norm must be MAX, L1 or L2, got '" + n + "'");
  return nullptr;
}

void infer_normalizer(ir::InferenceContext& ctx) {
  ir::TypeInfo t = ctx.input_type(0);
  t.kind = ir::TypeInfo::Kind::Tensor;
  t.elem = DataType::Float;
  ctx.set_output_type(0, t);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "Normalizer", 1, kMaxOpset, make_normalizer, infer_normalizer});

}  // namespace onyxrt::ops::ml
