// Level 2 (onnxruntime's FastGeluFusion): the tanh approximation of GELU,
//   0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
// with x^3 as Pow(x, 3), x * (x * x) or (x * x) * x, each operand order, and the 0.5 applied to x
// first or to the product last, becomes com.microsoft FastGelu(x).
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;

// True when `cube` is x^3 computed from `x` alone; appends its nodes to `nodes`.
bool is_cube_of(ir::Value* cube, ir::Value* x, std::vector<ir::Node*>& nodes) {
  ir::Node* p = cube->producer;
  if (operand_beside_scalar(p, "Pow", 3.0) == x) {
    nodes.push_back(p);
    return true;
  }
  if (!is_op(p, "Mul") || p->input_count() != 2) return false;
  for (int i = 0; i < 2; ++i) {
    ir::Value* sq = p->inputs[1 - i];
    ir::Node* sq_node = sq->producer;
    if (p->inputs[i] == x && is_op(sq_node, "Mul") && sq_node->inputs[0] == x && sq_node->inputs[1] == x &&
        !has_other_uses(sq, p)) {
      nodes.push_back(p);
      nodes.push_back(sq_node);
      return true;
    }
  }
  return false;
}

bool fuse(ir::Graph& g, ir::Node* tanh) {
  if (!is_op(tanh, "Tanh") || !is_float_tensor(tanh->outputs[0])) return false;
  std::vector<ir::Node*> doomed = {tanh};
  ir::Node* scale = tanh->inputs[0]->producer;
  ir::Value* inner = operand_beside_scalar(scale, "Mul", kSqrt2OverPi);
  if (!inner || has_other_uses(scale->outputs[0], tanh)) return false;
  doomed.push_back(scale);
  ir::Node* sum = inner->producer;
  if (!is_op(sum, "Add") || sum->input_count() != 2 || has_other_uses(inner, scale)) return false;
  doomed.push_back(sum);
  ir::Value* x = nullptr;
  for (int i = 0; i < 2 && !x; ++i) {
    ir::Value* candidate = sum->inputs[i];
    ir::Value* term = sum->inputs[1 - i];
    ir::Value* cube = operand_beside_scalar(term->producer, "Mul", 0.044715);
    if (!cube || has_other_uses(term, sum) || has_other_uses(cube, term->producer)) continue;
    std::vector<ir::Node*> cube_nodes;
    if (!is_cube_of(cube, candidate, cube_nodes)) continue;
    x = candidate;
    doomed.push_back(term->producer);
    doomed.insert(doomed.end(), cube_nodes.begin(), cube_nodes.end());
  }
  if (!x || !is_float_tensor(x)) return false;
  ir::Node* plus_one = sole_consumer(tanh->outputs[0]);
  if (operand_beside_scalar(plus_one, "Add", 1.0) != tanh->outputs[0]) return false;
  doomed.push_back(plus_one);
  ir::Node* mul = sole_consumer(plus_one->outputs[0]);
  ir::Value* factor = other_input(mul, plus_one->outputs[0]);
  if (!is_op(mul, "Mul") || !factor) return false;
  doomed.push_back(mul);
  ir::Value* out = nullptr;
  if (factor == x) {
    ir::Node* half = sole_consumer(mul->outputs[0]);
    if (operand_beside_scalar(half, "Mul", 0.5) != mul->outputs[0]) return false;
    doomed.push_back(half);
    out = half->outputs[0];
  } else {
    ir::Node* half = factor->producer;
    if (operand_beside_scalar(half, "Mul", 0.5) != x || has_other_uses(factor, mul)) return false;
    doomed.push_back(half);
    out = mul->outputs[0];
  }
  if (out->type.has_shape && x->type.has_shape && out->type.shape != x->type.shape) return false;
  const std::string name = tanh->name + "_fast_gelu";
  replace_nodes(g, doomed, make_node(g, "FastGelu", "com.microsoft", name, {x}, {out}));
  return true;
}

class FastGeluFusion final : public GraphPass {
 public:
  const char* name() const override { return "FastGeluFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 25, FastGeluFusion);

}  // namespace onyxrt::opt
