// A hand-built single-node harness for the NN op tests (ops_b_test.cc): owns an ir::Node with its
// input/output Values, creates the kernel through the registry and runs it on a KernelContext that
// allocates from the system allocator.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ir/shape_inference.h"
#include "ops/registry.h"

namespace onyxrt::ops::testing_b {

class NodeHarness {
 public:
  NodeHarness(std::string op_type, int64_t opset, int n_outputs = 1) {
    node_.op_type = std::move(op_type);
    node_.name = "test_" + node_.op_type;
    node_.opset = opset;
    for (int i = 0; i < n_outputs; ++i) {
      values_.push_back(std::make_unique<ir::Value>());
      values_.back()->name = "out" + std::to_string(i);
      node_.outputs.push_back(values_.back().get());
    }
  }

  // Adds an input with its type recorded on the node (so factories see input_dtype).
  void add_input(const Tensor& t) {
    values_.push_back(std::make_unique<ir::Value>());
    values_.back()->name = "in" + std::to_string(node_.inputs.size());
    values_.back()->type = ir::TypeInfo::tensor(t.dtype(), t.shape());
    node_.inputs.push_back(values_.back().get());
    feeds_.emplace_back(t);
  }
  void add_missing_input() {
    node_.inputs.push_back(nullptr);
    feeds_.emplace_back();
  }
  void set_input_type(int i, ir::TypeInfo type) { node_.inputs[i]->type = std::move(type); }

  void attr_int(const std::string& name, int64_t v) { attr(name, ir::Attribute::Type::Int).i = v; }
  void attr_float(const std::string& name, float v) { attr(name, ir::Attribute::Type::Float).f = v; }
  void attr_string(const std::string& name, const std::string& v) { attr(name, ir::Attribute::Type::String).s = v; }
  void attr_ints(const std::string& name, std::vector<int64_t> v) {
    attr(name, ir::Attribute::Type::Ints).ints = std::move(v);
  }

  ir::Node& node() { return node_; }

  std::unique_ptr<OpKernel> create() {
    const OpDef* def = OpRegistry::instance().find(node_);
    if (def == nullptr) throw_error(ErrorCode::NotImplemented, "no kernel for " + node_.describe());
    return def->create(node_);
  }

  // Creates the kernel and runs it once; returns the outputs.
  std::vector<Value> run(ThreadPool* pool = nullptr) {
    auto kernel = create();
    Context ctx(*this, pool);
    kernel->compute(ctx);
    return ctx.outputs;
  }

  // Runs the op's shape inference; returns output i's inferred type.
  ir::TypeInfo infer(int i = 0) {
    const OpDef* def = OpRegistry::instance().find(node_);
    ir::InferenceContext ctx(node_);
    def->infer(ctx);
    return node_.outputs[i]->type;
  }

 private:
  ir::Attribute& attr(const std::string& name, ir::Attribute::Type type) {
    ir::Attribute& a = node_.attributes[name];
    a.name = name;
    a.type = type;
    return a;
  }

  class Context final : public KernelContext {
   public:
    Context(NodeHarness& h, ThreadPool* pool) : h_(h), pool_(pool), outputs(h.node_.outputs.size()) {}
    int input_count() const override { return static_cast<int>(h_.feeds_.size()); }
    const Value* input_value(int i) const override {
      return i < input_count() && !h_.feeds_[i].empty() ? &h_.feeds_[i] : nullptr;
    }
    int output_count() const override { return static_cast<int>(outputs.size()); }
    bool output_requested(int i) const override { return h_.node_.outputs[i] != nullptr; }
    Tensor& allocate_output(int i, DataType dtype, const Shape& shape) override {
      outputs[i] = Value(Tensor::allocate(dtype, shape, alloc_.get()));
      return outputs[i].mutable_tensor();
    }
    void set_output(int i, Value value) override { outputs[i] = std::move(value); }
    const ir::Node& node() const override { return h_.node_; }
    Allocator* allocator() const override { return alloc_.get(); }
    ThreadPool* thread_pool() const override { return pool_; }
    const Logger& logger() const override { return logger_; }
    bool terminate_requested() const override { return false; }
    bool training_mode() const override { return false; }
    bool deterministic() const override { return false; }
    std::vector<Value> run_subgraph(const ir::Graph&, const std::vector<Value>&) override {
      throw_error(ErrorCode::NotImplemented, "no subgraphs in this harness");
    }

    NodeHarness& h_;
    ThreadPool* pool_;
    std::shared_ptr<Allocator> alloc_ = cpu_allocator();
    Logger logger_;
    std::vector<Value> outputs;
  };

  ir::Node node_;
  std::vector<std::unique_ptr<ir::Value>> values_;
  std::vector<Value> feeds_;
};

template <typename T>
Tensor random_tensor(DataType dt, const Shape& shape, std::mt19937& rng, double lo = -1.0, double hi = 1.0) {
  Tensor t = Tensor::allocate(dt, shape);
  std::uniform_real_distribution<double> dist(lo, hi);
  T* p = t.mutable_data<T>();
  for (int64_t i = 0; i < t.size(); ++i) p[i] = static_cast<T>(dist(rng));
  return t;
}

// Element-wise |got - want| <= tol * (1 + |want|), with the first mismatch reported.
template <typename TGot>
void expect_close(const Tensor& got, const std::vector<double>& want, const Shape& want_shape, double tol) {
  ASSERT_EQ(shape_to_string(got.shape()), shape_to_string(want_shape));
  ASSERT_EQ(static_cast<size_t>(got.size()), want.size());
  const TGot* g = got.data<TGot>();
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(static_cast<double>(g[i]), want[i], tol * (1.0 + std::abs(want[i]))) << "at flat index " << i;
}

}  // namespace onyxrt::ops::testing_b
