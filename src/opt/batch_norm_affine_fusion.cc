// Level 1: BatchNormalization (inference form) followed by a Mul or an Add with a constant
// per-channel (or single) operand folds that operand into the normalization's scale and bias:
// BN(x) * c = BN'(x) with scale' = scale * c, bias' = bias * c; BN(x) + c = BN'(x) with
// bias' = bias + c. The onnx light_densenet121 model follows each of its 62 pre-activation
// BatchNormalizations with such a Mul and Add: two full passes over the feature map each.
#include "opt/conv_weight_edit.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse_next(ir::Graph& graph, ir::Node* bn) {
  if (!is_op(bn, "BatchNormalization") || bn->outputs.size() != 1 || bn->input_count() != 5) return false;
  if (bn->get_int("training_mode", 0) != 0 || !is_float_tensor(bn->outputs[0])) return false;
  const Tensor* scale = constant_of(bn->inputs[1]);
  const Tensor* bias = constant_of(bn->inputs[2]);
  if (!scale || !bias || scale->dtype() != DataType::Float || bias->dtype() != DataType::Float) return false;
  const int64_t channels = scale->size();
  if (bias->size() != channels) return false;
  const ir::TypeInfo& type = bn->outputs[0]->type;
  if (!type.has_shape) return false;
  const int64_t rank = static_cast<int64_t>(type.shape.size());
  ir::Node* next = sole_consumer(bn->outputs[0]);
  const bool mul = is_op(next, "Mul"), add = is_op(next, "Add");
  if ((!mul && !add) || next->input_count() != 2) return false;
  const Tensor* c = constant_of(other_input(next, bn->outputs[0]));
  if (!c || rank < 2) return false;
  auto values = per_channel_values(*c, rank, channels);
  if (!values) return false;
  Tensor new_scale = scale->clone(), new_bias = bias->clone();
  float* s = new_scale.mutable_data<float>();
  float* b = new_bias.mutable_data<float>();
  for (int64_t m = 0; m < channels; ++m) {
    if (mul) {
      s[m] *= (*values)[m];
      b[m] *= (*values)[m];
    } else {
      b[m] += (*values)[m];
    }
  }
  ir::Value* old_scale = bn->inputs[1];
  ir::Value* old_bias = bn->inputs[2];
  set_input(bn, 1, add_initializer(graph, old_scale->name + "_fused", std::move(new_scale)));
  set_input(bn, 2, add_initializer(graph, old_bias->name + "_fused", std::move(new_bias)));
  drop_if_unused(old_scale);
  drop_if_unused(old_bias);
  absorb_successor(graph, bn, next);
  return true;
}

// A Mul and then an Add (densenet's pattern) are both absorbed on the one visit of the node.
bool fuse(ir::Graph& graph, ir::Node* bn) {
  bool fired = false;
  while (fuse_next(graph, bn)) fired = true;
  return fired;
}

class BatchNormAffineFusion final : public GraphPass {
 public:
  const char* name() const override { return "BatchNormAffineFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 45, BatchNormAffineFusion);

}  // namespace onyxrt::opt
