// Test harness for running one kernel outside a session: SingleNodeGraph builds an ir::Node with
// typed input/output values and attributes; TestKernelContext feeds it Values and collects what
// the kernel outputs. Shared by the op unit tests (ops_a_test.cc and others).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ir/shape_inference.h"
#include "ops/registry.h"

namespace onyxrt::ops::testing {

class SingleNodeGraph {
 public:
  SingleNodeGraph(std::string op_type, int64_t opset, int n_outputs = 1) {
    node.op_type = std::move(op_type);
    node.name = "test_" + node.op_type;
    node.opset = opset;
    for (int i = 0; i < n_outputs; ++i) node.outputs.push_back(new_value("out" + std::to_string(i), {}));
  }

  // Adds a tensor input; its type (dtype and shape) is recorded so factories see input_dtype().
  SingleNodeGraph& input(const Tensor& t) {
    node.inputs.push_back(new_value("in" + std::to_string(node.inputs.size()), ir::TypeInfo::tensor(t.dtype(), t.shape())));
    feeds.emplace_back(t);
    return *this;
  }
  // Adds a non-tensor input (sequence, optional) with the given declared type.
  SingleNodeGraph& input(Value v, ir::TypeInfo type) {
    node.inputs.push_back(new_value("in" + std::to_string(node.inputs.size()), std::move(type)));
    feeds.push_back(std::move(v));
    return *this;
  }
  // Adds an input that is an initializer, so shape inference sees it through input_constant().
  SingleNodeGraph& constant_input(const Tensor& t) {
    input(t);
    ir::Value* v = node.inputs.back();
    v->is_initializer = true;
    v->owner = &graph_;
    graph_.initializers[v->name] = t;
    return *this;
  }
  SingleNodeGraph& missing_input() {
    node.inputs.push_back(nullptr);
    feeds.emplace_back();
    return *this;
  }

  SingleNodeGraph& attr_int(const std::string& name, int64_t v) { return set(name, ir::Attribute::Type::Int, [&](auto& a) { a.i = v; }); }
  SingleNodeGraph& attr_float(const std::string& name, float v) { return set(name, ir::Attribute::Type::Float, [&](auto& a) { a.f = v; }); }
  SingleNodeGraph& attr_string(const std::string& name, std::string v) { return set(name, ir::Attribute::Type::String, [&](auto& a) { a.s = v; }); }
  SingleNodeGraph& attr_ints(const std::string& name, std::vector<int64_t> v) { return set(name, ir::Attribute::Type::Ints, [&](auto& a) { a.ints = v; }); }
  SingleNodeGraph& attr_floats(const std::string& name, std::vector<float> v) { return set(name, ir::Attribute::Type::Floats, [&](auto& a) { a.floats = v; }); }
  SingleNodeGraph& attr_strings(const std::string& name, std::vector<std::string> v) { return set(name, ir::Attribute::Type::Strings, [&](auto& a) { a.strings = v; }); }
  SingleNodeGraph& attr_tensor(const std::string& name, Tensor v) { return set(name, ir::Attribute::Type::Tensor, [&](auto& a) { a.t = v; }); }

  // The registered kernel for this node; throws NotImplemented when none is registered.
  std::unique_ptr<OpKernel> create_kernel() const {
    const OpDef* def = OpRegistry::instance().find(node);
    if (def == nullptr) throw_error(ErrorCode::NotImplemented, "no kernel registered for " + node.describe());
    return def->create(node);
  }

  // Creates the kernel, runs it once and returns its outputs.
  std::vector<Value> run(ThreadPool* pool = nullptr);

  // Runs the op's shape inference and returns output i's type.
  ir::TypeInfo infer(int i = 0) {
    const OpDef* def = OpRegistry::instance().find(node);
    if (def == nullptr || def->infer == nullptr) throw_error(ErrorCode::NotImplemented, "no inference for " + node.describe());
    ir::InferenceContext ctx(node);
    def->infer(ctx);
    return node.outputs[i]->type;
  }

  ir::Node node;
  std::vector<Value> feeds;

 private:
  ir::Value* new_value(std::string name, ir::TypeInfo type) {
    values_.push_back(std::make_unique<ir::Value>());
    values_.back()->name = std::move(name);
    values_.back()->type = std::move(type);
    return values_.back().get();
  }
  template <typename Fn>
  SingleNodeGraph& set(const std::string& name, ir::Attribute::Type type, Fn&& fill) {
    ir::Attribute& a = node.attributes[name];
    a.name = name;
    a.type = type;
    fill(a);
    return *this;
  }
  ir::Graph graph_;  // holds the initializers of constant_input()
  std::vector<std::unique_ptr<ir::Value>> values_;
};

class TestKernelContext final : public KernelContext {
 public:
  TestKernelContext(const ir::Node& node, const std::vector<Value>& feeds, ThreadPool* pool = nullptr)
      : node_(node), feeds_(feeds), pool_(pool), outputs(node.outputs.size()) {}

  int input_count() const override { return static_cast<int>(feeds_.size()); }
  const Value* input_value(int i) const override {
    return i < input_count() && !feeds_[i].empty() ? &feeds_[i] : nullptr;
  }
  int output_count() const override { return static_cast<int>(outputs.size()); }
  bool output_requested(int i) const override { return node_.outputs[i] != nullptr; }
  Tensor& allocate_output(int i, DataType dtype, const Shape& shape) override {
    outputs[i] = Value(Tensor::allocate(dtype, shape, allocator_.get()));
    return outputs[i].mutable_tensor();
  }
  void set_output(int i, Value value) override { outputs[i] = std::move(value); }
  const ir::Node& node() const override { return node_; }
  Allocator* allocator() const override { return allocator_.get(); }
  ThreadPool* thread_pool() const override { return pool_; }
  const Logger& logger() const override { return logger_; }
  bool terminate_requested() const override { return false; }
  bool training_mode() const override { return false; }
  bool deterministic() const override { return true; }
  std::vector<Value> run_subgraph(const ir::Graph&, const std::vector<Value>&) override {
    throw_error(ErrorCode::NotImplemented, "TestKernelContext does not run subgraphs");
  }

 private:
  const ir::Node& node_;
  const std::vector<Value>& feeds_;
  ThreadPool* pool_;
  std::shared_ptr<Allocator> allocator_ = cpu_allocator();
  Logger logger_;

 public:
  std::vector<Value> outputs;
};

inline std::vector<Value> SingleNodeGraph::run(ThreadPool* pool) {
  auto kernel = create_kernel();
  TestKernelContext ctx(node, feeds, pool);
  kernel->compute(ctx);
  return ctx.outputs;
}

// A tensor of `shape` filled from `values` (converted to T).
template <typename T, typename V>
Tensor make_tensor(DataType dt, const Shape& shape, const std::vector<V>& values) {
  Tensor t = Tensor::allocate(dt, shape);
  T* p = t.mutable_data<T>();
  for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.size(); ++i) p[i] = static_cast<T>(values[i]);
  return t;
}

template <typename T>
std::vector<T> tensor_values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.size());
}

}  // namespace onyxrt::ops::testing
