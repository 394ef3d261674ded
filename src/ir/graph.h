// The one typed graph of onyxrt: what the ONNX reader's protos become, what optimizer passes
// rewrite, and what the planner and executor read. Subgraphs (If/Loop/Scan bodies) are Graphs
// whose `parent` is the enclosing graph, so a name not defined inside resolves in outer scope.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "onyxrt/dtype.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ir {

// A dimension: known (value >= 0), symbolic (value < 0, symbol set) or unknown (value < 0, no symbol).
struct Dim {
  int64_t value = -1;
  std::string symbol;
  std::string denotation;
  bool known() const { return value >= 0; }
  static Dim of(int64_t v) { return Dim{v, {}, {}}; }
  static Dim sym(std::string s) { return Dim{-1, std::move(s), {}}; }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
};
using SymShape = std::vector<Dim>;

struct TypeInfo {
  enum class Kind { Unknown, Tensor, Sequence, Optional, Map, SparseTensor };
  Kind kind = Kind::Unknown;
  DataType elem = DataType::Undefined;  // Tensor/SparseTensor element; Map value is in `inner`
  bool has_shape = false;
  SymShape shape;
  std::shared_ptr<TypeInfo> inner;  // Sequence/Optional element, Map value
  DataType key = DataType::Undefined;
  std::string denotation;

  static TypeInfo tensor(DataType dt) { TypeInfo t; t.kind = Kind::Tensor; t.elem = dt; return t; }
  static TypeInfo tensor(DataType dt, SymShape s) {
    TypeInfo t = tensor(dt);
    t.has_shape = true;
    t.shape = std::move(s);
    return t;
  }
  static TypeInfo tensor(DataType dt, const Shape& s);
  bool is_tensor() const { return kind == Kind::Tensor; }
  // The shape as plain numbers if every dim is known.
  bool shape_known() const;
  Shape concrete_shape() const;  // requires shape_known()
  // onnxruntime's NodeArg.type spelling: "tensor(float)", "seq(tensor(int64))", ...
  std::string to_string() const;
};

class Graph;
class Node;

struct Value {
  std::string name;
  TypeInfo type;
  Node* producer = nullptr;
  int producer_output = -1;
  Graph* owner = nullptr;
  bool is_graph_input = false;
  bool is_graph_output = false;
  bool is_initializer = false;
  std::vector<Node*> consumers;  // one entry per use (a node using a value twice appears twice)
};

struct Attribute {
  enum class Type { Undefined, Float, Int, String, Tensor, Graph, Floats, Ints, Strings, Tensors, Graphs, TypeProto, TypeProtos };
  std::string name;
  Type type = Type::Undefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::shared_ptr<Graph> g;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::shared_ptr<Graph>> graphs;
  TypeInfo tp;
  std::vector<TypeInfo> tps;
};

class Node {
 public:
  std::string name;
  std::string op_type;
  std::string domain;     // "" for ai.onnx
  int64_t opset = 0;      // the model's opset version for `domain`
  std::vector<Value*> inputs;   // nullptr where an optional input is omitted
  std::vector<Value*> outputs;  // nullptr where an optional output is omitted
  std::map<std::string, Attribute> attributes;
  Graph* owner = nullptr;

  bool has(const std::string& attr) const { return attributes.count(attr) != 0; }
  const Attribute* find(const std::string& attr) const;
  int64_t get_int(const std::string& attr, int64_t def) const;
  float get_float(const std::string& attr, float def) const;
  std::string get_string(const std::string& attr, const std::string& def) const;
  std::vector<int64_t> get_ints(const std::string& attr, std::vector<int64_t> def = {}) const;
  std::vector<float> get_floats(const std::string& attr, std::vector<float> def = {}) const;
  std::vector<std::string> get_strings(const std::string& attr, std::vector<std::string> def = {}) const;
  const Tensor* get_tensor(const std::string& attr) const;
  const Graph* get_graph(const std::string& attr) const;
  // Raises InvalidGraph when a required attribute is absent.
  const Attribute& required(const std::string& attr) const;

  int input_count() const { return static_cast<int>(inputs.size()); }
  bool has_input(int i) const { return i < input_count() && inputs[i] != nullptr; }
  // "Conv 'conv1' (ai.onnx opset 13)" for error messages.
  std::string describe() const;
};

class Graph {
 public:
  explicit Graph(Graph* parent = nullptr) : parent(parent) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::string name;
  std::string doc_string;
  Graph* parent;
  std::map<std::string, int64_t> opsets;  // domain -> version, shared with subgraphs
  std::vector<Value*> inputs;   // graph inputs, initializers that are also inputs included
  std::vector<Value*> outputs;
  std::map<std::string, Tensor> initializers;

  // Values defined in this graph (not outer scope).
  Value* find_value(const std::string& name) const;
  // Looks in this graph, then in enclosing graphs.
  Value* resolve(const std::string& name) const;
  Value* get_or_create_value(const std::string& name);
  const std::map<std::string, std::unique_ptr<Value>>& values() const { return values_; }

  Node* add_node(std::unique_ptr<Node> node);  // wires producers/consumers of its values
  void remove_node(Node* node);                // unwires; its outputs keep existing without producer
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  // Rewires every consumer of `from` to read `to` (graph outputs included).
  void replace_all_uses(Value* from, Value* to);

  // Kahn's order, stable with respect to insertion; throws InvalidGraph on a cycle or a node
  // input that nothing defines.
  std::vector<Node*> topological_order() const;
  // Names used inside this graph (and its subgraphs) that are defined in an enclosing scope.
  std::vector<std::string> outer_scope_names() const;

 private:
  std::map<std::string, std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace onyxrt::ir
