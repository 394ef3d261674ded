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
  std::vector<std::unique_ptr<ops::OpKernel>> step_kernels;  // the kernel of plan.order[i], by step
  std::unordered_map<const ir::Value*, Value> constants;  // initializers of this graph
};

class SessionState {
 public:
  // Plans every graph, creates every kernel (raising NotImplemented for unsupported ops or types)
  // and, when `prepack` is set, lets each kernel pre-pack its constant inputs.
  void build(const ir::Graph& main, ExecutionOrder order, bool prepack);
  const GraphState& graph_state(const ir::Graph& g) const;
  // Kernels that kept a pre-packed copy of a constant input.
  int prepacked_kernels() const { return prepacked_; }

 private:
  void build_graph(const ir::Graph& g, ExecutionOrder order, bool prepack);
  std::unordered_map<const ir::Graph*, GraphState> graphs_;
  int prepacked_ = 0;
};

}  // namespace onyxrt::runtime
