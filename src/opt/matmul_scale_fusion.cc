// Level 2 (onnxruntime's MatMulScaleFusion and MatMulTransposeFusion): a MatMul whose operand is
// a Transpose swapping the last two dims, or is scaled by a scalar Mul/Div, or whose result is,
// becomes com.microsoft FusedMatMul(transA, transB, alpha): the scale rides on the GEMM and the
// transpose on its operand packing. One step per call; the pass manager repeats until done.
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

bool swaps_last_two(const std::vector<int64_t>& perm) {
  const size_t r = perm.size();
  if (r < 2) return false;
  for (size_t i = 0; i + 2 < r; ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return perm[r - 2] == static_cast<int64_t>(r - 1) && perm[r - 1] == static_cast<int64_t>(r - 2);
}

// The factor of a scalar Mul (or 1 / divisor of a Div by a scalar) whose tensor operand is
// `operand_index`; nullopt when `n` is not one, or the scalar's rank could broadcast `of` wider.
std::optional<double> scalar_factor(const ir::Node* n, const ir::Value* of) {
  const bool mul = is_op(n, "Mul"), div = is_op(n, "Div");
  if ((!mul && !div) || n->input_count() != 2) return std::nullopt;
  const ir::Value* other = other_input(n, of);
  if (!other || (div && n->inputs[0] != of)) return std::nullopt;
  const Tensor* c = constant_of(other);
  std::optional<double> s = scalar_constant(other);
  if (!c || !s || c->dtype() != DataType::Float || !of->type.has_shape || c->rank() > of->type.shape.size()) return std::nullopt;
  if (div && *s == 0.0) return std::nullopt;
  return div ? 1.0 / *s : *s;
}

void make_fused(ir::Node* mm) {
  if (mm->op_type == "FusedMatMul") return;
  mm->op_type = "FusedMatMul";
  mm->domain = "com.microsoft";
  auto [it, _] = mm->owner->opsets.emplace("com.microsoft", 1);
  mm->opset = it->second;
}

bool fuse(ir::Graph& g, ir::Node* mm) {
  const bool plain = is_op(mm, "MatMul");
  const bool fused = is_op(mm, "FusedMatMul", "com.microsoft") && mm->get_int("transBatchA", 0) == 0 &&
                     mm->get_int("transBatchB", 0) == 0;
  if ((!plain && !fused) || mm->input_count() != 2 || !is_float_tensor(mm->outputs[0])) return false;
  for (const ir::Value* v : mm->inputs)
    if (!is_float_tensor(v) || !v->type.has_shape || v->type.shape.size() < 2) return false;
  const float alpha = mm->get_float("alpha", 1.0f);
  for (int i = 0; i < 2; ++i) {
    ir::Value* in = mm->inputs[i];
    ir::Node* p = in->producer;
    if (!p || has_other_uses(in, mm)) continue;
    const char* trans = i == 0 ? "transA" : "transB";
    if (is_op(p, "Transpose") && swaps_last_two(p->get_ints("perm"))) {
      make_fused(mm);
      mm->attributes[trans] = int_attribute(trans, 1 - mm->get_int(trans, 0));
      set_input(mm, i, p->inputs[0]);
      replace_nodes(g, {p});
      return true;
    }
    ir::Value* x = p->input_count() == 2 ? p->inputs[0] : nullptr;
    std::optional<double> f = x ? scalar_factor(p, x) : std::nullopt;
    if (!f && p->input_count() == 2 && is_op(p, "Mul")) f = scalar_factor(p, x = p->inputs[1]);
    if (f && is_float_tensor(x) && x->type.has_shape && x->type.shape.size() == in->type.shape.size()) {
      make_fused(mm);
      mm->attributes["alpha"] = float_attribute("alpha", static_cast<float>(alpha * *f));
      set_input(mm, i, x);
      replace_nodes(g, {p});
      return true;
    }
  }
  ir::Value* y = mm->outputs[0];
  ir::Node* after = sole_consumer(y);
  std::optional<double> f = scalar_factor(after, y);
  if (!f || !after->outputs[0]->type.has_shape || after->outputs[0]->type.shape.size() != y->type.shape.size()) return false;
  make_fused(mm);
  mm->attributes["alpha"] = float_attribute("alpha", static_cast<float>(alpha * *f));
  absorb_successor(g, mm, after);
  return true;
}

class MatMulScaleFusion final : public GraphPass {
 public:
  const char* name() const override { return "MatMulScaleFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 70, MatMulScaleFusion);

}  // namespace onyxrt::opt
