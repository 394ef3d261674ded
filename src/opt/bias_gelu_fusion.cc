// Level 2 (onnxruntime's BiasGeluFusion, and FastGeluFusion's bias form): Add(x, bias) with a
// constant 1-D bias over the last dim, read only by Gelu or a bias-free FastGelu, folds into
// BiasGelu(x, bias) or FastGelu(x, bias), which add the bias as they read x.
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& g, ir::Node* gelu) {
  const bool exact = is_op(gelu, "Gelu", "com.microsoft");
  const bool fast = is_op(gelu, "FastGelu", "com.microsoft") && !gelu->has_input(1);
  if (!exact && !fast) return false;
  ir::Node* add = gelu->inputs[0]->producer;
  if (!is_op(add, "Add") || add->input_count() != 2 || has_other_uses(gelu->inputs[0], gelu)) return false;
  for (int i = 0; i < 2; ++i) {
    ir::Value* x = add->inputs[i];
    ir::Value* bias = add->inputs[1 - i];
    const Tensor* b = constant_of(bias);
    if (!b || b->rank() != 1 || !is_float_tensor(x) || b->dtype() != DataType::Float) continue;
    // The bias must broadcast over x's last dim alone, so the Add did not change x's shape.
    const ir::TypeInfo& t = x->type;
    if (!t.has_shape || t.shape.empty() || t.shape.back().value != b->size()) continue;
    ir::Value* out = gelu->outputs[0];
    const std::string name = gelu->name + "_bias";
    replace_nodes(g, {add, gelu}, make_node(g, exact ? "BiasGelu" : "FastGelu", "com.microsoft", name, {x, bias}, {out}));
    return true;
  }
  return false;
}

class BiasGeluFusion final : public GraphPass {
 public:
  const char* name() const override { return "BiasGeluFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 30, BiasGeluFusion);

}  // namespace onyxrt::opt
