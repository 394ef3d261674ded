#include "opt/graph_edit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_set>

#include "onyxrt/status.h"

namespace onyxrt::opt {

const Tensor* constant_of(const ir::Value* v) {
  if (!v || !v->is_initializer || v->is_graph_input || !v->owner) return nullptr;
  auto it = v->owner->initializers.find(v->name);
  if (it == v->owner->initializers.end() || !it->second.defined()) return nullptr;
  return &it->second;
}

std::optional<double> scalar_constant(const ir::Value* v) {
  const Tensor* t = constant_of(v);
  if (!t || t->size() != 1) return std::nullopt;
  switch (t->dtype()) {
    case DataType::Float: return static_cast<double>(*t->data<float>());
    case DataType::Double: return *t->data<double>();
    case DataType::Int64: return static_cast<double>(*t->data<int64_t>());
    case DataType::Int32: return static_cast<double>(*t->data<int32_t>());
    case DataType::Bool: return *t->data<bool>() ? 1.0 : 0.0;
    default: return std::nullopt;
  }
}

bool has_other_uses(const ir::Value* v, const ir::Node* node) {
  return v->is_graph_output || v->consumers.size() != 1 || v->consumers[0] != node;
}

bool is_scalar_near(const ir::Value* v, double expected, double tol) {
  std::optional<double> s = scalar_constant(v);
  return s && std::abs(*s - expected) <= tol * std::max(1.0, std::abs(expected));
}

ir::Value* other_input(const ir::Node* n, const ir::Value* v) {
  if (!n || n->input_count() != 2 || n->inputs[0] == n->inputs[1]) return nullptr;
  if (n->inputs[0] == v) return n->inputs[1];
  if (n->inputs[1] == v) return n->inputs[0];
  return nullptr;
}

ir::Value* operand_beside_scalar(const ir::Node* n, const char* op_type, double expected) {
  if (!is_op(n, op_type) || n->input_count() != 2) return nullptr;
  // Div is not commutative: only x / c qualifies.
  const bool commutative = std::string(op_type) != "Div" && std::string(op_type) != "Sub" && std::string(op_type) != "Pow";
  if (is_scalar_near(n->inputs[1], expected)) return n->inputs[0];
  if (commutative && is_scalar_near(n->inputs[0], expected)) return n->inputs[1];
  return nullptr;
}

ir::Node* sole_consumer(const ir::Value* v) {
  if (!v || v->is_graph_output || v->consumers.size() != 1) return nullptr;
  return v->consumers[0];
}

bool is_op(const ir::Node* n, const char* op_type, const char* domain) {
  return n && n->op_type == op_type && n->domain == domain;
}

ir::Node* producer_of(const ir::Value* v, const char* op_type) {
  if (!v || !is_op(v->producer, op_type)) return nullptr;
  return v->producer;
}

DataType dtype_of(const ir::Value* v) {
  if (!v || !v->type.is_tensor()) return DataType::Undefined;
  return v->type.elem;
}

bool is_float_tensor(const ir::Value* v) { return dtype_of(v) == DataType::Float; }

std::string unique_value_name(ir::Graph& graph, const std::string& base) {
  if (!graph.resolve(base)) return base;
  for (int i = 1;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (!graph.resolve(name)) return name;
  }
}

ir::Value* add_initializer(ir::Graph& graph, const std::string& base, Tensor t) {
  ir::Value* v = graph.get_or_create_value(unique_value_name(graph, base));
  make_initializer(v, std::move(t));
  return v;
}

void make_initializer(ir::Value* v, Tensor t) {
  v->type = ir::TypeInfo::tensor(t.dtype(), t.shape());
  v->is_initializer = true;
  v->owner->initializers[v->name] = std::move(t);
}

ir::Value* add_value(ir::Graph& graph, const std::string& base, ir::TypeInfo type) {
  ir::Value* v = graph.get_or_create_value(unique_value_name(graph, base));
  v->type = std::move(type);
  return v;
}

std::unique_ptr<ir::Node> make_node(ir::Graph& graph, const std::string& op_type, const std::string& domain,
                                    const std::string& name, std::vector<ir::Value*> inputs,
                                    std::vector<ir::Value*> outputs) {
  auto n = std::make_unique<ir::Node>();
  n->op_type = op_type;
  n->domain = domain;
  n->name = name;
  n->inputs = std::move(inputs);
  n->outputs = std::move(outputs);
  if (domain.empty()) {
    auto it = graph.opsets.find("");
    n->opset = it == graph.opsets.end() ? 17 : it->second;
  } else {
    auto [it, _] = graph.opsets.emplace(domain, 1);
    n->opset = it->second;
  }
  return n;
}

ir::Attribute ints_attribute(const std::string& name, std::vector<int64_t> v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::Ints;
  a.ints = std::move(v);
  return a;
}

Shape static_shape(const ir::Value* v) {
  if (!v || !v->type.is_tensor() || !v->type.has_shape || !v->type.shape_known()) return {};
  return v->type.concrete_shape();
}

std::vector<int64_t> transpose_perm(const ir::Node* transpose, size_t rank) {
  std::vector<int64_t> perm = transpose->get_ints("perm");
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  return perm;
}

ir::Attribute int_attribute(const std::string& name, int64_t v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::Int;
  a.i = v;
  return a;
}

ir::Attribute float_attribute(const std::string& name, float v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::Float;
  a.f = v;
  return a;
}

ir::Attribute floats_attribute(const std::string& name, std::vector<float> v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::Floats;
  a.floats = std::move(v);
  return a;
}

ir::Attribute string_attribute(const std::string& name, std::string v) {
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::String;
  a.s = std::move(v);
  return a;
}

void bypass_node(ir::Graph& graph, ir::Node* node) {
  // Readers first: dropping the node's unread initializers must not take input 0 with them.
  graph.replace_all_uses(node->outputs[0], node->inputs[0]);
  replace_nodes(graph, {node});
}

int rewrite_each_node(ir::Graph& graph, const std::function<bool(ir::Graph&, ir::Node*)>& rewrite) {
  auto alive_set = [&] {
    std::unordered_set<const ir::Node*> s;
    for (const auto& n : graph.nodes()) s.insert(n.get());
    return s;
  };
  std::unordered_set<const ir::Node*> alive = alive_set();
  int fired = 0;
  for (ir::Node* n : graph.topological_order()) {
    if (!alive.count(n) || !rewrite(graph, n)) continue;
    ++fired;
    alive = alive_set();  // a rewrite removes nodes; new ones may reuse their addresses
  }
  return fired;
}

void set_input(ir::Node* node, int i, ir::Value* v) {
  if (static_cast<int>(node->inputs.size()) <= i) node->inputs.resize(static_cast<size_t>(i) + 1, nullptr);
  if (ir::Value* old = node->inputs[i]) {
    auto it = std::find(old->consumers.begin(), old->consumers.end(), node);
    if (it != old->consumers.end()) old->consumers.erase(it);
  }
  node->inputs[i] = v;
  if (v) v->consumers.push_back(node);
}

void set_output(ir::Node* node, int i, ir::Value* v) {
  if (v->producer && v->producer != node)
    throw_error(ErrorCode::RuntimeException, "optimizer: value '" + v->name + "' already has a producer");
  if (ir::Value* old = node->outputs[i]) {
    old->producer = nullptr;
    old->producer_output = -1;
  }
  node->outputs[i] = v;
  v->producer = node;
  v->producer_output = i;
}

void replace_nodes(ir::Graph& graph, const std::vector<ir::Node*>& nodes, std::vector<std::unique_ptr<ir::Node>> added) {
  std::vector<ir::Value*> read;
  for (ir::Node* n : nodes) {
    for (ir::Value* v : n->inputs)
      if (v) read.push_back(v);
    graph.remove_node(n);
  }
  for (auto& n : added) graph.add_node(std::move(n));
  for (ir::Value* v : read) drop_if_unused(v);
}

void replace_nodes(ir::Graph& graph, const std::vector<ir::Node*>& nodes, std::unique_ptr<ir::Node> added) {
  std::vector<std::unique_ptr<ir::Node>> list;
  list.push_back(std::move(added));
  replace_nodes(graph, nodes, std::move(list));
}

void absorb_successor(ir::Graph& graph, ir::Node* keep, ir::Node* absorbed) {
  ir::Value* out = absorbed->outputs[0];
  replace_nodes(graph, {absorbed});
  set_output(keep, 0, out);
}

void drop_if_unused(ir::Value* v) {
  if (!v->is_initializer || v->is_graph_input || v->is_graph_output || !v->consumers.empty() || !v->owner) return;
  v->owner->initializers.erase(v->name);
  v->is_initializer = false;
}

}  // namespace onyxrt::opt
