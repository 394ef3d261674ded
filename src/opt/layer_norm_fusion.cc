// Level 2 (onnxruntime's LayerNormFusion): layer normalization over the last axis written out as
//   d = x - ReduceMean(x);  y = d / Sqrt(ReduceMean(d^2) + eps) * gamma + beta
// (d^2 as Pow(d, 2) or d * d; the beta Add optional) becomes one LayerNormalization node.
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

// True when `n` is a ReduceMean over the last axis of its rank-`rank` input, keeping dims.
bool reduces_last_axis(const ir::Node* n, int64_t rank) {
  if (!is_op(n, "ReduceMean") || n->get_int("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes;
  if (n->has("axes")) {
    axes = n->get_ints("axes");
  } else if (n->has_input(1)) {
    const Tensor* t = constant_of(n->inputs[1]);
    if (!t || t->dtype() != DataType::Int64) return false;
    axes.assign(t->data<int64_t>(), t->data<int64_t>() + t->size());
  }
  return axes.size() == 1 && (axes[0] == -1 || axes[0] == rank - 1);
}

// The constant 1-D [h] operand of a two-input `op` node whose other operand is `v`.
ir::Value* vector_operand(const ir::Node* n, const char* op, const ir::Value* v, int64_t h) {
  ir::Value* other = is_op(n, op) ? other_input(n, v) : nullptr;
  const Tensor* t = constant_of(other);
  if (!t || t->dtype() != DataType::Float || t->rank() != 1 || t->size() != h) return nullptr;
  return other;
}

bool fuse(ir::Graph& g, ir::Node* mean1) {
  if (!is_op(mean1, "ReduceMean") || !mean1->has_input(0)) return false;
  ir::Value* x = mean1->inputs[0];
  if (!is_float_tensor(x) || !x->type.has_shape || x->type.shape.empty()) return false;
  const int64_t rank = static_cast<int64_t>(x->type.shape.size());
  const int64_t h = x->type.shape.back().value;
  if (h <= 0 || !reduces_last_axis(mean1, rank)) return false;
  ir::Node* sub = sole_consumer(mean1->outputs[0]);
  if (!is_op(sub, "Sub") || sub->inputs[0] != x || sub->inputs[1] != mean1->outputs[0]) return false;
  ir::Value* d = sub->outputs[0];
  if (d->is_graph_output) return false;
  ir::Node *square = nullptr, *div = nullptr;
  for (ir::Node* c : d->consumers) {
    if (is_op(c, "Div") && c->inputs[0] == d) div = c;
    else if (operand_beside_scalar(c, "Pow", 2.0) == d || (is_op(c, "Mul") && c->inputs[0] == d && c->inputs[1] == d)) square = c;
    else return false;
  }
  const size_t expected_uses = square && is_op(square, "Mul") ? 3 : 2;
  if (!square || !div || d->consumers.size() != expected_uses) return false;
  ir::Node* mean2 = sole_consumer(square->outputs[0]);
  if (!reduces_last_axis(mean2, rank) || mean2->inputs[0] != square->outputs[0]) return false;
  ir::Node* add_eps = sole_consumer(mean2->outputs[0]);
  ir::Value* eps_value = other_input(add_eps, mean2->outputs[0]);
  std::optional<double> eps = scalar_constant(eps_value);
  if (!is_op(add_eps, "Add") || !eps) return false;
  ir::Node* sqrt = sole_consumer(add_eps->outputs[0]);
  if (!is_op(sqrt, "Sqrt") || sole_consumer(sqrt->outputs[0]) != div || div->inputs[1] != sqrt->outputs[0]) return false;
  ir::Node* mul = sole_consumer(div->outputs[0]);
  ir::Value* gamma = vector_operand(mul, "Mul", div->outputs[0], h);
  if (!gamma) return false;
  std::vector<ir::Node*> doomed = {mean1, sub, square, mean2, add_eps, sqrt, div, mul};
  ir::Value* out = mul->outputs[0];
  ir::Value* beta = nullptr;
  if (ir::Node* add = sole_consumer(out)) {
    beta = vector_operand(add, "Add", out, h);
    if (beta) {
      doomed.push_back(add);
      out = add->outputs[0];
    }
  }
  std::vector<ir::Value*> inputs = {x, gamma};
  if (beta) inputs.push_back(beta);
  auto ln = make_node(g, "LayerNormalization", "", mean1->name + "_layer_norm", inputs, {out});
  ln->attributes["axis"] = int_attribute("axis", -1);
  ln->attributes["epsilon"] = float_attribute("epsilon", static_cast<float>(*eps));
  replace_nodes(g, doomed, std::move(ln));
  return true;
}

class LayerNormFusion final : public GraphPass {
 public:
  const char* name() const override { return "LayerNormFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 10, LayerNormFusion);

}  // namespace onyxrt::opt
