#include "plan/execution_plan.h"

#include <unordered_map>

namespace onyxrt::plan {

std::vector<const ir::Value*> values_read_by(const ir::Node& node, const ir::Graph& g) {
  std::vector<const ir::Value*> read;
  for (const ir::Value* v : node.inputs)
    if (v) read.push_back(v);
  for (const auto& [_, attr] : node.attributes) {
    std::vector<const ir::Graph*> subs;
    if (attr.g) subs.push_back(attr.g.get());
    for (const auto& s : attr.graphs) subs.push_back(s.get());
    for (const ir::Graph* sub : subs)
      for (const std::string& name : sub->outer_scope_names())
        if (const ir::Value* v = g.resolve(name)) read.push_back(v);
  }
  return read;
}

GraphPlan plan_graph(const ir::Graph& graph, ExecutionOrder order) {
  // PRIORITY_BASED and MEMORY_EFFICIENT orders come with the planner issue; DEFAULT is the
  // stable topological order.
  (void)order;
  GraphPlan plan;
  for (const ir::Node* n : graph.topological_order()) plan.order.push_back(n);
  std::unordered_map<const ir::Value*, size_t> last_use;
  for (size_t i = 0; i < plan.order.size(); ++i)
    for (const ir::Value* v : values_read_by(*plan.order[i], graph)) last_use[v] = i;
  // Values produced but never read die right after their producer.
  for (size_t i = 0; i < plan.order.size(); ++i)
    for (const ir::Value* v : plan.order[i]->outputs)
      if (v && !last_use.count(v)) last_use[v] = i;
  plan.release_after.resize(plan.order.size());
  for (const auto& [v, step] : last_use) {
    // Only values this graph's nodes produce are released: inputs, initializers and outer-scope
    // values belong to the caller.
    if (v->is_graph_output || v->owner != &graph || !v->producer) continue;
    plan.release_after[step].push_back(v);
  }
  plan.concat_slots = place_concat_inputs(graph);
  return plan;
}

}  // namespace onyxrt::plan
