// The composition a session is made of: the loaded model, its graph after optimization, the
// prepared state (plans, kernels), the thread pool, the logger and the profiler.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/logger.h"
#include "core/thread_pool.h"
#include "ir/graph.h"
#include "onnx/proto.h"
#include "onyxrt/session.h"
#include "opt/pass_manager.h"
#include "runtime/executor.h"
#include "runtime/profiler.h"
#include "runtime/session_state.h"

namespace onyxrt {

class SessionImpl {
 public:
  SessionImpl(onnx::ModelProto model, const SessionOptions& options, std::unique_ptr<Logger> logger);

  std::vector<Value> run(const std::vector<std::string>& output_names, const std::vector<Session::Feed>& feeds,
                         const RunOptions& run_options);

  const std::vector<IoInfo>& inputs() const { return inputs_; }
  const std::vector<IoInfo>& outputs() const { return outputs_; }
  const std::vector<IoInfo>& overridable_initializers() const { return overridable_; }
  const ModelMetadata& metadata() const { return metadata_; }
  const SessionOptions& options() const { return options_; }
  std::string end_profiling() { return profiler_.end(); }
  const ir::Graph& graph() const { return *graph_; }
  const opt::PassReport& optimization_report() const { return pass_report_; }
  const Logger& logger() const { return *logger_; }
  int intra_op_threads() const { return thread_pool_ ? thread_pool_->num_threads() : 1; }

 private:
  void apply_user_initializers();
  void prepare();
  void describe_io();
  Value validated_feed(const ir::Value& input, const Value& fed) const;
  std::unordered_set<const ir::Node*> nodes_needed_for(const std::vector<const ir::Value*>& fetches) const;
  void collect_constant_ranges(const ir::Graph& g);

  SessionOptions options_;
  std::unique_ptr<Logger> logger_;
  onnx::ModelProto model_;
  std::unique_ptr<ir::Graph> graph_;
  opt::PassReport pass_report_;
  runtime::SessionState state_;
  std::unique_ptr<ThreadPool> thread_pool_;
  bool force_spinning_stop_ = false;
  std::atomic<int> running_{0};  // runs in progress
  std::unique_ptr<runtime::Executor> executor_;
  runtime::Profiler profiler_;
  std::shared_ptr<Allocator> allocator_;
  std::vector<IoInfo> inputs_, outputs_, overridable_;
  // Byte ranges of every initializer (all graphs): an output that views one (Identity, Reshape of
  // a weight) is copied so callers can never write into the model's constants.
  std::vector<std::pair<const char*, const char*>> constant_ranges_;
  ModelMetadata metadata_;
};

}  // namespace onyxrt
