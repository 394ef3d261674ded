#include "ir/graph.h"

#include <algorithm>
#include <deque>
#include <set>
#include <unordered_map>

#include "onyxrt/status.h"

namespace onyxrt::ir {

TypeInfo TypeInfo::tensor(DataType dt, const Shape& s) {
  SymShape dims;
  for (int64_t d : s) dims.push_back(Dim::of(d));
  return tensor(dt, std::move(dims));
}

bool TypeInfo::shape_known() const {
  if (!has_shape) return false;
  return std::all_of(shape.begin(), shape.end(), [](const Dim& d) { return d.known(); });
}

Shape TypeInfo::concrete_shape() const {
  Shape s;
  for (const Dim& d : shape) s.push_back(d.value);
  return s;
}

std::string TypeInfo::to_string() const {
  auto inner_str = [&] { return inner ? inner->to_string() : std::string("unknown"); };
  switch (kind) {
    case Kind::Tensor: return "tensor(" + std::string(dtype_name(elem)) + ")";
    case Kind::SparseTensor: return "sparse_tensor(" + std::string(dtype_name(elem)) + ")";
    case Kind::Sequence: return "seq(" + inner_str() + ")";
    case Kind::Optional: return "optional(" + inner_str() + ")";
    case Kind::Map: return "map(" + std::string(dtype_name(key)) + "," + inner_str() + ")";
    case Kind::Unknown: break;
  }
  return "unknown";
}

const Attribute* Node::find(const std::string& attr) const {
  auto it = attributes.find(attr);
  return it == attributes.end() ? nullptr : &it->second;
}

const Attribute& Node::required(const std::string& attr) const {
  const Attribute* a = find(attr);
  if (!a) throw_error(ErrorCode::InvalidGraph, describe() + ": required attribute '" + attr + "' is missing");
  return *a;
}

namespace {
const Attribute* typed(const Node& n, const std::string& attr, Attribute::Type t, const char* expected) {
  const Attribute* a = n.find(attr);
  if (a && a->type != t)
    throw_error(ErrorCode::InvalidGraph, n.describe() + ": attribute '" + attr + "' should be " + expected);
  return a;
}
}  // namespace

int64_t Node::get_int(const std::string& attr, int64_t def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Int, "an int");
  return a ? a->i : def;
}
float Node::get_float(const std::string& attr, float def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Float, "a float");
  return a ? a->f : def;
}
std::string Node::get_string(const std::string& attr, const std::string& def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::String, "a string");
  return a ? a->s : def;
}
std::vector<int64_t> Node::get_ints(const std::string& attr, std::vector<int64_t> def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Ints, "a list of ints");
  return a ? a->ints : def;
}
std::vector<float> Node::get_floats(const std::string& attr, std::vector<float> def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Floats, "a list of floats");
  return a ? a->floats : def;
}
std::vector<std::string> Node::get_strings(const std::string& attr, std::vector<std::string> def) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Strings, "a list of strings");
  return a ? a->strings : def;
}
const Tensor* Node::get_tensor(const std::string& attr) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Tensor, "a tensor");
  return a ? &a->t : nullptr;
}
const Graph* Node::get_graph(const std::string& attr) const {
  const Attribute* a = typed(*this, attr, Attribute::Type::Graph, "a graph");
  return a ? a->g.get() : nullptr;
}

std::string Node::describe() const {
  return op_type + " node '" + name + "' (" + (domain.empty() ? std::string("ai.onnx") : domain) + " opset " +
         std::to_string(opset) + ")";
}

Value* Graph::find_value(const std::string& n) const {
  auto it = values_.find(n);
  return it == values_.end() ? nullptr : it->second.get();
}

Value* Graph::resolve(const std::string& n) const {
  for (const Graph* g = this; g; g = g->parent)
    if (Value* v = g->find_value(n)) return v;
  return nullptr;
}

Value* Graph::get_or_create_value(const std::string& n) {
  auto& slot = values_[n];
  if (!slot) {
    slot = std::make_unique<Value>();
    slot->name = n;
    slot->owner = this;
  }
  return slot.get();
}

