// Every configuration key, declared once. Names, defaults and meanings follow onnxruntime's
// onnxruntime_session_options_config_keys.h / onnxruntime_run_options_config_keys.h as documented
// in the session options guide. `status` says whether onyxrt honours the key yet: flip it to
// Effective in the same change that makes the component read it.
#include <limits>

#include "core/config_keys.h"
#include "onyxrt/status.h"

// Each entry names only the fields that differ from Key's defaults; that is the point of the
// designated initializers, so GCC's warning about omitted members does not apply here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace onyxrt::config {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

using enum ValueType;
using enum Status;

// session.qdq_matmulnbits_block_size: "0" (default 32), "-1" (auto), or a power of two >= 16, as the
// MatMulNBits schema requires of block_size.
void check_matmulnbits_block_size(const Key& key, std::string_view value) {
  const int64_t v = std::stoll(std::string(value));
  if (v == 0 || v == -1) return;
  if (v < 16 || (v & (v - 1)) != 0)
    throw_error(ErrorCode::InvalidArgument, "config key '" + std::string(key.name) +
                                                "' expects 0, -1 or a power of two >= 16, got '" +
                                                std::string(value) + "'");
}

const std::vector<std::string_view> kModelFormats = {"", "ORT", "ONNX"};
const std::vector<std::string_view> kHtpPerfModes = {
    "burst",           "balanced",          "default",         "high_performance",
    "high_power_saver", "low_balanced",     "extreme_power_saver", "low_power_saver",
    "power_saver",     "sustained_high_performance"};

constexpr std::string_view kQnn = "the QNN execution provider (Qualcomm NPU)";
constexpr std::string_view kCuda = "the CUDA execution provider (NVIDIA GPU)";
constexpr std::string_view kEpContext = "compiling execution providers (EPContext models)";
constexpr std::string_view kTraining = "onnxruntime-training builds";

