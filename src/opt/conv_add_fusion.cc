// Level 1 (onnxruntime's ConvAddFusion): Conv followed by an Add of a constant per-channel (or
// single) value c moves c into the bias: B' = B + c[m]. A residual Add of another tensor is
// level 2's ConvAddActivationFusion.
#include "opt/conv_weight_edit.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& graph, ir::Node* n) {
  auto cw = constant_conv_weights(n);
  if (!cw) return false;
  ir::Node* add = sole_consumer(n->outputs[0]);
  if (!is_op(add, "Add") || add->input_count() != 2) return false;
  const ir::Value* other = add->inputs[0] == n->outputs[0] ? add->inputs[1] : add->inputs[0];
  const Tensor* c = constant_of(other);
  if (!c) return false;
  auto shift = per_channel_values(*c, cw->rank, cw->channels);
  if (!shift) return false;
  std::vector<float> b = conv_bias(*cw);
  for (int64_t m = 0; m < cw->channels; ++m) b[m] += (*shift)[m];
  rewrite_conv_weights(graph, *cw, std::vector<float>(static_cast<size_t>(cw->channels), 1.0f), b);
  absorb_successor(graph, n, add);
  return true;
}

class ConvAddFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvAddFusion"; }
  int apply(ir::Graph& graph) const override {
    return rewrite_each_node(graph, fuse);
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 50, ConvAddFusion);

}  // namespace onyxrt::opt
