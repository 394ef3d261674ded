#include "plan/concat_placement.h"

#include <optional>
#include <vector>

namespace onyxrt::plan {
namespace {

std::optional<Shape> static_shape(const ir::Value& v) {
  if (v.type.kind != ir::TypeInfo::Kind::Tensor || !v.type.has_shape) return std::nullopt;
  Shape s;
  for (const ir::Dim& d : v.type.shape) {
    if (!d.known()) return std::nullopt;
    s.push_back(d.value);
  }
  return s;
}

bool placeable_input(const ir::Value* v, const ir::Node& concat, const ir::Graph& g) {
  return v && v->producer && v->owner == &g && !v->is_graph_output && !v->is_graph_input && !v->is_initializer &&
         v->consumers.size() == 1 && v->consumers[0] == &concat && v->producer->op_type != "Concat" &&
         v->type.elem == concat.outputs[0]->type.elem;
}

void place(const ir::Node& n, const ir::Graph& g, std::unordered_map<const ir::Value*, ConcatSlot>& slots) {
  if (n.op_type != "Concat" || !n.domain.empty() || n.outputs.size() != 1 || !n.outputs[0] || n.inputs.empty())
    return;
  const ir::Value* out = n.outputs[0];
  const std::optional<Shape> out_shape = static_shape(*out);
  const DataType dtype = out->type.elem;
  if (!out_shape || out_shape->empty() || dtype == DataType::Undefined || dtype == DataType::String ||
      dtype_bits(dtype) % 8 != 0)
    return;
  const int64_t rank = static_cast<int64_t>(out_shape->size());
  int64_t axis = n.get_int("axis", 1);  // opset 1 defaults to 1; later opsets require it
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return;
  for (int64_t d = 0; d < axis; ++d)
    if ((*out_shape)[d] != 1) return;
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= (*out_shape)[d];
  std::vector<std::pair<const ir::Value*, ConcatSlot>> placed;
  int64_t offset = 0, extent = 0;
  for (const ir::Value* v : n.inputs) {
    if (!placeable_input(v, n, g)) return;
    const std::optional<Shape> s = static_shape(*v);
    if (!s || static_cast<int64_t>(s->size()) != rank) return;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && (*s)[d] != (*out_shape)[d]) return;
    placed.push_back({v, ConcatSlot{out, dtype, *out_shape, *s, offset}});
    offset += (*s)[axis] * inner;
    extent += (*s)[axis];
  }
  if (extent != (*out_shape)[axis]) return;
  for (auto& [v, slot] : placed) slots[v] = std::move(slot);
}

}  // namespace

std::unordered_map<const ir::Value*, ConcatSlot> place_concat_inputs(const ir::Graph& g) {
  std::unordered_map<const ir::Value*, ConcatSlot> slots;
  for (const ir::Node* n : g.topological_order()) place(*n, g, slots);
  return slots;
}

}  // namespace onyxrt::plan
