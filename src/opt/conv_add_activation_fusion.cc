// Level 2 (onnxruntime's ConvAddActivationFusion): a float Conv whose only reader is an Add (or a
// two-input Sum, as older models write residuals) of another tensor of exactly Y's shape (a
// residual connection), optionally followed by Relu, becomes FusedConv(X, W, B, Z = that tensor);
// the sum and activation run in the epilogue.
#include "opt/conv_activation.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool same_static_shape(const ir::Value* a, const ir::Value* b) {
  return a->type.shape_known() && b->type.shape_known() && a->type.shape == b->type.shape;
}

bool fuse(ir::Graph& g, ir::Node* conv) {
  if (!is_op(conv, "Conv") || conv->outputs.size() != 1 || !is_float_tensor(conv->outputs[0])) return false;
  ir::Value* y = conv->outputs[0];
  ir::Node* add = sole_consumer(y);
  if (!(is_op(add, "Add") || is_op(add, "Sum")) || add->input_count() != 2 || add->inputs[0] == add->inputs[1])
    return false;
  ir::Value* z = add->inputs[0] == y ? add->inputs[1] : add->inputs[0];
  if (!is_float_tensor(z) || !same_static_shape(y, z) || !same_static_shape(y, add->outputs[0])) return false;
  ir::Node* relu = sole_consumer(add->outputs[0]);
  if (!is_op(relu, "Relu")) relu = nullptr;
  const FusableActivation act{"Relu", {}};
  make_fused_conv(conv, relu ? &act : nullptr);
  if (conv->input_count() < 3) set_input(conv, 2, nullptr);
  set_input(conv, 3, z);
  absorb_successor(g, conv, add);
  if (relu) absorb_successor(g, conv, relu);
  return true;
}

class ConvAddActivationFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvAddActivationFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 50, ConvAddActivationFusion);

}  // namespace onyxrt::opt
