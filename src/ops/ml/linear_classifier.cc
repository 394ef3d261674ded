// LinearClassifier (ai.onnx.ml opset 1): scores = X coefficients^T + intercepts, label = best
// class. One score column with two labels is a binary model: label by the sign of the raw score
// and scores written as [1 - s, s], as onnxruntime's linearclassifier.cc does.
#include <algorithm>
#include <memory>

#include "ops/ml/class_labels.h"
#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/ml/post_transform.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class LinearClassifierKernel : public OpKernel {
 public:
  explicit LinearClassifierKernel(const ir::Node& node)
      : labels_(ClassLabels::from(node, "classlabels_ints")),
        post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        coefs_(node.get_floats("coefficients")),
        intercepts_(node.get_floats("intercepts")) {
    if (labels_.size() < 1) fail_attr(node, "needs classlabels_ints or classlabels_strings");
    classes_ = intercepts_.empty() ? labels_.size() : static_cast<int64_t>(intercepts_.size());
    if (classes_ < 1 || coefs_.size() % classes_ != 0) fail_attr(node, "coefficients is not a multiple of the class count");
    features_ = static_cast<int64_t>(coefs_.size()) / classes_;
    add_second_ = classes_ == 1 && labels_.size() == 2;
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<float> x = read_features<float>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && x.cols != features_) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the model expects " + std::to_string(features_));
    }
    const int64_t per_row = add_second_ ? 2 : classes_;
    Tensor& y = ctx.allocate_output(0, labels_.dtype(), {x.rows});
    Tensor& z = ctx.allocate_output(1, DataType::Float, {x.rows, per_row});
    float* zp = z.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 64, [&](int64_t begin, int64_t end) {
      std::vector<float> s(classes_), out(std::max<int64_t>(per_row, 2));
      for (int64_t r = begin; r < end; ++r) {
        const float* row = x.row(r);
        for (int64_t c = 0; c < classes_; ++c) {
          float acc = intercepts_.empty() ? 0.f : intercepts_[c];
          for (int64_t f = 0; f < features_; ++f) acc += row[f] * coefs_[c * features_ + f];
          s[c] = acc;
        }
        if (classes_ == 1) {
          // With two labels they name negative/positive; otherwise onnxruntime writes 1 / 0.
          labels_.write(y, r, s[0] > 0 ? 1 : 0);
        } else {
          labels_.write(y, r, std::max_element(s.begin(), s.end()) - s.begin());
        }
        std::vector<float> scores = s;
        const int64_t n = write_scores(scores, post_, add_second_ ? 1 : -1, out.data());
        for (int64_t j = 0; j < std::min(n, per_row); ++j) zp[r * per_row + j] = out[j];
      }
    });
  }

 private:
  ClassLabels labels_;
  PostTransform post_;
  std::vector<float> coefs_, intercepts_;
  int64_t classes_ = 1, features_ = 0;
  bool add_second_ = false;
};

std::unique_ptr<OpKernel> make_linear_classifier(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<LinearClassifierKernel>(node);
}

void infer_linear_classifier(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const bool strings = !ctx.node().get_strings("classlabels_strings").empty();
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(strings ? DataType::String : DataType::Int64, ir::SymShape{rows}));
  if (ctx.output_count() > 1) ctx.set_output_type(1, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim{}}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "LinearClassifier", 1, kMaxOpset, make_linear_classifier, infer_linear_classifier});

}  // namespace onyxrt::ops::ml
