// The tree ensemble evaluator behind TreeEnsembleClassifier, TreeEnsembleRegressor (ai.onnx.ml
// opset 1-3) and TreeEnsemble (opset 5). Each op's attributes are translated once, at session
// creation, into this flat form: interior nodes and leaves in one array, children by index.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/status.h"

namespace onyxrt::ops::ml {

enum class NodeMode : uint8_t { Leq, Lt, Gte, Gt, Eq, Neq, Member, Leaf };
enum class Aggregate { Average, Sum, Min, Max };

inline NodeMode parse_node_mode(const std::string& s, const ir::Node& node) {
  if (s == "BRANCH_LEQ") return NodeMode::Leq;
  if (s == "BRANCH_LT") return NodeMode::Lt;
  if (s == "BRANCH_GTE") return NodeMode::Gte;
  if (s == "BRANCH_GT") return NodeMode::Gt;
  if (s == "BRANCH_EQ") return NodeMode::Eq;
  if (s == "BRANCH_NEQ") return NodeMode::Neq;
  if (s == "BRANCH_MEMBER") return NodeMode::Member;
  if (s == "LEAF") return NodeMode::Leaf;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": unknown node mode '" + s + "'");
}

inline Aggregate parse_aggregate(const std::string& s, const ir::Node& node) {
  if (s == "AVERAGE") return Aggregate::Average;
  if (s == "SUM") return Aggregate::Sum;
  if (s == "MIN") return Aggregate::Min;
  if (s == "MAX") return Aggregate::Max;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": aggregate_function must be AVERAGE, SUM, MIN or MAX, got '" + s + "'");
}

template <typename T>
struct TreeModel {
  struct Node {
    NodeMode mode = NodeMode::Leaf;
    bool missing_tracks_true = false;
    int64_t feature = 0;
    T threshold = 0;
    int32_t true_child = -1, false_child = -1;
    int32_t begin = 0, end = 0;  // leaf: range of `weights`; Member: range of `set_values` (sorted)
  };
  struct LeafWeight {
    int64_t target;
    T weight;
  };
  std::vector<Node> nodes;
  std::vector<int32_t> roots;
  std::vector<LeafWeight> weights;
  std::vector<T> set_values;
  int64_t n_targets = 0;
  int64_t max_feature = -1;

  // Checks child indices, targets and features once so evaluation needs no bounds checks.
  void validate(const ir::Node& op) {
    const int32_t n = static_cast<int32_t>(nodes.size());
    auto fail = [&](const std::string& what) { throw_error(ErrorCode::InvalidGraph, op.describe() + ": " + what); };
    for (const Node& nd : nodes) {
      if (nd.mode == NodeMode::Leaf) continue;
      if (nd.true_child < 0 || nd.true_child >= n || nd.false_child < 0 || nd.false_child >= n) {
        fail("a tree node points to a child that does not exist");
      }
      if (nd.feature < 0) fail("negative feature id " + std::to_string(nd.feature));
      max_feature = std::max(max_feature, nd.feature);
    }
    for (int32_t r : roots) {
      if (r < 0 || r >= n) fail("a tree root does not exist");
    }
    for (const LeafWeight& w : weights) {
      if (w.target < 0 || w.target >= n_targets) {
        fail("target/class id " + std::to_string(w.target) + " outside [0, " + std::to_string(n_targets) + ")");
      }
    }
  }

  bool goes_true(const Node& nd, T x) const {
    if (std::isnan(x) && nd.missing_tracks_true) return true;
    switch (nd.mode) {
      case NodeMode::Leq: return x <= nd.threshold;
      case NodeMode::Lt: return x < nd.threshold;
      case NodeMode::Gte: return x >= nd.threshold;
      case NodeMode::Gt: return x > nd.threshold;
      case NodeMode::Eq: return x == nd.threshold;
      case NodeMode::Neq: return x != nd.threshold;
      case NodeMode::Member:
        return std::binary_search(set_values.begin() + nd.begin, set_values.begin() + nd.end, x);
      case NodeMode::Leaf: return false;
    }
    return false;
  }

  // The leaf a row reaches from `root`; the step bound stops a malformed cyclic tree.
  const Node& leaf_of(int32_t root, const T* row) const {
    const Node* nd = &nodes[root];
    for (size_t steps = 0; nd->mode != NodeMode::Leaf; ++steps) {
      if (steps > nodes.size()) throw_error(ErrorCode::InvalidGraph, "tree ensemble: a tree has a cycle");
      nd = &nodes[goes_true(*nd, row[nd->feature]) ? nd->true_child : nd->false_child];
    }
    return *nd;
  }

  // Aggregates the leaves of every tree for one row into scores[n_targets]; has_score marks the
  // targets some leaf wrote (the classifiers' binary rules and MIN/MAX depend on it).
  void predict_row(const T* row, Aggregate agg, T* scores, uint8_t* has_score) const {
    std::fill(scores, scores + n_targets, T(0));
    std::fill(has_score, has_score + n_targets, uint8_t{0});
    for (int32_t root : roots) {
      const Node& leaf = leaf_of(root, row);
      for (int32_t k = leaf.begin; k < leaf.end; ++k) {
        const LeafWeight& w = weights[k];
        T& s = scores[w.target];
        switch (agg) {
          case Aggregate::Sum:
          case Aggregate::Average: s += w.weight; break;
          case Aggregate::Min: s = has_score[w.target] ? std::min(s, w.weight) : w.weight; break;
          case Aggregate::Max: s = has_score[w.target] ? std::max(s, w.weight) : w.weight; break;
        }
        has_score[w.target] = 1;
      }
    }
    if (agg == Aggregate::Average && !roots.empty()) {
      for (int64_t j = 0; j < n_targets; ++j) scores[j] /= static_cast<T>(roots.size());
    }
  }
};

}  // namespace onyxrt::ops::ml
