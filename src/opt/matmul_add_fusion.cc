// Level 1 (onnxruntime's MatMulAddFusion): MatMul(A, B) + bias becomes Gemm, whose SGEMM adds the
// bias row while each tile is in cache. B must be 2-D and the bias one value per column. A of
// rank > 2 with a static shape is flattened to 2-D around the Gemm by constant-shape Reshapes
// (views, no copies): Reshape(A, [-1, K]) -> Gemm -> Reshape(Y, A.shape[:-1] + [N]).
#include <algorithm>

#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

Tensor shape_tensor(const Shape& s) {
  Tensor t = Tensor::allocate(DataType::Int64, {static_cast<int64_t>(s.size())});
  std::copy(s.begin(), s.end(), t.mutable_data<int64_t>());
  return t;
}

// The bias as a [N] tensor when `c` holds one value per column of the [.., N] product.
std::optional<Tensor> column_bias(const Tensor& c, int64_t n, DataType dtype) {
  if (c.dtype() != dtype || c.size() != n) return std::nullopt;
  for (size_t i = 0; i + 1 < c.rank(); ++i)
    if (c.shape()[i] != 1) return std::nullopt;
  if (c.rank() == 0 || c.shape().back() != n) return std::nullopt;
  return c.reshaped({n});
}

bool fuse(ir::Graph& g, ir::Node* mm) {
  if (!is_op(mm, "MatMul") || mm->input_count() != 2 || !mm->outputs[0]) return false;
  ir::Value *a = mm->inputs[0], *b = mm->inputs[1], *y = mm->outputs[0];
  const DataType dt = dtype_of(y);
  if (dt != DataType::Float && dt != DataType::Double) return false;
  if (!a->type.has_shape || !b->type.shape_known() || b->type.shape.size() != 2) return false;
  ir::Node* add = sole_consumer(y);
  if (!is_op(add, "Add") || add->input_count() != 2 || add->inputs[0] == add->inputs[1]) return false;
  const ir::Value* other = add->inputs[0] == y ? add->inputs[1] : add->inputs[0];
  const Tensor* c = constant_of(other);
  const int64_t k = b->type.shape[0].value, n = b->type.shape[1].value;
  if (!c) return false;
  std::optional<Tensor> bias = column_bias(*c, n, dt);
  if (!bias) return false;
  const size_t rank = a->type.shape.size();
  if (rank < 2 || (rank > 2 && !a->type.shape_known())) return false;
  ir::Value* out = add->outputs[0];
  ir::Value* bias_value = add_initializer(g, other->name + "_row", *bias);
  const std::string base = mm->name.empty() ? y->name : mm->name;

  if (rank == 2) {
    replace_nodes(g, {mm, add}, make_node(g, "Gemm", "", base + "_gemm", {a, b, bias_value}, {out}));
    return true;
  }
  const Shape a_shape = a->type.concrete_shape();
  const int64_t m = shape_size(a_shape) / std::max<int64_t>(1, k);
  Shape y_shape(a_shape.begin(), a_shape.end() - 1);
  y_shape.push_back(n);
  ir::Value* a2 = add_value(g, a->name + "_2d", ir::TypeInfo::tensor(dt, Shape{m, k}));
  ir::Value* y2 = add_value(g, out->name + "_2d", ir::TypeInfo::tensor(dt, Shape{m, n}));
  ir::Value* s_in = add_initializer(g, base + "_shape_2d", shape_tensor({m, k}));
  ir::Value* s_out = add_initializer(g, base + "_shape_out", shape_tensor(y_shape));
  std::vector<std::unique_ptr<ir::Node>> added;
  added.push_back(make_node(g, "Reshape", "", base + "_flatten", {a, s_in}, {a2}));
  added.push_back(make_node(g, "Gemm", "", base + "_gemm", {a2, b, bias_value}, {y2}));
  added.push_back(make_node(g, "Reshape", "", base + "_unflatten", {y2, s_out}, {out}));
  replace_nodes(g, {mm, add}, std::move(added));
  return true;
}

class MatMulAddFusion final : public GraphPass {
 public:
  const char* name() const override { return "MatMulAddFusion"; }
  int apply(ir::Graph& graph) const override { return rewrite_each_node(graph, fuse); }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 60, MatMulAddFusion);

}  // namespace onyxrt::opt
