// Level 1 (ORT_ENABLE_BASIC): an Identity whose output is not a graph output only renames a
// value, so its consumers can read the input directly.
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

class EliminateIdentity final : public GraphPass {
 public:
  const char* name() const override { return "EliminateIdentity"; }
  int apply(ir::Graph& graph) const override {
    return rewrite_each_node(graph, [](ir::Graph& g, ir::Node* n) {
      if (n->op_type != "Identity" || !n->domain.empty() || n->inputs.size() != 1 || n->outputs.size() != 1) return false;
      const ir::Value* in = n->inputs[0];
      const ir::Value* out = n->outputs[0];
      // Sequences and optionals pass through Identity too; only plain tensors are renamed here.
      if (!in || !out || out->is_graph_output || !in->type.is_tensor()) return false;
      bypass_node(g, n);
      return true;
    });
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 0, EliminateIdentity);

}  // namespace onyxrt::opt
