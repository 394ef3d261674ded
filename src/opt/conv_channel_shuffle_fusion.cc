// Level 2: ShuffleNet's channel shuffle after a grouped convolution,
//   Y = Reshape(Transpose(Reshape(Conv(X, group = G), [N, G, M / G, H, W]), [0, 2, 1, 3, 4]), [N, M, H, W]),
// becomes one com.onyxrt ConvChannelShuffle: each group's GEMM writes its output rows G channels
// apart, which is the shuffle, so the Transpose's pass over the tensor is gone. Conv and
// com.microsoft FusedConv (activation, Z) are taken, float with the shapes known; a depthwise
// convolution (one output channel per group, for which the shuffle is the identity) is left to
// the blocked layout.
#include <vector>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& g, ir::Node* conv) {
  const bool plain = is_op(conv, "Conv"), fused = is_op(conv, "FusedConv", "com.microsoft");
  if ((!plain && !fused) || conv->outputs.size() != 1 || !is_float_tensor(conv->outputs[0])) return false;
  const int64_t G = conv->get_int("group", 1);
  const Shape y = static_shape(conv->outputs[0]);
  if (G <= 1 || y.size() != 4 || y[1] % G != 0 || y[1] / G <= 1) return false;
  ir::Node* split = sole_consumer(conv->outputs[0]);
  if (!is_op(split, "Reshape") || split->inputs[0] != conv->outputs[0]) return false;
  if (static_shape(split->outputs[0]) != Shape{y[0], G, y[1] / G, y[2], y[3]}) return false;
  ir::Node* swap = sole_consumer(split->outputs[0]);
  if (!is_op(swap, "Transpose") || swap->get_ints("perm") != std::vector<int64_t>{0, 2, 1, 3, 4}) return false;
  ir::Node* merge = sole_consumer(swap->outputs[0]);
  if (!is_op(merge, "Reshape") || merge->inputs[0] != swap->outputs[0] || static_shape(merge->outputs[0]) != y)
    return false;
  conv->op_type = "ConvChannelShuffle";
  conv->domain = "com.onyxrt";
  auto [it, _] = g.opsets.emplace("com.onyxrt", 1);
  conv->opset = it->second;
  conv->attributes["shuffle_groups"] = int_attribute("shuffle_groups", G);
  absorb_successor(g, conv, split);
  absorb_successor(g, conv, swap);
  absorb_successor(g, conv, merge);
  return true;
}

class ConvChannelShuffleFusion final : public GraphPass {
 public:
  const char* name() const override { return "ConvChannelShuffleFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

// After the activation fusions, which match Conv and FusedConv only.
ONYXRT_REGISTER_PASS_AT(2, 80, ConvChannelShuffleFusion);

}  // namespace onyxrt::opt
