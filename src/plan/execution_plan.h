// What the executor follows for one graph: the node order and, after each step, which values
// are dead and can be released (their buffers return to the allocator).
#pragma once
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/options.h"
#include "plan/concat_placement.h"

namespace onyxrt::plan {

struct GraphPlan {
  std::vector<const ir::Node*> order;
  // release_after[i]: values last read by step i that are not graph outputs.
  std::vector<std::vector<const ir::Value*>> release_after;
  // Values written straight into their place in a Concat's output (concat_placement.h).
  std::unordered_map<const ir::Value*, ConcatSlot> concat_slots;
};

// Values a node reads: its inputs plus the outer-scope names its subgraphs use, resolved in `g`.
std::vector<const ir::Value*> values_read_by(const ir::Node& node, const ir::Graph& g);

GraphPlan plan_graph(const ir::Graph& graph, ExecutionOrder order);

}  // namespace onyxrt::plan
