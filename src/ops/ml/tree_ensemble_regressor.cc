// TreeEnsembleRegressor (ai.onnx.ml opset 1, 3): Y[N, n_targets] (float) = aggregate over trees of
// the leaf weights a row reaches, plus base_values, then post_transform. Thresholds are compared
// in float unless X or a *_as_tensor attribute is double, as onnxruntime does.
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/tree_ensemble_legacy.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

template <typename T>
class TreeEnsembleRegressorKernel : public OpKernel {
 public:
  explicit TreeEnsembleRegressorKernel(const ir::Node& node)
      : n_targets_(node.get_int("n_targets", 1)),
        aggregate_(parse_aggregate(node.get_string("aggregate_function", "SUM"), node)),
        post_(parse_post_transform(node.get_string("post_transform", "NONE"), node)),
        base_(floats_or_tensor(node, "base_values")) {
    if (n_targets_ < 1) fail_attr(node, "n_targets must be positive");
    if (!base_.empty() && static_cast<int64_t>(base_.size()) != n_targets_) {
      fail_attr(node, "base_values must have n_targets (" + std::to_string(n_targets_) + ") entries");
    }
    model_ = build_legacy_trees<T>(node, "target", n_targets_);
  }

  void compute(KernelContext& ctx) const override {
    const FeatureMatrix<T> x = read_features<T>(ctx.required_input(0), ctx.node());
    if (x.rows > 0 && model_.max_feature >= x.cols) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the trees read feature " + std::to_string(model_.max_feature));
    }
    Tensor& y = ctx.allocate_output(0, DataType::Float, {x.rows, n_targets_});
    float* out = y.mutable_data<float>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 16, [&](int64_t begin, int64_t end) {
      std::vector<T> scores(n_targets_);
      std::vector<uint8_t> has(n_targets_);
      for (int64_t r = begin; r < end; ++r) {
        model_.predict_row(x.row(r), aggregate_, scores.data(), has.data());
        for (int64_t j = 0; j < n_targets_; ++j) {
          // onnxruntime leaves a target no leaf wrote at 0, base value not added.
          scores[j] = has[j] ? scores[j] + (base_.empty() ? T(0) : static_cast<T>(base_[j])) : T(0);
        }
        // A single target only takes PROBIT, as in onnxruntime's write_scores.
        if (n_targets_ > 1 || post_ == PostTransform::Probit) apply_post_transform(post_, scores.data(), n_targets_);
        for (int64_t j = 0; j < n_targets_; ++j) out[r * n_targets_ + j] = static_cast<float>(scores[j]);
      }
    });
  }

 private:
  int64_t n_targets_;
  Aggregate aggregate_;
  PostTransform post_;
  std::vector<double> base_;
  TreeModel<T> model_;
};

std::unique_ptr<OpKernel> make_tree_ensemble_regressor(const ir::Node& node) {
  check_ml_input(node, 0);
  if (input_dtype(node, 0) == DataType::Double || has_double_tensor_attr(node)) {
    return std::make_unique<TreeEnsembleRegressorKernel<double>>(node);
  }
  return std::make_unique<TreeEnsembleRegressorKernel<float>>(node);
}

void infer_tree_ensemble_regressor(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::SymShape shape{x.has_shape && !x.shape.empty() ? x.shape[0] : ir::Dim{},
                     ir::Dim::of(ctx.node().get_int("n_targets", 1))};
  if (x.has_shape && x.shape.size() == 1) shape[0] = ir::Dim::of(1);
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(shape)));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "TreeEnsembleRegressor", 1, 4, make_tree_ensemble_regressor,
                    infer_tree_ensemble_regressor});

}  // namespace onyxrt::ops::ml
