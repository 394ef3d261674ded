// Level 1 (onnxruntime's ConvMulFusion): Conv followed by a Mul with a constant per-channel (or
// single) factor c scales the weights instead: W' = W * c[m], B' = B * c[m].
#include "opt/conv_weight_edit.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& graph, ir::Node* n) {
  auto cw = constant_conv_weights(n);
  if (!cw) return false;
  ir::Node* mul = sole_consumer(n->outputs[0]);
  if (!is_op(mul, "Mul") || mul->input_count() != 2) return false;
  const ir::Value* other = mul->inputs[0] == n->outputs[0] ? mul->inputs[1] : mul->inputs[0];
  const Tensor* c = constant_of(other);
  if (!c) return false;
  auto scale = per_channel_values(*c, cw->rank, cw->channels);
  if (!scale) return false;
  std::vector<float> b = conv_bias(*cw);
  for (int64_t m = 0; m < cw->channels; ++m) b[m] *= (*scale)[m];
  rewrite_conv_weights(graph, *cw, *scale, b);
  absorb_successor(graph, n, mul);
  return true;
}

class ConvMulFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvMulFusion"; }
  int apply(ir::Graph& graph) const override {
    return rewrite_each_node(graph, fuse);
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 40, ConvMulFusion);

}  // namespace onyxrt::opt
