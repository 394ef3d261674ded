// Level 1 (onnxruntime's ConvBNFusion): an inference BatchNormalization after a Conv with constant
// weights is a per-channel affine map, folded into W and B:
//   s = scale / sqrt(var + epsilon);  W' = W * s;  B' = (B - mean) * s + bias.
#include <cmath>

#include "opt/conv_weight_edit.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

std::optional<std::vector<float>> channel_param(const ir::Value* v, int64_t channels) {
  const Tensor* t = constant_of(v);
  if (!t || t->dtype() != DataType::Float || t->rank() != 1 || t->size() != channels) return std::nullopt;
  return std::vector<float>(t->data<float>(), t->data<float>() + channels);
}

bool fuse(ir::Graph& graph, ir::Node* n) {
  auto cw = constant_conv_weights(n);
  if (!cw) return false;
  ir::Node* bn = sole_consumer(n->outputs[0]);
  if (!is_op(bn, "BatchNormalization") || bn->input_count() != 5 || bn->inputs[0] != n->outputs[0]) return false;
  if (bn->get_int("training_mode", 0) != 0) return false;
  for (size_t i = 1; i < bn->outputs.size(); ++i)
    if (bn->outputs[i] && (bn->outputs[i]->is_graph_output || !bn->outputs[i]->consumers.empty())) return false;
  auto scale = channel_param(bn->inputs[1], cw->channels), bias = channel_param(bn->inputs[2], cw->channels);
  auto mean = channel_param(bn->inputs[3], cw->channels), var = channel_param(bn->inputs[4], cw->channels);
  if (!scale || !bias || !mean || !var) return false;
  const double eps = bn->get_float("epsilon", 1e-5f);
  std::vector<float> s(cw->channels), b = conv_bias(*cw);
  for (int64_t m = 0; m < cw->channels; ++m) {
    s[m] = static_cast<float>((*scale)[m] / std::sqrt(static_cast<double>((*var)[m]) + eps));
    b[m] = static_cast<float>((static_cast<double>(b[m]) - (*mean)[m]) * s[m] + (*bias)[m]);
  }
  rewrite_conv_weights(graph, *cw, s, b);
  absorb_successor(graph, n, bn);
  return true;
}

class ConvBNFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvBNFusion"; }
  int apply(ir::Graph& graph) const override {
    return rewrite_each_node(graph, fuse);
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 30, ConvBNFusion);

}  // namespace onyxrt::opt
