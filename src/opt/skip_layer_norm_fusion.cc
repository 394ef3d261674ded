// Level 2 (onnxruntime's SkipLayerNormFusion): Add(input, skip) of two tensors of one static shape
// feeding a LayerNormalization over the last axis becomes com.microsoft SkipLayerNormalization;
// an Add of a constant 1-D bias before it becomes the node's bias input. When the sum has other
// readers (the residual stream of a pre-norm transformer) it is the node's 4th output.
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool same_static_shape(const ir::Value* a, const ir::Value* b) {
  return a->type.shape_known() && b->type.shape_known() && a->type.shape == b->type.shape;
}

const Tensor* vector_of(const ir::Value* v, int64_t h) {
  const Tensor* t = constant_of(v);
  return t && t->dtype() == DataType::Float && t->rank() == 1 && t->size() == h ? t : nullptr;
}

bool fuse(ir::Graph& g, ir::Node* ln) {
  if (!is_op(ln, "LayerNormalization") || ln->input_count() < 2 || !is_float_tensor(ln->outputs[0])) return false;
  for (size_t i = 1; i < ln->outputs.size(); ++i)
    if (ln->outputs[i] && (ln->outputs[i]->is_graph_output || !ln->outputs[i]->consumers.empty())) return false;
  ir::Value* sum = ln->inputs[0];
  ir::Node* add = sum->producer;
  if (!is_op(add, "Add") || add->input_count() != 2) return false;
  if (!sum->type.shape_known() || sum->type.shape.size() < 2) return false;
  const int64_t rank = static_cast<int64_t>(sum->type.shape.size());
  const int64_t axis = ln->get_int("axis", -1);
  if (axis != -1 && axis != rank - 1) return false;
  const int64_t h = sum->type.shape.back().value;
  ir::Value* gamma = ln->inputs[1];
  ir::Value* beta = ln->has_input(2) ? ln->inputs[2] : nullptr;
  if (!vector_of(gamma, h) || (beta && !vector_of(beta, h))) return false;
  ir::Value *input = add->inputs[0], *skip = add->inputs[1];
  if (!is_float_tensor(input) || !is_float_tensor(skip) || !same_static_shape(input, sum) || !same_static_shape(skip, sum))
    return false;
  std::vector<ir::Node*> doomed = {add, ln};
  ir::Value* bias = nullptr;
  // input = Add(x, bias): the bias moves into the fused node.
  for (ir::Value** operand : {&input, &skip}) {
    ir::Node* bias_add = (*operand)->producer;
    if (bias || !is_op(bias_add, "Add") || bias_add->input_count() != 2 || has_other_uses(*operand, add)) continue;
    for (int i = 0; i < 2 && !bias; ++i)
      if (vector_of(bias_add->inputs[1 - i], h) && same_static_shape(bias_add->inputs[i], sum)) {
        bias = bias_add->inputs[1 - i];
        *operand = bias_add->inputs[i];
        doomed.insert(doomed.begin(), bias_add);
      }
  }
  const bool keep_sum = sum->is_graph_output || sum->consumers.size() > 1;
  std::vector<ir::Value*> inputs = {input, skip, gamma, beta, bias};
  while (!inputs.empty() && !inputs.back()) inputs.pop_back();
  std::vector<ir::Value*> outputs = {ln->outputs[0]};
  if (keep_sum) outputs = {ln->outputs[0], nullptr, nullptr, sum};
  auto fused = make_node(g, "SkipLayerNormalization", "com.microsoft", ln->name + "_skip", inputs, outputs);
  fused->attributes["epsilon"] = float_attribute("epsilon", ln->get_float("epsilon", 1e-5f));
  replace_nodes(g, doomed, std::move(fused));
  return true;
}

class SkipLayerNormFusion final : public GraphPass {
 public:
  const char* name() const override { return "SkipLayerNormFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 40, SkipLayerNormFusion);

}  // namespace onyxrt::opt
