// Runs a graph's plan over an ExecutionFrame. One interface so that a parallel (inter-op)
// executor can replace the sequential one (SessionOptions.execution_mode).
#pragma once
#include <atomic>
#include <memory>
#include <unordered_set>
#include <vector>

#include "core/logger.h"
#include "core/thread_pool.h"
#include "runtime/execution_frame.h"
#include "runtime/profiler.h"
#include "runtime/session_state.h"

namespace onyxrt::runtime {

// Settings of one run shared by every graph it executes (main graph and subgraphs).
struct RunContext {
  const SessionState* state = nullptr;
  Allocator* allocator = nullptr;
  ThreadPool* thread_pool = nullptr;
  const Logger* logger = nullptr;
  Profiler* profiler = nullptr;
  const std::atomic<bool>* terminate = nullptr;
  bool training_mode = false;
  bool deterministic = false;
  // only_execute_path_to_fetches: nodes of the main graph to run (empty: all).
  std::unordered_set<const ir::Node*> main_graph_nodes;
  const ir::Graph* main_graph = nullptr;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Executes `graph` with its inputs already set in `frame`.
  virtual void execute(const ir::Graph& graph, ExecutionFrame& frame, RunContext& run) const = 0;
};

std::unique_ptr<Executor> make_sequential_executor();

// Runs a subgraph with `feeds` bound to its inputs; used by kernels through KernelContext.
std::vector<Value> run_subgraph(const ir::Graph& graph, const std::vector<Value>& feeds, const ExecutionFrame& outer,
                                RunContext& run);

}  // namespace onyxrt::runtime
