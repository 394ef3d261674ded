// SessionOptions and RunOptions: the fields, defaults and methods that onnxruntime documents
// (shared/seed/session-options-guide.txt). Fields are plain so that the Python binding is a thin
// skin; string config entries are validated against the one key registry (src/core/config_keys).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt {

enum class GraphOptimizationLevel : int {
  ORT_DISABLE_ALL = 0,
  ORT_ENABLE_BASIC = 1,
  ORT_ENABLE_EXTENDED = 2,
  ORT_ENABLE_LAYOUT = 3,
  ORT_ENABLE_ALL = 99,
};

enum class ExecutionMode : int { ORT_SEQUENTIAL = 0, ORT_PARALLEL = 1 };

enum class ExecutionOrder : int { DEFAULT = 0, PRIORITY_BASED = 1, MEMORY_EFFICIENT = 2 };

// A device that an execution provider can run on (add_provider_for_devices). On this CPU-only
// engine only the CPU device exists.
struct EpDevice {
  std::string ep_name = "CPUExecutionProvider";
  std::string ep_vendor = "onyxrt";
  std::string device_type = "CPU";
};

struct ProviderEntry {
  std::string name;
  std::map<std::string, std::string> options;
};

// Cancellation token shared between SessionOptions and a session being loaded.
struct LoadCancellation {
  std::atomic<bool> cancelled{false};
};

struct SessionOptions {
  bool enable_cpu_mem_arena = true;
  bool enable_mem_pattern = true;
  bool enable_mem_reuse = true;
  bool enable_profiling = false;
  ExecutionMode execution_mode = ExecutionMode::ORT_SEQUENTIAL;
  ExecutionOrder execution_order = ExecutionOrder::DEFAULT;
  GraphOptimizationLevel graph_optimization_level = GraphOptimizationLevel::ORT_ENABLE_ALL;
  int inter_op_num_threads = 0;  // 0: chosen by the engine
  int intra_op_num_threads = 0;  // 0: one thread per physical core
  int log_severity_level = -1;   // -1: the process default (WARNING)
  int log_verbosity_level = 0;
  std::string logid;
  std::string optimized_model_filepath;
  std::string profile_file_prefix = "onnxruntime_profile_";
  bool use_deterministic_compute = false;
  bool use_per_session_threads = true;

  // add_session_config_entry / get_session_config_entry. Throws InvalidArgument on an unknown key
  // (naming the closest known one) or a value outside the key's allowed set.
  void add_session_config_entry(const std::string& key, const std::string& value);
  // Returns the value set, or throws InvalidArgument when the key was never set (as onnxruntime).
  std::string get_session_config_entry(const std::string& key) const;
  bool has_session_config_entry(const std::string& key) const;
  // The value set, else the registry's default for that key.
  std::string config_or_default(const std::string& key) const;
  const std::map<std::string, std::string>& config_entries() const { return config_; }

  void add_free_dimension_override_by_name(const std::string& dim_name, int64_t value);
  void add_free_dimension_override_by_denotation(const std::string& denotation, int64_t value);
  void add_initializer(const std::string& name, const Tensor& value);
  void add_external_initializers(const std::vector<std::string>& names, const std::vector<Tensor>& values);
  void add_external_initializers_from_files_in_memory(const std::vector<std::string>& file_names,
                                                      const std::vector<std::shared_ptr<const std::string>>& buffers,
                                                      const std::vector<size_t>& lengths);
  void add_provider(const std::string& provider_name, const std::map<std::string, std::string>& options);
  void add_provider_for_devices(const std::vector<EpDevice>& devices, const std::map<std::string, std::string>& options);
  bool has_providers() const;
  void register_custom_ops_library(const std::string& path);
  void set_load_cancellation_flag(bool cancel);
  void set_provider_selection_policy(int policy);
  using SelectionDelegate = std::function<std::vector<EpDevice>(const std::vector<EpDevice>&)>;
  void set_provider_selection_policy_delegate(SelectionDelegate delegate);

  // State the methods above record; read by the session at creation.
  std::map<std::string, int64_t> free_dimension_overrides_by_name;
  std::map<std::string, int64_t> free_dimension_overrides_by_denotation;
  std::map<std::string, Tensor> initializers;  // add_initializer and add_external_initializers
  std::map<std::string, std::shared_ptr<const std::string>> external_files_in_memory;
  std::vector<ProviderEntry> providers;
  std::vector<std::string> custom_op_libraries;
  std::shared_ptr<LoadCancellation> load_cancellation = std::make_shared<LoadCancellation>();
  int provider_selection_policy = -1;  // -1: none set
  SelectionDelegate provider_selection_delegate;

 private:
  std::map<std::string, std::string> config_;
};

struct RunOptions {
  int log_severity_level = 2;  // WARNING
  int log_verbosity_level = 0;
  std::string logid;
  // Set (from any thread) to stop a run in progress; the run raises and the flag resets to false
  // before the next run.
  std::shared_ptr<std::atomic<bool>> terminate_flag = std::make_shared<std::atomic<bool>>(false);
  bool only_execute_path_to_fetches = false;
  bool training_mode = false;

  bool terminate() const { return terminate_flag->load(); }
  void set_terminate(bool v) { terminate_flag->store(v); }

  void add_run_config_entry(const std::string& key, const std::string& value);
  std::string get_run_config_entry(const std::string& key) const;
  const std::map<std::string, std::string>& config_entries() const { return config_; }

 private:
  std::map<std::string, std::string> config_;
};

}  // namespace onyxrt
