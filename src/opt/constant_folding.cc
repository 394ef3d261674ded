// Level 1 (onnxruntime's ConstantFolding): a deterministic node whose inputs are all constant
// initializers is run once, here, with its own kernel, and its outputs become initializers.
// Constant nodes turn into initializers the same way, which is what lets the fusions of both
// levels see the scalars and shapes PyTorch exports as Constant nodes. Shape and Size of a value
// whose shape is fully known fold without running anything.
#include <algorithm>
#include <set>
#include <string>

#include "core/logger.h"
#include "onyxrt/allocator.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"
#include "ops/registry.h"

namespace onyxrt::opt {
namespace {

// Results larger than this are folded only when they are no larger than the inputs they replace,
// so that folding never inflates the model (a ConstantOfShape or Expand of a big shape)...
constexpr size_t kFreeFoldBytes = size_t(1) << 20;
// ...unless every reader takes the result as a weight (up to this size): a model that builds its
// weights at run time (the onnx `light_*` models fill them with ConstantOfShape) then gets them
// pre-packed like initializers instead of rebuilding hundreds of MB on every run, as onnxruntime's
// folding does.
constexpr size_t kWeightFoldBytes = size_t(512) << 20;

// Readers that only reshape their input 0 pass the question on to their own readers (light_*
// models Reshape the ConstantOfShape classifier weight before the Gemm).
bool only_read_as_weight(const ir::Value* v, int depth = 0) {
  static const std::set<std::string> weight_readers = {"Conv", "ConvTranspose", "Gemm", "MatMul", "FusedConv",
                                                       "FusedMatMul"};
  static const std::set<std::string> reshapers = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose"};
  if (v->consumers.empty() || depth > 4) return false;
  for (const ir::Node* c : v->consumers) {
    if (c->inputs.empty()) return false;
    if (reshapers.count(c->op_type) && c->inputs[0] == v) {
      if (c->outputs.size() != 1 || !c->outputs[0] || !only_read_as_weight(c->outputs[0], depth + 1)) return false;
      continue;
    }
    if (!weight_readers.count(c->op_type) || c->inputs[0] == v) return false;
  }
  return true;
}

const std::set<std::string>& nondeterministic_ops() {
  static const std::set<std::string> ops = {"RandomNormal", "RandomUniform", "RandomNormalLike",
                                            "RandomUniformLike", "Bernoulli", "Multinomial"};
  return ops;
}

class FoldContext final : public ops::KernelContext {
 public:
  FoldContext(const ir::Node& node, std::vector<Value> inputs)
      : node_(node), inputs_(std::move(inputs)), outputs_(node.outputs.size()) {}

  int input_count() const override { return static_cast<int>(inputs_.size()); }
  const Value* input_value(int i) const override {
    return i < input_count() && !inputs_[i].empty() ? &inputs_[i] : nullptr;
  }
  int output_count() const override { return static_cast<int>(outputs_.size()); }
  bool output_requested(int i) const override { return i < output_count() && node_.outputs[i] != nullptr; }
  Tensor& allocate_output(int i, DataType dtype, const Shape& shape) override {
    outputs_.at(i) = Value(Tensor::allocate(dtype, shape, allocator_));
    return outputs_[i].mutable_tensor();
  }
  void set_output(int i, Value value) override { outputs_.at(i) = std::move(value); }
  const ir::Node& node() const override { return node_; }
  Allocator* allocator() const override { return allocator_.get(); }
  ThreadPool* thread_pool() const override { return nullptr; }
  const Logger& logger() const override {
    static const Logger quiet("constant folding");
    return quiet;
  }
  bool terminate_requested() const override { return false; }
  bool training_mode() const override { return false; }
  bool deterministic() const override { return true; }
  std::vector<Value> run_subgraph(const ir::Graph&, const std::vector<Value>&) override {
    throw_error(ErrorCode::NotImplemented, "constant folding does not run subgraphs");
  }

  std::vector<Value>& outputs() { return outputs_; }

