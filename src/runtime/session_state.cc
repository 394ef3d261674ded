#include "runtime/session_state.h"

#include "ops/registry.h"

namespace onyxrt::runtime {

void SessionState::build(const ir::Graph& main, ExecutionOrder order) { build_graph(main, order); }

void SessionState::build_graph(const ir::Graph& g, ExecutionOrder order) {
  GraphState& state = graphs_[&g];
  state.plan = plan::plan_graph(g, order);
  for (const auto& [name, tensor] : g.initializers)
    if (const ir::Value* v = g.find_value(name)) state.constants[v] = Value(tensor);
  for (const ir::Node* node : state.plan.order) {
    const ops::OpDef* def = ops::OpRegistry::instance().find(*node);
    if (!def) {
      std::string domain = node->domain.empty() ? "ai.onnx" : node->domain;
      bool known = ops::OpRegistry::instance().knows(node->domain, node->op_type);
      throw_error(ErrorCode::NotImplemented,
                  "Could not find an implementation for " + node->op_type + "(" + std::to_string(node->opset) +
                      ") node with name '" + node->name + "' in domain '" + domain + "'" +
                      (known ? ": onyxrt implements other opset versions of this op" : ": onyxrt does not implement this op"));
    }
    state.kernels[node] = def->create(*node);
    for (const auto& [_, attr] : node->attributes) {
      if (attr.g) build_graph(*attr.g, order);
      for (const auto& sub : attr.graphs) build_graph(*sub, order);
    }
  }
}

const GraphState& SessionState::graph_state(const ir::Graph& g) const {
  auto it = graphs_.find(&g);
  if (it == graphs_.end()) throw_error(ErrorCode::RuntimeException, "graph '" + g.name + "' was not prepared");
  return it->second;
}

}  // namespace onyxrt::runtime
