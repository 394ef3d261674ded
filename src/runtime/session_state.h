// Everything a run needs that is fixed at session creation: per graph (main and subgraphs) the
// plan, one kernel per node and the constant values.
#pragma once
#include <memory>
#include <unordered_map>

#include "ir/graph.h"
#include "ops/op_kernel.h"
#include "plan/execution_plan.h"

namespace onyxrt::runtime {

struct GraphState {
  plan::GraphPlan plan;
  std::unordered_map<const ir::Node*, std::unique_ptr<ops::OpKernel>> kernels;
  std::unordered_map<const ir::Value*, Value> constants;  // initializers of this graph
};

class SessionState {
 public:
  // Plans every graph, creates every kernel (raising NotImplemented for unsupported ops or types).
  void build(const ir::Graph& main, ExecutionOrder order);
  const GraphState& graph_state(const ir::Graph& g) const;

 private:
  void build_graph(const ir::Graph& g, ExecutionOrder order);
  std::unordered_map<const ir::Graph*, GraphState> graphs_;
};

}  // namespace onyxrt::runtime
