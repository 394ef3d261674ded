// Level 2 (onnxruntime's GeluFusion): the exact GELU as exporters write it,
//   0.5 * x * (1 + erf(x / sqrt 2))
// in each operand order, with x / sqrt2 or x * (1/sqrt2), and with the 0.5 applied to x first or
// to the product last, becomes com.microsoft Gelu(x).
#include <cmath>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& g, ir::Node* erf) {
  if (!is_op(erf, "Erf") || erf->input_count() != 1 || !is_float_tensor(erf->outputs[0])) return false;
  ir::Node* scale = erf->inputs[0]->producer;
  ir::Value* x = operand_beside_scalar(scale, "Div", M_SQRT2);
  if (!x) x = operand_beside_scalar(scale, "Mul", M_SQRT1_2);
  if (!x || !is_float_tensor(x) || has_other_uses(scale->outputs[0], erf)) return false;
  ir::Node* plus_one = sole_consumer(erf->outputs[0]);
  if (operand_beside_scalar(plus_one, "Add", 1.0) != erf->outputs[0]) return false;
  ir::Node* mul = sole_consumer(plus_one->outputs[0]);
  ir::Value* factor = other_input(mul, plus_one->outputs[0]);
  if (!is_op(mul, "Mul") || !factor) return false;
  std::vector<ir::Node*> doomed = {scale, erf, plus_one, mul};
  ir::Value* out = nullptr;
  if (factor == x) {  // (x * (1 + erf)) * 0.5
    ir::Node* half = sole_consumer(mul->outputs[0]);
    if (operand_beside_scalar(half, "Mul", 0.5) != mul->outputs[0]) return false;
    doomed.push_back(half);
    out = half->outputs[0];
  } else {  // (x * 0.5) * (1 + erf)
    ir::Node* half = factor->producer;
    if (operand_beside_scalar(half, "Mul", 0.5) != x || has_other_uses(factor, mul)) return false;
    doomed.push_back(half);
    out = mul->outputs[0];
  }
  if (out->type.has_shape && x->type.has_shape && out->type.shape != x->type.shape) return false;
  const std::string name = erf->name + "_gelu";
  replace_nodes(g, doomed, make_node(g, "Gelu", "com.microsoft", name, {x}, {out}));
  return true;
}

class GeluFusion final : public GraphPass {
 public:
  const char* name() const override { return "GeluFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 20, GeluFusion);

}  // namespace onyxrt::opt
