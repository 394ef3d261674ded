// Level 2 (onnxruntime's ConvActivationFusion): a float Conv whose only reader is Relu, Clip
// (constant bounds), LeakyRelu, Sigmoid, Tanh or HardSigmoid becomes com.microsoft FusedConv with
// that activation, applied by the convolution's epilogue instead of a second pass over Y.
#include "opt/conv_activation.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& g, ir::Node* conv) {
  const bool plain = is_op(conv, "Conv");
  const bool bare_fused = is_op(conv, "FusedConv", "com.microsoft") && !conv->has("activation");
  if ((!plain && !bare_fused) || conv->outputs.size() != 1 || !is_float_tensor(conv->outputs[0])) return false;
  ir::Node* act_node = sole_consumer(conv->outputs[0]);
  if (!act_node || act_node->inputs[0] != conv->outputs[0]) return false;
  std::optional<FusableActivation> act = fusable_activation(act_node);
  if (!act) return false;
  make_fused_conv(conv, &*act);
  absorb_successor(g, conv, act_node);
  return true;
}

class ConvActivationFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvActivationFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 60, ConvActivationFusion);

}  // namespace onyxrt::opt
