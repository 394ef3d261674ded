// The graph surgery that fusion passes share: reading constants, checking that an intermediate
// value belongs to the pattern alone, and rewiring or adding nodes and initializers while keeping
// the producer/consumer links of ir::Graph consistent.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace onyxrt::opt {

// The value of `v` when it is an initializer no feed can replace (not also a graph input), in its
// own graph or an enclosing one; nullptr otherwise.
const Tensor* constant_of(const ir::Value* v);
// A constant holding exactly one element of a float/double/integer/bool type, as a double.
std::optional<double> scalar_constant(const ir::Value* v);
// True when `v` is a graph output or is read by anything other than `node` (once).
bool has_other_uses(const ir::Value* v, const ir::Node* node);
// True when `v` is a one-element constant within `tol` (relative) of `expected`.
bool is_scalar_near(const ir::Value* v, double expected, double tol = 1e-4);
// For a two-input node one of whose inputs is `v`: the other input (nullptr when `v` is both or neither).
ir::Value* other_input(const ir::Node* n, const ir::Value* v);
// For a two-input `op_type` node with a one-element constant input near `expected`: the other input.
ir::Value* operand_beside_scalar(const ir::Node* n, const char* op_type, double expected);
// The one node reading `v` when `v` is not a graph output and has exactly one use.
ir::Node* sole_consumer(const ir::Value* v);
// The producer of `v` when it is a `op_type` of the ai.onnx domain.
ir::Node* producer_of(const ir::Value* v, const char* op_type);
bool is_op(const ir::Node* n, const char* op_type, const char* domain = "");
// Element type of a value, Undefined when unknown.
DataType dtype_of(const ir::Value* v);
bool is_float_tensor(const ir::Value* v);

// A name no value of `graph` (or an enclosing scope) uses yet, derived from `base`.
std::string unique_value_name(ir::Graph& graph, const std::string& base);
// Adds `t` as a new initializer of `graph` and returns its value.
ir::Value* add_initializer(ir::Graph& graph, const std::string& base, Tensor t);
// Turns `v` (produced by a node about to be removed) into an initializer holding `t`.
void make_initializer(ir::Value* v, Tensor t);
// A new value of `graph` with `type`, named after `base`.
ir::Value* add_value(ir::Graph& graph, const std::string& base, ir::TypeInfo type);

// A node to be added with add_node(); domain "com.microsoft" also records that opset in `graph`.
std::unique_ptr<ir::Node> make_node(ir::Graph& graph, const std::string& op_type, const std::string& domain,
                                    const std::string& name, std::vector<ir::Value*> inputs,
                                    std::vector<ir::Value*> outputs);
ir::Attribute int_attribute(const std::string& name, int64_t v);
ir::Attribute float_attribute(const std::string& name, float v);
ir::Attribute floats_attribute(const std::string& name, std::vector<float> v);
ir::Attribute string_attribute(const std::string& name, std::string v);
ir::Attribute ints_attribute(const std::string& name, std::vector<int64_t> v);

// The value's shape when every dim is known; empty otherwise (and for non-tensors).
Shape static_shape(const ir::Value* v);
// A Transpose's perm, the reversed dims of a rank-`rank` input when the attribute is absent.
std::vector<int64_t> transpose_perm(const ir::Node* transpose, size_t rank);

// Calls `rewrite` on each node of `graph` in topological order, skipping nodes an earlier rewrite
// removed; returns how many calls returned true.
int rewrite_each_node(ir::Graph& graph, const std::function<bool(ir::Graph&, ir::Node*)>& rewrite);

// Rewires input `i` of `node` to `v`.
void set_input(ir::Node* node, int i, ir::Value* v);
// Makes `node` produce `v` as output `i`; `v` must have no other producer.
void set_output(ir::Node* node, int i, ir::Value* v);
// Removes `nodes`, adds `added`, then drops every initializer the removed nodes read that nothing
// reads any more.
void replace_nodes(ir::Graph& graph, const std::vector<ir::Node*>& nodes,
                   std::vector<std::unique_ptr<ir::Node>> added = {});
// The one-node form of replace_nodes.
void replace_nodes(ir::Graph& graph, const std::vector<ir::Node*>& nodes, std::unique_ptr<ir::Node> added);
// Removes `node`, whose output 0 carries its input 0 unchanged: the readers of output 0 read
// input 0 instead, and initializers only `node` read are dropped.
void bypass_node(ir::Graph& graph, ir::Node* node);
// `keep` takes over output 0 of `absorbed` (which read keep's output 0 alone) and `absorbed` goes.
void absorb_successor(ir::Graph& graph, ir::Node* keep, ir::Node* absorbed);
// Drops the initializer behind `v` when nothing reads it and no feed or fetch names it.
void drop_if_unused(ir::Value* v);

}  // namespace onyxrt::opt
