// SVMClassifier (ai.onnx.ml opset 1). Two modes: with support vectors (vectors_per_class given),
// one-vs-one classifiers that vote, optionally turned into class probabilities by Platt scaling
// (prob_a, prob_b) and libsvm's coupling; without them, a linear model per class. Labels and the
// binary-case score layout follow onnxruntime's svmclassifier.cc, which exporters target.
#include <algorithm>
#include <memory>

#include "ops/ml/class_labels.h"
#include "ops/ml/feature_matrix.h"
#include "ops/ml/svm_kernel.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class SvmClassifierKernel : public OpKernel {
 public:
  explicit SvmClassifierKernel(const ir::Node& node)
      : labels_(ClassLabels::from(node, "classlabels_ints")),
        kernel_(SvmKernel::from(node)),
        post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        coefs_(node.get_floats("coefficients")),
        svs_(node.get_floats("support_vectors")),
        rho_(node.get_floats("rho")),
        prob_a_(node.get_floats("prob_a")),
        prob_b_(node.get_floats("prob_b")),
        per_class_(node.get_ints("vectors_per_class")) {
    classes_ = std::max<int64_t>(labels_.size(), 1);
    for (int64_t v : per_class_) {
      starts_.push_back(n_vectors_);
      n_vectors_ += v;
    }
    svc_ = n_vectors_ > 0;
    if (svc_) {
      if (static_cast<int64_t>(per_class_.size()) != classes_) fail_attr(node, "vectors_per_class needs one entry per class");
      if (svs_.size() % n_vectors_ != 0) fail_attr(node, "support_vectors is not a multiple of the vector count");
      features_ = static_cast<int64_t>(svs_.size()) / n_vectors_;
      if (static_cast<int64_t>(coefs_.size()) != (classes_ - 1) * n_vectors_) {
        fail_attr(node, "coefficients must hold (classes - 1) * vectors entries");
      }
      if (static_cast<int64_t>(rho_.size()) < classes_ * (classes_ - 1) / 2) fail_attr(node, "rho needs one entry per class pair");
    } else {
      if (coefs_.size() % classes_ != 0) fail_attr(node, "coefficients is not a multiple of the class count");
      features_ = static_cast<int64_t>(coefs_.size()) / classes_;
      if (rho_.empty()) fail_attr(node, "rho is required");
    }
    proba_ = !prob_a_.empty() && svc_;
    if (proba_ && (static_cast<int64_t>(prob_a_.size()) < classes_ * (classes_ - 1) / 2 || prob_b_.size() < prob_a_.size())) {
      fail_attr(node, "prob_a and prob_b need one entry per class pair");
    }
    all_positive_ = std::all_of(coefs_.begin(), coefs_.end(), [](float v) { return v >= 0.f; });
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<float> x = read_features<float>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && x.cols != features_) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the model expects " + std::to_string(features_));
    }
    const int64_t pairs = classes_ * (classes_ - 1) / 2;
    int64_t per_row = classes_;
    int add_second = -1;
    if (svc_ && !proba_) {
      per_row = classes_ > 2 ? pairs : 2;
      if (classes_ <= 2) add_second = post_ == PostTransform::None ? 2 : 0;
    }
    Tensor& y = ctx.allocate_output(0, labels_.dtype(), {x.rows});
    Tensor& z = ctx.allocate_output(1, DataType::Float, {x.rows, per_row});
    float* zp = z.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 16, [&](int64_t begin, int64_t end) {
      std::vector<float> scores, kern(n_vectors_), probs(classes_ * classes_);
      std::vector<int64_t> votes(classes_);
      std::vector<float> out(std::max<int64_t>(per_row, 2));
      for (int64_t r = begin; r < end; ++r) {
        const float* row = x.row(r);
        scores.clear();
        std::fill(votes.begin(), votes.end(), 0);
        if (!svc_) {
          for (int64_t c = 0; c < classes_; ++c) scores.push_back(kernel_(row, coefs_.data() + c * features_, features_) + rho_[0]);
        } else {
          for (int64_t v = 0; v < n_vectors_; ++v) kern[v] = kernel_(row, svs_.data() + v * features_, features_);
          int64_t k = 0;
          for (int64_t i = 0; i < classes_ - 1; ++i) {
            for (int64_t j = i + 1; j < classes_; ++j, ++k) {
              double sum = 0;
              for (int64_t m = 0; m < per_class_[i]; ++m) sum += coefs_[(j - 1) * n_vectors_ + starts_[i] + m] * kern[starts_[i] + m];
              for (int64_t m = 0; m < per_class_[j]; ++m) sum += coefs_[i * n_vectors_ + starts_[j] + m] * kern[starts_[j] + m];
              sum += rho_[k];
              scores.push_back(static_cast<float>(sum));
              ++votes[sum > 0 ? i : j];
            }
          }
        }
        if (proba_) {
          int64_t k = 0;
          for (int64_t i = 0; i < classes_; ++i) {
            for (int64_t j = i + 1; j < classes_; ++j, ++k) {
              // Platt: P(i | i or j) = 1 / (1 + exp(A f + B)).
              float p = 1.f - logistic(scores[k] * prob_a_[k] + prob_b_[k]);
              p = std::min(std::max(p, 1.0e-7f), 1.f - 1.0e-7f);
              probs[i * classes_ + j] = p;
              probs[j * classes_ + i] = 1.f - p;
            }
          }
          scores.assign(classes_, 0.f);
          multiclass_probability(classes_, probs, scores.data());
        }
        int64_t best = 0;
        float max_weight = 0;
        if (svc_) {
          best = std::max_element(votes.begin(), votes.end()) - votes.begin();
        } else {
          best = std::max_element(scores.begin(), scores.end()) - scores.begin();
          max_weight = scores[best];
        }
        labels_.write(y, r, pairs == 1 ? binary_label(best, max_weight) : best);
        const int64_t n = write_scores(scores, post_, add_second, out.data());
        for (int64_t j = 0; j < std::min(n, per_row); ++j) zp[r * per_row + j] = out[j];
      }
    });
  }

 private:
  // onnxruntime's ChooseClass for one classifier.
  int64_t binary_label(int64_t best, float max_weight) const {
    if (labels_.size() == 2) {
      if (proba_) return best;
      if (all_positive_ && max_weight >= 0.5f) return 1;
      if (max_weight > 0 && !all_positive_) return 1;
      return best;
    }
    return max_weight > 0 ? 1 : 0;
  }

  ClassLabels labels_;
  SvmKernel kernel_;
  PostTransform post_;
  std::vector<float> coefs_, svs_, rho_, prob_a_, prob_b_;
  std::vector<int64_t> per_class_, starts_;
  int64_t classes_ = 1, n_vectors_ = 0, features_ = 0;
  bool svc_ = false, proba_ = false, all_positive_ = true;
};

std::unique_ptr<OpKernel> make_svm_classifier(const ir::Node& node) {
  check_ml_input(node, 0);
  return std::make_unique<SvmClassifierKernel>(node);
}

void infer_svm_classifier(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const bool strings = !ctx.node().get_strings("classlabels_strings").empty();
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(strings ? DataType::String : DataType::Int64, ir::SymShape{rows}));
  if (ctx.output_count() > 1) ctx.set_output_type(1, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim{}}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "SVMClassifier", 1, kMaxOpset, make_svm_classifier, infer_svm_classifier});

}  // namespace onyxrt::ops::ml
