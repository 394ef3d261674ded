// Binarizer (ai.onnx.ml opset 1): Y = X > threshold ? 1 : 0, in X's type.
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

template <typename T>
void binarize(const Tensor& x, Tensor& y, float threshold) {
  for (int64_t i = 0; i < x.size(); ++i) {
    // NaN is not above the threshold: it maps to 0.
    y.mutable_data<T>()[i] = static_cast<double>(x.data<T>()[i]) > threshold ? T(1) : T(0);
  }
}

class BinarizerKernel : public OpKernel {
 public:
  explicit BinarizerKernel(const ir::Node& node) : threshold_(node.get_float("threshold", 0.f)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    switch (x.dtype()) {
      case DataType::Float: binarize<float>(x, y, threshold_); break;
      case DataType::Double: binarize<double>(x, y, threshold_); break;
      case DataType::Int64: binarize<int64_t>(x, y, threshold_); break;
      case DataType::Int32: binarize<int32_t>(x, y, threshold_); break;
      default: unsupported_type(ctx.node(), 0, x.dtype());
    }
  }

 private:
  float threshold_;
};

std::unique_ptr<OpKernel> make_binarizer(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<BinarizerKernel>(node);
}

void infer_binarizer(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "Binarizer", 1, kMaxOpset, make_binarizer, infer_binarizer});

}  // namespace onyxrt::ops::ml
