// Per-op type and shape inference that keeps symbolic dims. Each op's inference function lives in
// the op's file (src/ops/...) and is found through the lookup passed in, so this layer does not
// depend on the op registry.
#pragma once
#include <functional>
#include <string>

#include "ir/graph.h"

namespace onyxrt {
class Logger;
}

namespace onyxrt::ir {

class InferenceContext {
 public:
  InferenceContext(const Node& node) : node_(node) {}
  const Node& node() const { return node_; }
  int input_count() const { return node_.input_count(); }
  bool has_input(int i) const { return node_.has_input(i); }
  // Unknown TypeInfo when the input is missing.
  const TypeInfo& input_type(int i) const;
  // The input's value when it is an initializer (constant) of this graph or an outer graph.
  const Tensor* input_constant(int i) const;
  int output_count() const { return static_cast<int>(node_.outputs.size()); }
  void set_output_type(int i, TypeInfo type);
  // Raises InvalidGraph naming the node with `what`.
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const Node& node_;
};

using InferFn = std::function<void(InferenceContext&)>;
// Returns the inference function for a node, or nullptr when none is known.
using InferFnLookup = std::function<InferFn(const Node&)>;

struct ShapeInferenceOptions {
  bool strict = false;  // session.strict_shape_type_inference: mismatches raise instead of warn
};

// Walks `graph` in topological order. Output types already declared (value_info, graph outputs)
// are merged with inferred ones; a conflict warns or, with strict, raises InvalidGraph.
void infer_shapes(Graph& graph, const InferFnLookup& lookup, const ShapeInferenceOptions& options,
                  const Logger& logger);

// Broadcasting of two symbolic shapes by the numpy rule; fails on incompatible known dims.
SymShape broadcast_shapes(const SymShape& a, const SymShape& b, const InferenceContext& ctx);

}  // namespace onyxrt::ir
