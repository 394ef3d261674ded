// The values of one graph execution: its own intermediates plus a link to the enclosing frame
// for outer-scope names (subgraphs of If/Loop/Scan).
#pragma once
#include <unordered_map>

#include "ir/graph.h"
#include "runtime/session_state.h"

namespace onyxrt::runtime {

class ExecutionFrame {
 public:
  // Sized for every value a run may hold at once, so that no insert rehashes.
  ExecutionFrame(const GraphState& state, const ExecutionFrame* parent) : state_(state), parent_(parent) {
    values_.reserve(state.plan.order.size() + 8);
  }

  // A value of this frame, a constant of this graph, or one of an enclosing frame; nullptr if none.
  const Value* find(const ir::Value* v) const {
    auto it = values_.find(v);
    if (it != values_.end()) return &it->second;
    auto c = state_.constants.find(v);
    if (c != state_.constants.end()) return &c->second;
    return parent_ ? parent_->find(v) : nullptr;
  }
  void set(const ir::Value* v, Value value) { values_[v] = std::move(value); }
  void release(const ir::Value* v) { values_.erase(v); }
  const GraphState& state() const { return state_; }

  // The output of a Concat whose inputs are placed (GraphPlan::concat_slots): allocated when the
  // first producer asks for its slice, then handed to the Concat. nullptr until then.
  Tensor* concat_buffer(const ir::Value* concat_output) {
    auto it = concat_buffers_.find(concat_output);
    return it == concat_buffers_.end() ? nullptr : &it->second;
  }
  Tensor& make_concat_buffer(const ir::Value* concat_output, DataType dtype, const Shape& shape, Allocator* allocator) {
    return concat_buffers_[concat_output] = Tensor::allocate_uninitialized(dtype, shape, allocator);
  }
  void release_concat_buffer(const ir::Value* concat_output) { concat_buffers_.erase(concat_output); }

 private:
  const GraphState& state_;
  const ExecutionFrame* parent_;
  std::unordered_map<const ir::Value*, Value> values_;
  std::unordered_map<const ir::Value*, Tensor> concat_buffers_;
};

}  // namespace onyxrt::runtime
