// Level 2, after MatMulScaleFusion: Transposes on a MatMul's operands and on its result become the
// perms of one com.onyxrt PermutedMatMul (ops/contrib/permuted_matmul.cc), whose SGEMM reads each
// head in place and writes the transposed result directly. This is attention's layout traffic:
// BERT-base and GPT-2 each copy Q, K and V into [B, H, S, d] / [B, H, d, S] and the context back to
// [B, S, H, d] (48 Transposes per model), ViT-B/16 its context. onnxruntime's MatMulTransposeFusion
// folds only the last-two-dim swaps and dim-0 moves that FusedMatMul can say. A Transpose is taken
// only when it feeds this MatMul alone and the combined perm keeps a unit stride for the GEMM.
#include <numeric>
#include <vector>

#include "ops/contrib/permuted_matmul.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

using Perm = std::vector<int64_t>;

Perm identity(size_t rank) {
  Perm p(rank);
  std::iota(p.begin(), p.end(), 0);
  return p;
}

struct MatMulForm {
  Perm a, b, y;
  float alpha = 1.0f;
};

// The node's operand and result perms, if it is a MatMul this pass can take over.
bool read_form(const ir::Node* n, size_t rank, MatMulForm& f) {
  f.a = f.b = f.y = identity(rank);
  if (is_op(n, "MatMul")) return true;
  if (is_op(n, "FusedMatMul", "com.microsoft")) {
    if (n->get_int("transBatchA", 0) != 0 || n->get_int("transBatchB", 0) != 0) return false;
    f.alpha = n->get_float("alpha", 1.0f);
    if (n->get_int("transA", 0) != 0) std::swap(f.a[rank - 2], f.a[rank - 1]);
    if (n->get_int("transB", 0) != 0) std::swap(f.b[rank - 2], f.b[rank - 1]);
    return true;
  }
  if (is_op(n, "PermutedMatMul", "com.onyxrt")) {
    f.alpha = n->get_float("alpha", 1.0f);
    f.a = n->get_ints("permA"), f.b = n->get_ints("permB"), f.y = n->get_ints("permY");
    return f.a.size() == rank && f.b.size() == rank && f.y.size() == rank;
  }
  return false;
}

bool fuse(ir::Graph& g, ir::Node* mm) {
  if (mm->input_count() != 2 || mm->outputs.size() != 1 || !is_float_tensor(mm->outputs[0])) return false;
  const ir::Value* a = mm->inputs[0];
  const ir::Value* b = mm->inputs[1];
  if (!is_float_tensor(a) || !is_float_tensor(b) || !a->type.has_shape || !b->type.has_shape) return false;
  const size_t rank = a->type.shape.size();
  if (rank < 3 || b->type.shape.size() != rank) return false;
  MatMulForm f;
  if (!read_form(mm, rank, f)) return false;
  // A scalar Mul or Div still to be folded into the MatMul's alpha (MatMulScaleFusion, one a
  // round) goes first: that pass does not read PermutedMatMul.
  const auto scaling = [](const ir::Node* n) {
    return (is_op(n, "Mul") || is_op(n, "Div")) && n->input_count() == 2 &&
           (scalar_constant(n->inputs[0]) || scalar_constant(n->inputs[1]));
  };
  if (!is_op(mm, "PermutedMatMul", "com.onyxrt") &&
      (scaling(a->producer) || scaling(b->producer) || scaling(sole_consumer(mm->outputs[0]))))
    return false;
  std::vector<ir::Node*> taken;
  for (int i = 0; i < 2; ++i) {
    ir::Node* t = producer_of(mm->inputs[i], "Transpose");
    if (!t || has_other_uses(mm->inputs[i], mm) || !is_float_tensor(t->inputs[0])) continue;
    const Perm p = transpose_perm(t, rank);
    if (p.size() != rank) continue;
    Perm& cur = i == 0 ? f.a : f.b;
    Perm combined(rank);
    for (size_t k = 0; k < rank; ++k) combined[k] = p[cur[k]];
    if (!ops::contrib::permuted_matmul_keeps_unit_stride(combined)) continue;
    cur = combined;
    set_input(mm, i, t->inputs[0]);
    taken.push_back(t);
  }
  ir::Node* after = sole_consumer(mm->outputs[0]);
  bool take_after = false;
  if (is_op(after, "Transpose") && after->inputs[0] == mm->outputs[0]) {
    const Perm q = transpose_perm(after, rank);
    if (q.size() == rank) {
      Perm combined(rank);
      for (size_t k = 0; k < rank; ++k) combined[k] = f.y[q[k]];
      if (combined[rank - 1] == static_cast<int64_t>(rank) - 1) f.y = combined, take_after = true;
    }
  }
  if (taken.empty() && !take_after) return false;
  mm->op_type = "PermutedMatMul";
  mm->domain = "com.onyxrt";
  auto [it, _] = g.opsets.emplace("com.onyxrt", 1);
  mm->opset = it->second;
  for (const char* gone : {"transA", "transB", "transBatchA", "transBatchB"}) mm->attributes.erase(gone);
  mm->attributes["permA"] = ints_attribute("permA", f.a);
  mm->attributes["permB"] = ints_attribute("permB", f.b);
  mm->attributes["permY"] = ints_attribute("permY", f.y);
  mm->attributes["alpha"] = float_attribute("alpha", f.alpha);
  if (!taken.empty()) replace_nodes(g, taken);
  if (take_after) absorb_successor(g, mm, after);
  return true;
}

class PermutedMatMulFusion final : public GraphPass {
 public:
  const char* name() const override { return "PermutedMatMulFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(2, 80, PermutedMatMulFusion);

}  // namespace onyxrt::opt
