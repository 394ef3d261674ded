#include "runtime/session_state.h"

#include "ops/registry.h"

namespace onyxrt::runtime {
namespace {

class NodePrepackContext final : public ops::PrepackContext {
 public:
  NodePrepackContext(const ir::Node& node, const GraphState& state) : node_(node), state_(state) {}

  const Tensor* constant_input(int i) const override {
    if (!node_.has_input(i)) return nullptr;
    const ir::Value* v = node_.inputs[i];
    // An initializer that is also a graph input may be replaced by a feed at run time.
    if (!v->is_initializer || v->is_graph_input) return nullptr;
    auto it = state_.constants.find(v);
    if (it == state_.constants.end() || !it->second.is_tensor()) return nullptr;
    return &it->second.tensor();
  }
  const ir::Node& node() const override { return node_; }

 private:
  const ir::Node& node_;
  const GraphState& state_;
};

}  // namespace

void SessionState::build(const ir::Graph& main, ExecutionOrder order, bool prepack) {
  build_graph(main, order, prepack);
}

void SessionState::build_graph(const ir::Graph& g, ExecutionOrder order, bool prepack) {
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
    std::unique_ptr<ops::OpKernel>& kernel = state.step_kernels.emplace_back(def->create(*node));
    if (prepack && kernel->prepack(NodePrepackContext(*node, state))) ++prepacked_;
    for (const auto& [_, attr] : node->attributes) {
      if (attr.g) build_graph(*attr.g, order, prepack);
      for (const auto& sub : attr.graphs) build_graph(*sub, order, prepack);
    }
  }
}

const GraphState& SessionState::graph_state(const ir::Graph& g) const {
  auto it = graphs_.find(&g);
  if (it == graphs_.end()) throw_error(ErrorCode::RuntimeException, "graph '" + g.name + "' was not prepared");
  return it->second;
}

}  // namespace onyxrt::runtime
