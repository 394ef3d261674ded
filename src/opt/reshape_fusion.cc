// Level 1: Reshape(Reshape(x, s1), s2) is Reshape(x, s2) when the inner result feeds only the
// outer one; a 0 in s2 (copy that dim, allowzero = 0) refers to the inner result, so it is
// resolved from that result's static shape or the chain is left alone.
#include <algorithm>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool fuse(ir::Graph& g, ir::Node* outer) {
  if (!is_op(outer, "Reshape") || outer->input_count() != 2) return false;
  ir::Node* inner = producer_of(outer->inputs[0], "Reshape");
  if (!inner || inner->input_count() < 1 || has_other_uses(outer->inputs[0], outer)) return false;
  const Tensor* s2 = constant_of(outer->inputs[1]);
  if (!s2 || s2->dtype() != DataType::Int64 || s2->rank() != 1) return false;
  const int64_t* dims = s2->data<int64_t>();
  const bool has_zero = std::find(dims, dims + s2->size(), 0) != dims + s2->size();
  if (has_zero && outer->get_int("allowzero", 0) == 0) {
    const ir::TypeInfo& mid = outer->inputs[0]->type;
    if (!mid.shape_known()) return false;
    Tensor resolved = s2->clone();
    int64_t* r = resolved.mutable_data<int64_t>();
    for (int64_t i = 0; i < s2->size(); ++i)
      if (r[i] == 0) {
        if (i >= static_cast<int64_t>(mid.shape.size())) return false;
        r[i] = mid.shape[i].value;
      }
    ir::Value* old = outer->inputs[1];
    set_input(outer, 1, add_initializer(g, old->name + "_resolved", std::move(resolved)));
    drop_if_unused(old);
  }
  ir::Value* x = inner->inputs[0];
  set_input(outer, 0, x);
  replace_nodes(g, {inner});
  return true;
}

class ReshapeFusion final : public GraphPass {
 public:
  const char* name() const override { return "ReshapeFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 20, ReshapeFusion);

}  // namespace onyxrt::opt
