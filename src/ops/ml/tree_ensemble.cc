// TreeEnsemble (ai.onnx.ml opset 5): the regressor form with leaves in their own arrays
// (nodes_trueleafs/falseleafs say whether a child index is a leaf), thresholds and leaf weights as
// tensors of X's type, integer modes with BRANCH_MEMBER (set membership: membership_values lists
// each member node's set, sets separated by NaN, in node order).
#include <memory>

#include "kernels/ref/float16.h"
#include "ops/ml/feature_matrix.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/ml_attributes.h"
#include "ops/ml/tree_ensemble_model.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

template <typename T>
TreeModel<T> build_tree_ensemble(const ir::Node& op) {
  const Tensor* splits_t = op.get_tensor("nodes_splits");
  if (splits_t == nullptr) fail_attr(op, "needs the nodes_splits tensor");
  const std::vector<double> splits = tensor_attr_values(*splits_t);
  const auto features = op.get_ints("nodes_featureids");
  const Tensor* modes_t = op.get_tensor("nodes_modes");
  const auto true_ids = op.get_ints("nodes_truenodeids");
  const auto false_ids = op.get_ints("nodes_falsenodeids");
  const auto true_leaf = op.get_ints("nodes_trueleafs");
  const auto false_leaf = op.get_ints("nodes_falseleafs");
  const auto missing = op.get_ints("nodes_missing_value_tracks_true");
  const auto leaf_targets = op.get_ints("leaf_targetids");
  const Tensor* leaf_w = op.get_tensor("leaf_weights");
  const auto roots = op.get_ints("tree_roots");
  const size_t n = splits.size();
  if (modes_t == nullptr || leaf_w == nullptr) fail_attr(op, "needs nodes_modes and leaf_weights");
  const std::vector<double> modes = tensor_attr_values(*modes_t);
  const std::vector<double> weights = tensor_attr_values(*leaf_w);
  if (features.size() != n || modes.size() != n || true_ids.size() != n || false_ids.size() != n ||
      true_leaf.size() != n || false_leaf.size() != n || (!missing.empty() && missing.size() != n)) {
    fail_attr(op, "the nodes_* attributes must all have " + std::to_string(n) + " entries");
  }
  if (leaf_targets.size() != weights.size()) fail_attr(op, "leaf_targetids and leaf_weights differ in length");
  std::vector<double> members;
  if (const Tensor* mv = op.get_tensor("membership_values")) members = tensor_attr_values(*mv);

  TreeModel<T> m;
  m.n_targets = op.get_int("n_targets", 1);
  const int32_t n_nodes = static_cast<int32_t>(n);
  const int32_t n_leaves = static_cast<int32_t>(weights.size());
  m.nodes.resize(n + weights.size());
  auto child = [&](int64_t id, int64_t is_leaf) -> int32_t {
    const int64_t limit = is_leaf ? n_leaves : n_nodes;
    if (id < 0 || id >= limit) fail_attr(op, std::string(is_leaf ? "leaf" : "node") + " index " + std::to_string(id) + " out of range");
    return static_cast<int32_t>(is_leaf ? n_nodes + id : id);
  };
  size_t member_pos = 0;
  for (size_t i = 0; i < n; ++i) {
    auto& nd = m.nodes[i];
    const int64_t mode = static_cast<int64_t>(modes[i]);
    if (mode < 0 || mode > 6) fail_attr(op, "nodes_modes holds " + std::to_string(mode) + ", expected 0..6");
    nd.mode = static_cast<NodeMode>(mode);
    nd.feature = features[i];
    nd.threshold = static_cast<T>(splits[i]);
    nd.missing_tracks_true = !missing.empty() && missing[i] != 0;
    nd.true_child = child(true_ids[i], true_leaf[i]);
    nd.false_child = child(false_ids[i], false_leaf[i]);
    if (nd.mode == NodeMode::Member) {
      nd.begin = static_cast<int32_t>(m.set_values.size());
      while (member_pos < members.size() && !std::isnan(members[member_pos])) {
        m.set_values.push_back(static_cast<T>(members[member_pos++]));
      }
      if (member_pos >= members.size() && nd.begin == static_cast<int32_t>(m.set_values.size())) {
        fail_attr(op, "membership_values has no set for member node " + std::to_string(i));
      }
      ++member_pos;  // the NaN separator
      nd.end = static_cast<int32_t>(m.set_values.size());
      std::sort(m.set_values.begin() + nd.begin, m.set_values.end());
    }
  }
  for (int32_t l = 0; l < n_leaves; ++l) {
    auto& nd = m.nodes[n_nodes + l];
    nd.begin = l;
    nd.end = l + 1;
    m.weights.push_back({leaf_targets[l], static_cast<T>(weights[l])});
  }
  for (int64_t r : roots) {
    if (r < 0 || r >= n_nodes) fail_attr(op, "tree root " + std::to_string(r) + " out of range");
    // A tree that is only a leaf: both children are the same leaf.
    if (true_leaf[r] && false_leaf[r] && true_ids[r] == false_ids[r]) {
      m.roots.push_back(child(true_ids[r], 1));
    } else {
      m.roots.push_back(static_cast<int32_t>(r));
    }
  }
  m.validate(op);
  return m;
}

