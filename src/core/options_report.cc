#include "core/options_report.h"

#include "core/provider_names.h"

namespace onyxrt {
namespace {

const char* py_bool(bool b) { return b ? "True" : "False"; }

const char* mode_name(ExecutionMode m) { return m == ExecutionMode::ORT_PARALLEL ? "ORT_PARALLEL" : "ORT_SEQUENTIAL"; }

const char* order_name(ExecutionOrder o) {
  switch (o) {
    case ExecutionOrder::DEFAULT: return "DEFAULT";
    case ExecutionOrder::PRIORITY_BASED: return "PRIORITY_BASED";
    case ExecutionOrder::MEMORY_EFFICIENT: return "MEMORY_EFFICIENT";
  }
  return "?";
}

}  // namespace

// Effective today: graph_optimization_level, intra_op_num_threads, enable_cpu_mem_arena, log_*, logid, enable_profiling,
// profile_file_prefix, execution_mode=ORT_SEQUENTIAL, free dimension overrides, add_initializer,
// add_external_initializers(_from_files_in_memory). Remove a line below when its feature lands.
std::vector<std::string> ineffective_options(const SessionOptions& o) {
  const SessionOptions d;
  std::vector<std::string> out;
  auto flag = [&](bool changed, const std::string& what) {
    if (changed) out.push_back(what);
  };
  flag(o.enable_mem_pattern != d.enable_mem_pattern, std::string("enable_mem_pattern=") + py_bool(o.enable_mem_pattern));
  flag(o.enable_mem_reuse != d.enable_mem_reuse, std::string("enable_mem_reuse=") + py_bool(o.enable_mem_reuse));
  flag(o.execution_mode != d.execution_mode, std::string("execution_mode=") + mode_name(o.execution_mode));
  flag(o.execution_order != d.execution_order, std::string("execution_order=") + order_name(o.execution_order));
  flag(o.inter_op_num_threads != d.inter_op_num_threads, "inter_op_num_threads=" + std::to_string(o.inter_op_num_threads));
  flag(!o.optimized_model_filepath.empty(), "optimized_model_filepath='" + o.optimized_model_filepath + "'");
  flag(o.use_deterministic_compute != d.use_deterministic_compute,
       std::string("use_deterministic_compute=") + py_bool(o.use_deterministic_compute));
  flag(o.use_per_session_threads != d.use_per_session_threads,
       std::string("use_per_session_threads=") + py_bool(o.use_per_session_threads));
  flag(!o.custom_op_libraries.empty(), "register_custom_ops_library");
  flag(o.provider_selection_policy >= 0, "set_provider_selection_policy (every policy selects " + std::string(kCpuProvider) + ")");
  flag(static_cast<bool>(o.provider_selection_delegate), "set_provider_selection_policy_delegate");
  return out;
}

void warn_ineffective_options(const SessionOptions& options, const Logger& logger) {
  for (const std::string& what : ineffective_options(options))
    logger.warning("SessionOptions." + what + " has no effect on onyxrt yet: ignored");
}

}  // namespace onyxrt
