// Level 1 (ORT_ENABLE_BASIC): an Identity whose output is not a graph output only renames a
// value, so its consumers can read the input directly.
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

class EliminateIdentity final : public GraphPass {
 public:
  const char* name() const override { return "EliminateIdentity"; }
  int apply(ir::Graph& graph) const override {
    std::vector<ir::Node*> doomed;
    for (const auto& n : graph.nodes()) {
      if (n->op_type != "Identity" || !n->domain.empty() || n->inputs.size() != 1 || n->outputs.size() != 1) continue;
      ir::Value* in = n->inputs[0];
      ir::Value* out = n->outputs[0];
      // Sequences and optionals pass through Identity too; only plain tensors are renamed here.
      if (!in || !out || out->is_graph_output || !in->type.is_tensor()) continue;
      doomed.push_back(n.get());
    }
    for (ir::Node* n : doomed) {
      ir::Value* in = n->inputs[0];
      ir::Value* out = n->outputs[0];
      graph.remove_node(n);
      graph.replace_all_uses(out, in);
    }
    return static_cast<int>(doomed.size());
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 0, EliminateIdentity);

}  // namespace onyxrt::opt
