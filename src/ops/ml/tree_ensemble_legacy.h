// Builds a TreeModel from the attributes of TreeEnsembleClassifier / TreeEnsembleRegressor
// (ai.onnx.ml opset 1-3): nodes named by (tree id, node id), leaf weights listed separately under
// `<prefix>_treeids/_nodeids/_ids/_weights` with prefix "class" or "target".
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ops/ml/ml_attributes.h"
#include "ops/ml/tree_ensemble_model.h"

namespace onyxrt::ops::ml {

template <typename T>
TreeModel<T> build_legacy_trees(const ir::Node& op, const std::string& prefix, int64_t n_targets) {
  const auto tree_ids = op.get_ints("nodes_treeids");
  const auto node_ids = op.get_ints("nodes_nodeids");
  const auto features = op.get_ints("nodes_featureids");
  const auto modes = op.get_strings("nodes_modes");
  const auto values = floats_or_tensor(op, "nodes_values");
  const auto true_ids = op.get_ints("nodes_truenodeids");
  const auto false_ids = op.get_ints("nodes_falsenodeids");
  const auto missing = op.get_ints("nodes_missing_value_tracks_true");
  const size_t n = tree_ids.size();
  if (node_ids.size() != n || features.size() != n || modes.size() != n || true_ids.size() != n ||
      false_ids.size() != n || (!values.empty() && values.size() != n) || (!missing.empty() && missing.size() != n)) {
    fail_attr(op, "the nodes_* attributes must all have " + std::to_string(n) + " entries");
  }
  TreeModel<T> m;
  m.n_targets = n_targets;
  m.nodes.resize(n);
  std::map<std::pair<int64_t, int64_t>, int32_t> index;
  for (size_t i = 0; i < n; ++i) {
    if (!index.emplace(std::make_pair(tree_ids[i], node_ids[i]), static_cast<int32_t>(i)).second) {
      fail_attr(op, "node (" + std::to_string(tree_ids[i]) + ", " + std::to_string(node_ids[i]) + ") is listed twice");
    }
  }
  auto child = [&](int64_t tree, int64_t id) {
    auto it = index.find({tree, id});
    if (it == index.end()) fail_attr(op, "tree " + std::to_string(tree) + " has no node " + std::to_string(id));
    return it->second;
  };
  std::vector<uint8_t> referenced(n, 0);
  for (size_t i = 0; i < n; ++i) {
    auto& nd = m.nodes[i];
    nd.mode = parse_node_mode(modes[i], op);
    nd.feature = features[i];
    nd.threshold = values.empty() ? T(0) : static_cast<T>(values[i]);
    nd.missing_tracks_true = !missing.empty() && missing[i] != 0;
    if (nd.mode == NodeMode::Member) fail_attr(op, "BRANCH_MEMBER needs TreeEnsemble (ai.onnx.ml opset 5)");
    if (nd.mode != NodeMode::Leaf) {
      nd.true_child = child(tree_ids[i], true_ids[i]);
      nd.false_child = child(tree_ids[i], false_ids[i]);
      referenced[nd.true_child] = referenced[nd.false_child] = 1;
    }
  }
  // Roots: the nodes no other node points to, in order of their tree's first appearance.
  std::map<int64_t, int32_t> root_of_tree;
  std::vector<int64_t> tree_order;
  for (size_t i = 0; i < n; ++i) {
    if (referenced[i]) continue;
    if (root_of_tree.emplace(tree_ids[i], static_cast<int32_t>(i)).second) tree_order.push_back(tree_ids[i]);
  }
  for (int64_t t : tree_order) m.roots.push_back(root_of_tree[t]);

  // Leaf weights, grouped per leaf in the order they are listed.
  const auto w_trees = op.get_ints(prefix + "_treeids");
  const auto w_nodes = op.get_ints(prefix + "_nodeids");
  const auto w_ids = op.get_ints(prefix + "_ids");
  const auto w_values = floats_or_tensor(op, prefix + "_weights");
  const size_t nw = w_trees.size();
  if (w_nodes.size() != nw || w_ids.size() != nw || w_values.size() != nw) {
    fail_attr(op, "the " + prefix + "_* attributes must all have " + std::to_string(nw) + " entries");
  }
  std::vector<std::vector<size_t>> per_leaf(n);
  for (size_t k = 0; k < nw; ++k) per_leaf[child(w_trees[k], w_nodes[k])].push_back(k);
  for (size_t i = 0; i < n; ++i) {
    auto& nd = m.nodes[i];
    nd.begin = static_cast<int32_t>(m.weights.size());
    for (size_t k : per_leaf[i]) m.weights.push_back({w_ids[k], static_cast<T>(w_values[k])});
    nd.end = static_cast<int32_t>(m.weights.size());
  }
  m.validate(op);
  return m;
}

}  // namespace onyxrt::ops::ml