template <typename T>
class TreeEnsembleKernel : public OpKernel {
 public:
  explicit TreeEnsembleKernel(const ir::Node& node)
      : aggregate_(static_cast<Aggregate>(node.get_int("aggregate_function", 1))),
        post_(post_transform_from_int(node.get_int("post_transform", 0), node)),
        model_(build_tree_ensemble<T>(node)) {
    const int64_t agg = node.get_int("aggregate_function", 1);
    if (agg < 0 || agg > 3) fail_attr(node, "aggregate_function must be in [0, 3], got " + std::to_string(agg));
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& xt = ctx.required_input(0);
    const DataType dt = xt.dtype();
    FeatureMatrix<T> x;
    if (dt == DataType::Float16) {
      x.rows = xt.rank() == 2 ? xt.shape()[0] : 1;
      x.cols = xt.rank() == 2 ? xt.shape()[1] : xt.size();
      for (int64_t i = 0; i < xt.size(); ++i) x.values.push_back(static_cast<T>(kernels::half_to_float(xt.data<kernels::Float16>()[i])));
    } else {
      x = read_features<T>(xt, ctx.node());
    }
    if (x.rows > 0 && model_.max_feature >= x.cols) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X has " + std::to_string(x.cols) +
                                                  " features, the trees read feature " + std::to_string(model_.max_feature));
    }
    const int64_t nt = model_.n_targets;
    const DataType out_dt = dt == DataType::Double || dt == DataType::Float16 ? dt : DataType::Float;
    Tensor& y = ctx.allocate_output(0, out_dt, {x.rows, nt});
    ThreadPool::parallel_for(ctx.thread_pool(), x.rows, 16, [&](int64_t begin, int64_t end) {
      std::vector<T> scores(nt);
      std::vector<uint8_t> has(nt);
      for (int64_t r = begin; r < end; ++r) {
        model_.predict_row(x.row(r), aggregate_, scores.data(), has.data());
        if (nt > 1 || post_ == PostTransform::Probit) apply_post_transform(post_, scores.data(), nt);
        for (int64_t j = 0; j < nt; ++j) {
          const int64_t o = r * nt + j;
          if (out_dt == DataType::Double) {
            y.mutable_data<double>()[o] = static_cast<double>(scores[j]);
          } else if (out_dt == DataType::Float16) {
            y.mutable_data<kernels::Float16>()[o] = kernels::float_to_half(static_cast<float>(scores[j]));
          } else {
            y.mutable_data<float>()[o] = static_cast<float>(scores[j]);
          }
        }
      }
    });
  }

 private:
  Aggregate aggregate_;
  PostTransform post_;
  TreeModel<T> model_;
};

std::unique_ptr<OpKernel> make_tree_ensemble(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt == DataType::Double) return std::make_unique<TreeEnsembleKernel<double>>(node);
  if (dt != DataType::Undefined && dt != DataType::Float && dt != DataType::Float16) unsupported_type(node, 0, dt);
  return std::make_unique<TreeEnsembleKernel<float>>(node);
}

void infer_tree_ensemble(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, ir::SymShape{rows, ir::Dim::of(ctx.node().get_int("n_targets", 1))}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "TreeEnsemble", 5, kMaxOpset, make_tree_ensemble, infer_tree_ensemble});

}  // namespace onyxrt::ops::ml