 private:
  const ir::Node& node_;
  std::vector<Value> inputs_;
  std::vector<Value> outputs_;
  std::shared_ptr<Allocator> allocator_ = cpu_allocator();
};

bool has_subgraph(const ir::Node& n) {
  return std::any_of(n.attributes.begin(), n.attributes.end(),
                     [](const auto& kv) { return kv.second.g || !kv.second.graphs.empty(); });
}

// Shape/Size of a statically shaped value (Shape's start/end of opset 15 included).
bool fold_shape_query(ir::Graph& graph, ir::Node* n) {
  const bool is_shape = is_op(n, "Shape"), is_size = is_op(n, "Size");
  if ((!is_shape && !is_size) || n->input_count() != 1 || !n->inputs[0] || n->outputs.size() != 1) return false;
  const ir::TypeInfo& t = n->inputs[0]->type;
  ir::Value* out = n->outputs[0];
  if (!t.is_tensor() || !t.shape_known() || !out || out->is_graph_output) return false;
  const Shape dims = t.concrete_shape();
  Tensor result;
  if (is_size) {
    result = Tensor::scalar<int64_t>(DataType::Int64, shape_size(dims));
  } else {
    const int64_t rank = static_cast<int64_t>(dims.size());
    auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t(0), rank); };
    const int64_t begin = clamp(n->get_int("start", 0)), end = clamp(n->get_int("end", rank));
    const int64_t len = std::max<int64_t>(0, end - begin);
    result = Tensor::allocate(DataType::Int64, {len});
    std::copy(dims.begin() + begin, dims.begin() + begin + len, result.mutable_data<int64_t>());
  }
  replace_nodes(graph, {n});
  make_initializer(out, std::move(result));
  return true;
}

bool fold_node(ir::Graph& graph, ir::Node* n) {
  if (n->outputs.empty() || nondeterministic_ops().count(n->op_type) || has_subgraph(*n)) return false;
  for (const ir::Value* out : n->outputs)
    if (out && (out->is_graph_output || (!out->type.is_tensor() && out->type.kind != ir::TypeInfo::Kind::Unknown)))
      return false;
  std::vector<Value> inputs;
  size_t in_bytes = 0;
  for (const ir::Value* v : n->inputs) {
    if (!v) {
      inputs.emplace_back();
      continue;
    }
    const Tensor* t = constant_of(v);
    if (!t) return false;
    in_bytes += t->nbytes();
    inputs.emplace_back(*t);
  }
  const ops::OpDef* def = ops::OpRegistry::instance().find(*n);
  if (!def) return false;
  FoldContext ctx(*n, std::move(inputs));
  try {
    def->create(*n)->compute(ctx);
  } catch (const std::exception&) {
    return false;  // the node raises again, with its message, when the session runs it
  }
  size_t out_bytes = 0;
  for (size_t i = 0; i < n->outputs.size(); ++i) {
    if (!n->outputs[i]) continue;
    const Value& v = ctx.outputs()[i];
    if (!v.is_tensor()) return false;
    out_bytes += v.tensor().nbytes();
  }
  bool weights = out_bytes <= kWeightFoldBytes;
  for (const ir::Value* out : n->outputs)
    if (out && !only_read_as_weight(out)) weights = false;
  if (n->op_type != "Constant" && out_bytes > std::max(kFreeFoldBytes, in_bytes) && !weights) return false;
  std::vector<ir::Value*> outs = n->outputs;
  replace_nodes(graph, {n});
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i]) make_initializer(outs[i], ctx.outputs()[i].tensor());
  return true;
}

class ConstantFolding final : public GraphPass {
 public:
  const char* name() const override { return "ConstantFolding"; }
  int apply(ir::Graph& graph) const override {
    return rewrite_each_node(graph, [](ir::Graph& g, ir::Node* n) { return fold_shape_query(g, n) || fold_node(g, n); });
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(1, 10, ConstantFolding);

}  // namespace onyxrt::opt
