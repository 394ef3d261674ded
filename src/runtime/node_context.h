// The KernelContext a node's compute() sees: its inputs from the frame, outputs written back.
#pragma once
#include "ops/op_kernel.h"
#include "runtime/executor.h"

namespace onyxrt::runtime {

class NodeContext final : public ops::KernelContext {
 public:
  NodeContext(const ir::Node& node, ExecutionFrame& frame, RunContext& run)
      : node_(node),
        frame_(frame),
        run_(run),
        input_count_(static_cast<int>(node.inputs.size())),
        output_count_(static_cast<int>(node.outputs.size())) {
    if (node.inputs.size() > kInlineInputs) inputs_heap_.resize(node.inputs.size()), inputs_ = inputs_heap_.data();
    for (int i = 0; i < input_count_; ++i) inputs_[i] = node.inputs[i] ? frame.find(node.inputs[i]) : nullptr;
    if (node.outputs.size() > kInlineOutputs) outputs_heap_.resize(node.outputs.size()), outputs_ = outputs_heap_.data();
  }
  // inputs_ and outputs_ may point into this object.
  NodeContext(const NodeContext&) = delete;
  NodeContext& operator=(const NodeContext&) = delete;

  int input_count() const override { return input_count_; }
  const Value* input_value(int i) const override { return i < input_count() ? inputs_[i] : nullptr; }
  int output_count() const override { return output_count_; }
  bool output_requested(int i) const override { return i < output_count() && node_.outputs[i] != nullptr; }
  Tensor& allocate_output(int i, DataType dtype, const Shape& shape) override;
  Tensor& allocate_output_raw(int i, DataType dtype, const Shape& shape) override;
  void set_output(int i, Value value) override;
  Tensor* placed_output(int i, DataType dtype, const Shape& shape) override;
  const ir::Node& node() const override { return node_; }
  Allocator* allocator() const override { return run_.allocator; }
  ThreadPool* thread_pool() const override { return run_.thread_pool; }
  const Logger& logger() const override { return *run_.logger; }
  bool terminate_requested() const override { return run_.terminate && run_.terminate->load(); }
  bool training_mode() const override { return run_.training_mode; }
  bool deterministic() const override { return run_.deterministic; }
  std::vector<Value> run_subgraph(const ir::Graph& graph, const std::vector<Value>& feeds) override {
    return runtime::run_subgraph(graph, feeds, frame_, run_);
  }

  // Moves the produced outputs into the frame; raises when a requested output was not produced.
  void commit();

 private:
  void check_index(int i) const;
  // Output i as a view of its slice of a Concat's output (GraphPlan::concat_slots), when the kernel
  // asks for the planned dtype and shape; false otherwise.
  bool place_in_concat(int i, DataType dtype, const Shape& shape, bool zero);
  const ir::Node& node_;
  ExecutionFrame& frame_;
  RunContext& run_;
  // A node's few inputs and outputs live here, not in vectors allocated on every node run; the
  // vectors take the rare larger ones (Concat of many inputs, Split into many outputs).
  static constexpr size_t kInlineInputs = 8, kInlineOutputs = 2;
  int input_count_, output_count_;
  const Value* inputs_inline_[kInlineInputs];
  std::vector<const Value*> inputs_heap_;
  const Value** inputs_ = inputs_inline_;
  Value outputs_inline_[kInlineOutputs];
  std::vector<Value> outputs_heap_;
  Value* outputs_ = outputs_inline_;
};

}  // namespace onyxrt::runtime
