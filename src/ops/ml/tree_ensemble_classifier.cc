// TreeEnsembleClassifier (ai.onnx.ml opset 1, 3): per-class sums of the leaf weights a row
// reaches, plus base_values, then post_transform; the label is the best class. A model with two
// labels whose leaves all score one class id is "binary": its single score is expanded to two
// columns and the label decided by a threshold, following onnxruntime's rules (see FinalizeScores
// in its tree_ensemble_aggregator.h) since those, not the spec, are what exporters target.
#include <memory>
#include <set>

#include "ops/ml/class_labels.h"
#include "ops/ml/feature_matrix.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/tree_ensemble_legacy.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

template <typename T>
class TreeEnsembleClassifierKernel : public OpKernel {
 public:
  explicit TreeEnsembleClassifierKernel(const ir::Node& node)
      : labels_(ClassLabels::from(node, "classlabels_int64s")),
        post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        base_(floats_or_tensor(node, "base_values")) {
    n_classes_ = labels_.size();
    if (n_classes_ < 1) fail_attr(node, "needs classlabels_int64s or classlabels_strings");
    if (!base_.empty() && static_cast<int64_t>(base_.size()) != n_classes_ && base_.size() != 1) {
      fail_attr(node, "base_values must have one entry per class");
    }
    model_ = build_legacy_trees<T>(node, "class", n_classes_);
    const auto class_ids = node.get_ints("class_ids");
    binary_ = n_classes_ == 2 && std::set<int64_t>(class_ids.begin(), class_ids.end()).size() == 1;
    for (const auto& w : model_.weights) all_positive_ = all_positive_ && w.weight >= 0;
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<T> x = read_features<T>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && model_.max_feature >= x.cols) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the trees read feature " + std::to_string(model_.max_feature));
    }
    Tensor& y = ctx.allocate_output(0, labels_.dtype(), {x.rows});
    Tensor& z = ctx.allocate_output(1, DataType::Float, {x.rows, n_classes_});
    float* zp = z.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 16, [&](int64_t begin, int64_t end) {
      std::vector<T> scores(n_classes_), out(std::max<int64_t>(n_classes_, 2));
      std::vector<uint8_t> has(n_classes_);
      for (int64_t r = begin; r < end; ++r) {
        model_.predict_row(x.row(r), Aggregate::Sum, scores.data(), has.data());
        std::vector<T> final_scores;
        int add_second = -1;
        labels_.write(y, r, finalize(scores, has, final_scores, add_second));
        const int64_t written = write_scores(final_scores, post_, add_second, out.data());
        for (int64_t j = 0; j < std::min(written, n_classes_); ++j) zp[r * n_classes_ + j] = static_cast<float>(out[j]);
      }
    });
  }

 private:
  // Adds base values and picks the class; leaves in `final_scores` the scores to transform.
  int64_t finalize(std::vector<T>& s, std::vector<uint8_t>& has, std::vector<T>& final_scores, int& add_second) const {
    if (n_classes_ != 2) {
      for (size_t k = 0; k < base_.size() && static_cast<int64_t>(k) < n_classes_; ++k) {
        s[k] = has[k] ? s[k] + static_cast<T>(base_[k]) : static_cast<T>(base_[k]);
        has[k] = 1;
      }
      int64_t best = -1;
      for (int64_t k = 0; k < n_classes_; ++k) {
        if (has[k] && (best < 0 || s[k] > s[best])) best = k;
      }
      final_scores = s;
      return best < 0 ? 0 : best;
    }
    if (base_.size() == 2) {
      if (has[1]) {
        // onnxruntime ignores base_values[0] here and takes class 1 as the negation of class 0.
        s[1] = static_cast<T>(base_[1]) + s[0];
        s[0] = -s[1];
      } else {
        s[1] += static_cast<T>(base_[1]);
        s[0] += static_cast<T>(base_[0]);
      }
      has[1] = 1;
    } else if (base_.size() == 1) {
      s[0] += static_cast<T>(base_[0]);
    } else {
      add_second = 3;
    }
    final_scores.assign(s.begin(), s.begin() + (has[1] ? 2 : 1));
    const T pos = has[1] ? s[1] : (has[0] ? s[0] : T(0));
    if (binary_) {
      if (all_positive_) {
        add_second = pos > T(0.5) ? 0 : 1;
        return pos > T(0.5) ? 1 : 0;
      }
      add_second = pos > 0 ? 2 : 3;
      return pos > 0 ? 1 : 0;
    }
    return pos > 0 ? 1 : 0;
  }

  ClassLabels labels_;
  PostTransform post_;
  std::vector<double> base_;
  int64_t n_classes_ = 0;
  bool binary_ = false;
  bool all_positive_ = true;
  TreeModel<T> model_;
};

std::unique_ptr<OpKernel> make_tree_ensemble_classifier(const ir::Node& node) {
  check_ml_input(node, 0);
  if (input_dtype(node, 0) == DataType::Double || has_double_tensor_attr(node)) {
    return std::make_unique<TreeEnsembleClassifierKernel<double>>(node);
  }
  return std::make_unique<TreeEnsembleClassifierKernel<float>>(node);
}

void infer_tree_ensemble_classifier(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::Node& node = ctx.node();
  const bool strings = !node.get_strings("classlabels_strings").empty();
  const int64_t n = strings ? static_cast<int64_t>(node.get_strings("classlabels_strings").size())
                            : static_cast<int64_t>(node.get_ints("classlabels_int64s").size());
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(strings ? DataType::String : DataType::Int64, ir::SymShape{rows}));
  if (ctx.output_count() > 1) ctx.set_output_type(1, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim::of(n)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "TreeEnsembleClassifier", 1, 4, make_tree_ensemble_classifier,
                    infer_tree_ensemble_classifier});

}  // namespace onyxrt::ops::ml
