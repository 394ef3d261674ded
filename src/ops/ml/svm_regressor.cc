// SVMRegressor (ai.onnx.ml opset 1): y = sum_j coef[j] K(x, sv[j]) + rho, or a linear model when
// n_supports is 0; one_class maps the sign to +1 / -1.
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/svm_kernel.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class SvmRegressorKernel : public OpKernel {
 public:
  explicit SvmRegressorKernel(const ir::Node& node)
      : kernel_(SvmKernel::from(node)),
        post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        coefs_(node.get_floats("coefficients")),
        svs_(node.get_floats("support_vectors")),
        rho_(node.get_floats("rho")),
        n_supports_(node.get_int("n_supports", 0)),
        one_class_(node.get_int("one_class", 0) != 0) {
    if (rho_.empty()) fail_attr(node, "rho is required");
    if (n_supports_ > 0) {
      if (static_cast<int64_t>(coefs_.size()) != n_supports_ || svs_.size() % n_supports_ != 0) {
        fail_attr(node, "coefficients and support_vectors do not match n_supports");
      }
      features_ = static_cast<int64_t>(svs_.size()) / n_supports_;
    } else {
      features_ = static_cast<int64_t>(coefs_.size());
    }
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<float> x = read_features<float>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && x.cols != features_) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the model expects " + std::to_string(features_));
    }
    Tensor& y = ctx.allocate_output(0, DataType::Float, {x.rows, 1});
    float* out = y.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 16, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        float s = 0;
        if (n_supports_ > 0) {
          for (int64_t j = 0; j < n_supports_; ++j) s += coefs_[j] * kernel_(x.row(r), svs_.data() + j * features_, features_);
        } else {
          s = kernel_(x.row(r), coefs_.data(), features_);
        }
        s += rho_[0];
        if (one_class_) s = s > 0 ? 1.f : -1.f;
        if (post_ == PostTransform::Probit) s = probit(s);
        out[r] = s;
      }
    });
  }

 private:
  SvmKernel kernel_;
  PostTransform post_;
  std::vector<float> coefs_, svs_, rho_;
  int64_t n_supports_;
  bool one_class_;
  int64_t features_ = 0;
};

std::unique_ptr<OpKernel> make_svm_regressor(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<SvmRegressorKernel>(node);
}

void infer_svm_regressor(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim::of(1)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "SVMRegressor", 1, kMaxOpset, make_svm_regressor, infer_svm_regressor});

}  // namespace onyxrt::ops::ml
