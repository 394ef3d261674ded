#include "runtime/executor.h"
#include "runtime/node_context.h"

namespace onyxrt::runtime {
namespace {

class SequentialExecutor final : public Executor {
 public:
  void execute(const ir::Graph& graph, ExecutionFrame& frame, RunContext& run) const override {
    const GraphState& gs = frame.state();
    const bool filter = &graph == run.main_graph && !run.main_graph_nodes.empty();
    for (size_t step = 0; step < gs.plan.order.size(); ++step) {
      const ir::Node* node = gs.plan.order[step];
      if (filter && !run.main_graph_nodes.count(node)) continue;
      if (run.terminate && run.terminate->load())
        throw_error(ErrorCode::Fail, "Exiting due to terminate flag being set to true.");
      auto begin = run.profiler ? run.profiler->now() : Profiler::Clock::time_point{};
      NodeContext ctx(*node, frame, run);
      try {
        gs.step_kernels[step]->compute(ctx);
      } catch (const Error& e) {
        // Kernels raise with the node in the message; add it where they did not.
        std::string what = e.what();
        if (what.find(node->name) == std::string::npos || node->name.empty())
          throw Error(e.code(), node->describe() + ": " + what);
        throw;
      } catch (const std::exception& e) {
        throw_error(ErrorCode::RuntimeException, node->describe() + ": " + e.what());
      }
      ctx.commit();
      if (run.profiler && run.profiler->enabled())
        run.profiler->record("Node", node->name + "_kernel_time", begin,
                             {{"op_name", node->op_type}, {"provider", "CPUExecutionProvider"}});
      for (const ir::Value* dead : gs.plan.release_after[step]) frame.release(dead);
    }
  }
};

}  // namespace

std::unique_ptr<Executor> make_sequential_executor() { return std::make_unique<SequentialExecutor>(); }

std::vector<Value> run_subgraph(const ir::Graph& graph, const std::vector<Value>& feeds, const ExecutionFrame& outer,
                                RunContext& run) {
  const GraphState& gs = run.state->graph_state(graph);
  ExecutionFrame frame(gs, &outer);
  if (feeds.size() > graph.inputs.size())
    throw_error(ErrorCode::RuntimeException, "subgraph '" + graph.name + "' takes " + std::to_string(graph.inputs.size()) +
                                                 " inputs, got " + std::to_string(feeds.size()));
  for (size_t i = 0; i < feeds.size(); ++i) frame.set(graph.inputs[i], feeds[i]);
  // Subgraphs always run sequentially: their parallelism is inside the enclosing node.
  static const std::unique_ptr<Executor> sequential = make_sequential_executor();
  sequential->execute(graph, frame, run);
  std::vector<Value> outputs;
  for (const ir::Value* v : graph.outputs) {
    const Value* value = frame.find(v);
    if (!value) throw_error(ErrorCode::RuntimeException, "subgraph '" + graph.name + "' did not produce output '" + v->name + "'");
    outputs.push_back(*value);
  }
  return outputs;
}

}  // namespace onyxrt::runtime
