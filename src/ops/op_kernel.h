// The interface between the executor and an op implementation. An OpKernel is created once per
// node at session creation (attributes parsed, weights pre-packed there) and its compute() is
// called on every run, possibly from several threads at once: compute() must not mutate the kernel.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/thread_pool.h"
#include "ir/graph.h"
#include "onyxrt/status.h"
#include "onyxrt/value.h"

namespace onyxrt::ops {

class KernelContext {
 public:
  virtual ~KernelContext() = default;

  virtual int input_count() const = 0;
  // nullptr when the optional input is omitted.
  virtual const Value* input_value(int i) const = 0;
  // The input as a tensor; nullptr when omitted; throws when it is not a tensor.
  const Tensor* input(int i) const;
  // Like input() but raises InvalidArgument naming the node when the input is omitted.
  const Tensor& required_input(int i) const;

  virtual int output_count() const = 0;
  // True when the graph consumes output i (optional outputs may be skipped).
  virtual bool output_requested(int i) const = 0;
  // Allocates output i through the session's allocator and returns it for writing.
  virtual Tensor& allocate_output(int i, DataType dtype, const Shape& shape) = 0;
  // allocate_output without the zero fill, for kernels that write every element of the output.
  Tensor& allocate_output_uninitialized(int i, DataType dtype, const Shape& shape) {
    return allocate_output_raw(i, dtype, shape);
  }
  // Sets output i to a value the kernel built (a view of an input, a sequence, a map).
  virtual void set_output(int i, Value value) = 0;
  // Concat's output i when the plan placed its inputs (plan/concat_placement.h) and a producer has
  // already allocated it with this dtype and shape: it becomes the output, holding whatever the
  // producers wrote into their slices. nullptr: allocate as usual.
  virtual Tensor* placed_output(int i, DataType dtype, const Shape& shape) { return nullptr; }

  virtual const ir::Node& node() const = 0;
  virtual Allocator* allocator() const = 0;
  virtual ThreadPool* thread_pool() const = 0;  // may be null: use ThreadPool::parallel_for(pool, ...)
  virtual const Logger& logger() const = 0;
  // RunOptions.terminate: long kernels check it between blocks of work.
  virtual bool terminate_requested() const = 0;
  virtual bool training_mode() const = 0;
  virtual bool deterministic() const = 0;
  // Runs a subgraph of this node (If/Loop/Scan) with `feeds` bound to its inputs, outer-scope names
  // resolved in the current frame; returns its outputs in order.
  virtual std::vector<Value> run_subgraph(const ir::Graph& graph, const std::vector<Value>& feeds) = 0;

 protected:
  // What allocate_output_uninitialized calls; contexts that do not override it zero-fill anyway.
  virtual Tensor& allocate_output_raw(int i, DataType dtype, const Shape& shape) { return allocate_output(i, dtype, shape); }
};

// What a kernel sees at session creation when it prepares its constant inputs.
class PrepackContext {
 public:
  virtual ~PrepackContext() = default;
  // Input i when it is an initializer no feed can replace (not also a graph input), else nullptr.
  virtual const Tensor* constant_input(int i) const = 0;
  virtual const ir::Node& node() const = 0;
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual void compute(KernelContext& ctx) const = 0;
  // Called once at session creation, before any compute(), unless session.disable_prepacking is
  // "1": a kernel may rearrange constant inputs (weights) into the layout its compute() reads
  // fastest. Returns true when it kept a pre-packed copy (counted and logged by the session).
  virtual bool prepack(const PrepackContext& ctx) { return false; }
};

// Raises NotImplemented naming the node, input and dtype: kernels call it from their factory so
// an unsupported type fails at session creation, never at run time.
[[noreturn]] void unsupported_type(const ir::Node& node, int input, DataType dtype);
// The element type of node input i as inferred at load (Undefined when unknown).
DataType input_dtype(const ir::Node& node, int i);

}  // namespace onyxrt::ops