std::vector<Key> make_table() {
  const Scope S = Scope::Session;
  const Scope R = Scope::Run;
  return {
      // session.* : loading and formats
      {.name = "session.load_model_format", .scope = S, .type = Enum, .default_value = "", .allowed = kModelFormats, .component = "onnx/reader", .status = Effective},
      {.name = "session.save_model_format", .scope = S, .type = Enum, .default_value = "", .allowed = kModelFormats, .component = "onnx/writer"},
      {.name = "session.use_ort_model_bytes_directly", .scope = S, .type = Bool, .default_value = "0", .component = "onnx/reader", .status = Effective},
      {.name = "session.use_ort_model_bytes_for_initializers", .scope = S, .type = Bool, .default_value = "0", .component = "onnx/reader"},
      {.name = "session.model_external_initializers_file_folder_path", .scope = S, .type = Path, .default_value = "", .component = "onnx/reader", .status = Effective},
      {.name = "session.optimized_model_external_initializers_file_name", .scope = S, .type = Path, .default_value = "", .component = "onnx/writer"},
      {.name = "session.optimized_model_external_initializers_min_size_in_bytes", .scope = S, .type = Int, .default_value = "1024", .min = 0, .max = INT64_MAX, .component = "onnx/writer"},
      {.name = "session.save_external_prepacked_constant_initializers", .scope = S, .type = Bool, .default_value = "0", .component = "plan/prepack"},
      // session.* : graph optimization
      {.name = "session.disable_prepacking", .scope = S, .type = Bool, .default_value = "0", .component = "plan/prepack", .status = Effective},
      {.name = "session.disable_aot_function_inlining", .scope = S, .type = Bool, .default_value = "0", .component = "ir/function inlining"},
      {.name = "session.graph_optimizations_loop_level", .scope = S, .type = Int, .default_value = "1", .min = 0, .max = 2, .component = "opt/PassManager"},
      {.name = "session.disable_quant_qdq", .scope = S, .type = Bool, .default_value = "0", .component = "opt/qdq passes"},
      {.name = "session.disable_qdq_constant_folding", .scope = S, .type = Bool, .default_value = "0", .component = "opt/constant folding"},
      {.name = "session.disable_double_qdq_remover", .scope = S, .type = Bool, .default_value = "0", .component = "opt/qdq passes"},
      {.name = "session.enable_quant_qdq_cleanup", .scope = S, .type = Bool, .default_value = "0", .component = "opt/qdq passes"},
      {.name = "session.qdq_matmulnbits_accuracy_level", .scope = S, .type = Int, .default_value = "4", .min = 0, .max = 4, .component = "opt/qdq passes"},
      {.name = "session.qdq_matmulnbits_block_size", .scope = S, .type = Int, .default_value = "0", .min = -1, .max = kIntMax, .component = "opt/qdq passes", .extra_check = check_matmulnbits_block_size},
      {.name = "session.enable_dq_matmulnbits_fusion", .scope = S, .type = Bool, .default_value = "0", .component = "opt/qdq passes"},
      {.name = "session.debug_layout_transformation", .scope = S, .type = Bool, .default_value = "0", .component = "opt/layout pass"},
      {.name = "session.strict_shape_type_inference", .scope = S, .type = Bool, .default_value = "0", .component = "ir/shape inference", .status = Effective},
      {.name = "session.allow_released_opsets_only", .scope = S, .type = Bool, .default_value = "0", .component = "ir/opset check"},
      // session.* : memory
      {.name = "session.use_env_allocators", .scope = S, .type = Bool, .default_value = "0", .component = "core/Allocator"},
      {.name = "session.use_device_allocator_for_initializers", .scope = S, .type = Bool, .default_value = "0", .component = "core/Allocator"},
      {.name = "session.collect_node_memory_stats_to_file", .scope = S, .type = Path, .has_default = false, .component = "plan/memory planner"},
      // session.* : threads
      {.name = "session.set_denormal_as_zero", .scope = S, .type = Bool, .default_value = "0", .component = "runtime/ThreadPool"},
      {.name = "session.inter_op.allow_spinning", .scope = S, .type = Bool, .default_value = "1", .component = "runtime/ThreadPool"},
      {.name = "session.intra_op.allow_spinning", .scope = S, .type = Bool, .default_value = "1", .component = "runtime/ThreadPool", .status = Effective},
      {.name = "session.intra_op.spin_duration_us", .scope = S, .type = Int, .has_default = false, .min = 0, .max = kIntMax, .component = "runtime/ThreadPool", .status = Effective},
      {.name = "session.inter_op.spin_duration_us", .scope = S, .type = Int, .has_default = false, .min = 0, .max = kIntMax, .component = "runtime/ThreadPool"},
      // onnxruntime clamps the backoff cap to 64; larger values are accepted for compatibility.
      {.name = "session.intra_op.spin_backoff_max", .scope = S, .type = Int, .default_value = "1", .min = 1, .max = kIntMax, .component = "runtime/ThreadPool", .status = Effective},
      {.name = "session.inter_op.spin_backoff_max", .scope = S, .type = Int, .default_value = "1", .min = 1, .max = kIntMax, .component = "runtime/ThreadPool"},
      {.name = "session.dynamic_block_base", .scope = S, .type = Int, .has_default = false, .min = 0, .max = kIntMax, .component = "runtime/ThreadPool", .status = Effective},
      {.name = "session.force_spinning_stop", .scope = S, .type = Bool, .default_value = "0", .component = "runtime/ThreadPool", .status = Effective},
      {.name = "session.intra_op_thread_affinities", .scope = S, .type = Affinities, .default_value = "", .component = "runtime/ThreadPool", .status = Effective},
      // session.* : quantized kernels
      {.name = "session.x64quantprecision", .scope = S, .type = Bool, .default_value = "0", .component = "kernels/quantized gemm"},
      {.name = "session.qdqisint8allowed", .scope = S, .type = Bool, .default_value = "0", .component = "onnx/writer (ORT format for ARM)", .status = NotApplicable, .hardware = "ORT-format models exported for ARM devices"},
      // session.* : providers and partitioning
      {.name = "session.disable_cpu_ep_fallback", .scope = S, .type = Bool, .default_value = "0", .component = "providers"},
      {.name = "session.node_partition_config_file", .scope = S, .type = Path, .default_value = "", .component = "providers"},
      {.name = "session.layer_assignment_settings", .scope = S, .type = String, .default_value = "", .component = "providers"},
      {.name = "session.record_ep_graph_assignment_info", .scope = S, .type = Bool, .default_value = "0", .component = "providers"},
      {.name = "session.resource_cuda_partitioning_settings", .scope = S, .type = Composite, .default_value = "", .component = "providers", .status = NotApplicable, .hardware = kCuda},
      {.name = "session.disable_model_compile", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "session.fail_on_suboptimal_compiled_model", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      // optimization.*
      {.name = "optimization.enable_gelu_approximation", .scope = S, .type = Bool, .default_value = "0", .component = "opt/gelu fusion"},
      {.name = "optimization.enable_cast_chain_elimination", .scope = S, .type = Bool, .default_value = "0", .component = "opt/cast elimination"},
      {.name = "optimization.disable_specified_optimizers", .scope = S, .type = Csv, .default_value = "", .component = "opt/PassManager", .status = Effective},
      {.name = "optimization.minimal_build_optimizations", .scope = S, .type = Enum, .default_value = "", .allowed = {"", "save", "apply"}, .component = "opt/PassManager"},
      {.name = "optimization.memory_optimizer_config", .scope = S, .type = Path, .default_value = "", .component = "training", .status = NotApplicable, .hardware = kTraining},
      {.name = "optimization.enable_memory_probe_recompute_config", .scope = S, .type = IntPair, .default_value = "0:0", .component = "training", .status = NotApplicable, .hardware = kTraining},
      // ep.*
      {.name = "ep.nnapi.partitioning_stop_ops", .scope = S, .type = Csv, .has_default = false, .component = "providers", .status = NotApplicable, .hardware = "the NNAPI execution provider (Android)"},
      {.name = "ep.context_enable", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.context_file_path", .scope = S, .type = Path, .has_default = false, .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.context_embed_mode", .scope = S, .type = Enum, .default_value = "0", .allowed = {"0", "1"}, .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.context_node_name_prefix", .scope = S, .type = String, .default_value = "", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.share_ep_contexts", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.stop_share_ep_contexts", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.context_model_external_initializers_file_name", .scope = S, .type = Path, .default_value = "", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      {.name = "ep.enable_weightless_ep_context_nodes", .scope = S, .type = Bool, .default_value = "0", .component = "providers", .status = NotApplicable, .hardware = kEpContext},
      // mlas.*
      {.name = "mlas.enable_gemm_fastmath_arm64_bfloat16", .scope = S, .type = Bool, .default_value = "0", .component = "kernels/gemm", .status = NotApplicable, .hardware = "arm64 CPUs with BF16 (fastmath GEMM)"},
      {.name = "mlas.use_lut_gemm", .scope = S, .type = Bool, .default_value = "0", .component = "kernels/quantized gemm"},
      {.name = "mlas.disable_kleidiai", .scope = S, .type = Bool, .default_value = "0", .component = "kernels/gemm", .status = NotApplicable, .hardware = "KleidiAI kernels (arm64)"},
      // ep.dynamic.* (SetEpDynamicOptions)
      {.name = "ep.dynamic.workload_type", .scope = S, .type = Enum, .default_value = "Default", .allowed = {"Default", "Efficient"}, .component = "runtime/ThreadPool"},
      {.name = "ep.dynamic.qnn_htp_performance_mode", .scope = S, .type = Enum, .default_value = "default", .allowed = kHtpPerfModes, .component = "providers", .status = NotApplicable, .hardware = kQnn},

      // Run keys (RunOptions.add_run_config_entry)
      {.name = "memory.enable_memory_arena_shrinkage", .scope = R, .type = DeviceList, .default_value = "", .component = "core/Allocator", .status = Effective},
      {.name = "disable_synchronize_execution_providers", .scope = R, .type = Bool, .default_value = "0", .component = "runtime/Executor", .status = NotApplicable, .hardware = "asynchronous device providers (CUDA streams); CPU runs are always synchronous"},
      {.name = "qnn.htp_perf_mode", .scope = R, .type = Enum, .default_value = "default", .allowed = kHtpPerfModes, .component = "runtime/Executor", .status = NotApplicable, .hardware = kQnn},
      {.name = "qnn.htp_perf_mode_post_run", .scope = R, .type = Enum, .default_value = "default", .allowed = kHtpPerfModes, .component = "runtime/Executor", .status = NotApplicable, .hardware = kQnn},
      {.name = "qnn.rpc_control_latency", .scope = R, .type = Int, .has_default = false, .min = 0, .max = kIntMax, .component = "runtime/Executor", .status = NotApplicable, .hardware = kQnn},
      {.name = "qnn.lora_config", .scope = R, .type = Path, .has_default = false, .component = "runtime/Executor", .status = NotApplicable, .hardware = kQnn},
      {.name = "gpu_graph_id", .scope = R, .type = Int, .default_value = "0", .min = -1, .max = kIntMax, .component = "runtime/Executor", .status = NotApplicable, .hardware = kCuda},
  };
}

}  // namespace

const std::vector<Key>& all_keys() {
  static const std::vector<Key> table = make_table();
  return table;
}

}  // namespace onyxrt::config
