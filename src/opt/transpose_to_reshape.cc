// Level 1 (onnxruntime's transpose optimizer does the same): a Transpose that moves only dims of
// size 1 keeps every element in place, so it is a Reshape, which the runtime serves as a view of
// its input. torch's nn.MultiheadAttention export swaps batch and sequence of a batch-1 tensor
// twice per layer ([1, 197, 768] <-> [197, 1, 768] in ViT-B/16): 24 copies of 600 KB per image.
#include <vector>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool moves_only_unit_dims(const Shape& in, const std::vector<int64_t>& perm) {
  int64_t last = -1;
  for (int64_t axis : perm) {
    if (axis < 0 || axis >= static_cast<int64_t>(in.size())) return false;
    if (in[axis] == 1) continue;
    if (axis < last) return false;
    last = axis;
  }
  return true;
}

bool rewrite(ir::Graph& g, ir::Node* n) {
  if (!is_op(n, "Transpose") || n->input_count() != 1 || n->outputs.size() != 1) return false;
  const Shape in = static_shape(n->inputs[0]);
  if (in.empty()) return false;
  const std::vector<int64_t> perm = transpose_perm(n, in.size());
  if (perm.size() != in.size() || !moves_only_unit_dims(in, perm)) return false;
  // Reshape takes its shape as an input from opset 5; a 0 in it would mean "copy that dim".
  if (n->opset < 5) return false;
  for (int64_t d : in)
    if (d == 0) return false;
  Tensor shape = Tensor::allocate(DataType::Int64, {static_cast<int64_t>(perm.size())});
  for (size_t i = 0; i < perm.size(); ++i) shape.mutable_data<int64_t>()[i] = in[perm[i]];
  ir::Value* target = add_initializer(g, n->name + "_shape", std::move(shape));
  replace_nodes(g, {n}, make_node(g, "Reshape", "", n->name, {n->inputs[0], target}, {n->outputs[0]}));
  return true;
}

class TransposeToReshape final : public GraphPass {
 public:
  const char* name() const override { return "TransposeToReshape"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, rewrite); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 50, TransposeToReshape);

}  // namespace onyxrt::opt