Node* Graph::add_node(std::unique_ptr<Node> node) {
  node->owner = this;
  for (Value* v : node->inputs)
    if (v) v->consumers.push_back(node.get());
  for (size_t i = 0; i < node->outputs.size(); ++i) {
    Value* v = node->outputs[i];
    if (!v) continue;
    if (v->producer && v->producer != node.get())
      throw_error(ErrorCode::InvalidGraph, "value '" + v->name + "' is produced by both " + v->producer->describe() +
                                               " and " + node->describe());
    v->producer = node.get();
    v->producer_output = static_cast<int>(i);
  }
  nodes_.push_back(std::move(node));
  return nodes_.back().get();
}

void Graph::remove_node(Node* node) {
  for (Value* v : node->inputs) {
    if (!v) continue;
    auto it = std::find(v->consumers.begin(), v->consumers.end(), node);
    if (it != v->consumers.end()) v->consumers.erase(it);
  }
  for (Value* v : node->outputs)
    if (v && v->producer == node) {
      v->producer = nullptr;
      v->producer_output = -1;
    }
  nodes_.erase(std::remove_if(nodes_.begin(), nodes_.end(), [&](const auto& p) { return p.get() == node; }),
               nodes_.end());
}

void Graph::replace_all_uses(Value* from, Value* to) {
  for (Node* consumer : from->consumers) {
    for (Value*& in : consumer->inputs)
      if (in == from) in = to;
    to->consumers.push_back(consumer);
  }
  from->consumers.clear();
  for (Value*& out : outputs)
    if (out == from) {
      out = to;
      to->is_graph_output = true;
    }
}

std::vector<Node*> Graph::topological_order() const {
  std::unordered_map<const Node*, int> pending;
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < nodes_.size(); ++i) position[nodes_[i].get()] = i;
  // Subgraph bodies may read values of this graph: those count as inputs of the owning node.
  auto node_inputs = [&](const Node* n) {
    std::vector<const Value*> ins(n->inputs.begin(), n->inputs.end());
    for (const auto& [_, attr] : n->attributes) {
      std::vector<const Graph*> subs;
      if (attr.g) subs.push_back(attr.g.get());
      for (const auto& g : attr.graphs) subs.push_back(g.get());
      for (const Graph* sub : subs)
        for (const std::string& outer : sub->outer_scope_names())
          if (const Value* v = find_value(outer)) ins.push_back(v);
    }
    return ins;
  };
  std::unordered_map<const Node*, std::vector<const Node*>> users;
  for (const auto& n : nodes_) {
    int count = 0;
    std::set<const Node*> producers;
    for (const Value* v : node_inputs(n.get())) {
      if (!v || !v->producer || v->owner != this || !position.count(v->producer)) continue;
      if (producers.insert(v->producer).second) {
        ++count;
        users[v->producer].push_back(n.get());
      }
    }
    pending[n.get()] = count;
  }
  // Ready nodes leave in their original order so that the order is stable and reproducible.
  std::set<size_t> ready;
  for (const auto& n : nodes_)
    if (pending[n.get()] == 0) ready.insert(position[n.get()]);
  std::vector<Node*> order;
  while (!ready.empty()) {
    Node* n = nodes_[*ready.begin()].get();
    ready.erase(ready.begin());
    order.push_back(n);
    for (const Node* u : users[n])
      if (--pending[u] == 0) ready.insert(position[u]);
  }
  if (order.size() != nodes_.size()) {
    for (const auto& n : nodes_)
      if (pending[n.get()] > 0)
        throw_error(ErrorCode::InvalidGraph, "graph '" + name + "' has a cycle through " + n->describe());
  }
  return order;
}

std::vector<std::string> Graph::outer_scope_names() const {
  std::set<std::string> names;
  for (const auto& n : nodes_) {
    for (const Value* v : n->inputs)
      if (v && v->owner != this && !find_value(v->name)) names.insert(v->name);
    for (const auto& [_, attr] : n->attributes) {
      std::vector<const Graph*> subs;
      if (attr.g) subs.push_back(attr.g.get());
      for (const auto& g : attr.graphs) subs.push_back(g.get());
      for (const Graph* sub : subs)
        for (const std::string& s : sub->outer_scope_names())
          if (!find_value(s)) names.insert(s);
    }
  }
  for (const Value* v : outputs)
    if (v->owner != this) names.insert(v->name);
  return {names.begin(), names.end()};
}

}  // namespace onyxrt::ir
