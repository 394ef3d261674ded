// LinearRegressor (ai.onnx.ml opset 1): Y[N, targets] = X coefficients^T + intercepts, then
// post_transform (a single target only takes PROBIT, as in onnxruntime).
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/ml/post_transform.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class LinearRegressorKernel : public OpKernel {
 public:
  explicit LinearRegressorKernel(const ir::Node& node)
      : post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        coefs_(node.get_floats("coefficients")),
        intercepts_(node.get_floats("intercepts")),
        targets_(node.get_int("targets", 1)) {
    if (targets_ < 1 || coefs_.size() % targets_ != 0) fail_attr(node, "coefficients is not a multiple of targets");
    if (!intercepts_.empty() && static_cast<int64_t>(intercepts_.size()) != targets_) fail_attr(node, "intercepts needs one entry per target");
    features_ = static_cast<int64_t>(coefs_.size()) / targets_;
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<float> x = read_features<float>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && x.cols != features_) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the model expects " + std::to_string(features_));
    }
    Tensor& y = ctx.allocate_output(0, DataType::Float, {x.rows, targets_});
    float* out = y.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 64, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        float* o = out + r * targets_;
        for (int64_t t = 0; t < targets_; ++t) {
          float acc = intercepts_.empty() ? 0.f : intercepts_[t];
          for (int64_t f = 0; f < features_; ++f) acc += x.row(r)[f] * coefs_[t * features_ + f];
          o[t] = acc;
        }
        if (targets_ > 1 || post_ == PostTransform::Probit) apply_post_transform(post_, o, targets_);
      }
    });
  }

 private:
  PostTransform post_;
  std::vector<float> coefs_, intercepts_;
  int64_t targets_;
  int64_t features_ = 0;
};

std::unique_ptr<OpKernel> make_linear_regressor(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<LinearRegressorKernel>(node);
}

void infer_linear_regressor(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim::of(ctx.node().get_int("targets", 1))}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "LinearRegressor", 1, kMaxOpset, make_linear_regressor, infer_linear_regressor});

}  // namespace onyxrt::ops::ml
