// Level 2, before the MatMul fusions: Reshape(Transpose(x, perm), [1, ..., 1] + its shape), which
// only prepends unit dims, becomes Transpose(Reshape(x, [1, ..., 1] + x's shape), perm shifted
// past them). Same elements in the same places; the Transpose then sits next to what reads it.
// ViT-B/16 (torch's nn.MultiheadAttention export) splits heads as Transpose [S, H, d] -> [H, S, d]
// then Reshape to [1, H, S, d]: moved, the Transpose meets the attention MatMul and
// PermutedMatMulFusion takes it (36 copies of 600 KB per image).
#include <algorithm>
#include <vector>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool rewrite(ir::Graph& g, ir::Node* reshape) {
  if (!is_op(reshape, "Reshape") || reshape->input_count() != 2 || reshape->outputs.size() != 1) return false;
  ir::Node* t = producer_of(reshape->inputs[0], "Transpose");
  if (!t || has_other_uses(reshape->inputs[0], reshape) || t->input_count() != 1) return false;
  const Shape x = static_shape(t->inputs[0]), mid = static_shape(t->outputs[0]), y = static_shape(reshape->outputs[0]);
  if (x.empty() || mid.empty() || y.size() <= mid.size()) return false;
  const size_t units = y.size() - mid.size();
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] != (i < units ? 1 : mid[i - units])) return false;
  const std::vector<int64_t> perm = transpose_perm(t, x.size());
  if (perm.size() != x.size() || t->opset < 5) return false;
  std::vector<int64_t> shifted(units);
  for (size_t i = 0; i < units; ++i) shifted[i] = static_cast<int64_t>(i);
  for (int64_t p : perm) shifted.push_back(p + static_cast<int64_t>(units));
  // x with the unit dims in front: the new Reshape's target and its output's static shape.
  Shape raised(units, 1);
  raised.insert(raised.end(), x.begin(), x.end());
  Tensor target = Tensor::allocate(DataType::Int64, {static_cast<int64_t>(raised.size())});
  std::copy(raised.begin(), raised.end(), target.mutable_data<int64_t>());
  ir::SymShape raised_sym;
  for (int64_t d : raised) raised_sym.push_back(ir::Dim::of(d));
  ir::Value* lifted = add_value(g, t->inputs[0]->name + "_unit_dims", ir::TypeInfo::tensor(t->inputs[0]->type.elem, raised_sym));
  ir::Value* shape = add_initializer(g, reshape->name + "_shape", std::move(target));
  std::vector<std::unique_ptr<ir::Node>> added;
  added.push_back(make_node(g, "Reshape", "", reshape->name, {t->inputs[0], shape}, {lifted}));
  auto moved = make_node(g, "Transpose", "", t->name, {lifted}, {reshape->outputs[0]});
  moved->attributes["perm"] = ints_attribute("perm", shifted);
  added.push_back(std::move(moved));
  replace_nodes(g, {t, reshape}, std::move(added));
  return true;
}

class UnitReshapeBeforeTranspose final : public GraphPass {
 public:
  const char* name() const override { return "UnitReshapeBeforeTranspose"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, rewrite); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 60, UnitReshapeBeforeTranspose);

}  // namespace onyxrt::opt
