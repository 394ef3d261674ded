#include "runtime/session_impl.h"

#include "runtime/thread_pool_config.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/cpu_features.h"
#include "core/options_report.h"
#include "ir/graph_builder.h"
#include "ir/shape_inference.h"
#include "ops/registry.h"

namespace onyxrt {
namespace {

IoInfo io_info(const ir::Value& v) {
  IoInfo info;
  info.name = v.name;
  info.type = v.type.to_string();
  info.elem_type = v.type.elem;
  info.has_shape = v.type.has_shape;
  for (const ir::Dim& d : v.type.shape) info.shape.push_back(DimInfo{d.value, d.symbol});
  return info;
}

std::set<std::string> split_csv(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.insert(item);
  return out;
}

// True when the run option memory.enable_memory_arena_shrinkage lists a cpu device ("cpu:0;gpu:0").
bool shrink_cpu_arena(const RunOptions& o) {
  const auto& entries = o.config_entries();
  const auto it = entries.find("memory.enable_memory_arena_shrinkage");
  if (it == entries.end()) return false;
  const std::string& list = it->second;
  for (size_t begin = 0; begin <= list.size();) {
    size_t end = list.find(';', begin);
    if (end == std::string::npos) end = list.size();
    if (list.compare(begin, 4, "cpu:") == 0 && end > begin + 4) return true;
    begin = end + 1;
  }
  return false;
}

bool config_flag(const SessionOptions& o, const std::string& key) {
  return o.has_session_config_entry(key) && o.get_session_config_entry(key) == "1";
}

}  // namespace

SessionImpl::SessionImpl(onnx::ModelProto model, const SessionOptions& options, std::unique_ptr<Logger> logger)
    : options_(options), logger_(std::move(logger)), model_(std::move(model)),
      allocator_(options.enable_cpu_mem_arena ? cpu_arena_allocator() : cpu_allocator()) {
  if (options_.enable_profiling) profiler_.start(options_.profile_file_prefix);
  auto begin = profiler_.now();
  warn_ineffective_options(options_, *logger_);
  prepare();
  profiler_.record("Session", "session_initialization", begin);
}

void SessionImpl::prepare() {
  const std::atomic<bool>& cancel = options_.load_cancellation->cancelled;
  ir::GraphBuildOptions build;
  build.dim_overrides_by_name = options_.free_dimension_overrides_by_name;
  build.dim_overrides_by_denotation = options_.free_dimension_overrides_by_denotation;
  build.in_memory_files = &options_.external_files_in_memory;
  if (options_.has_session_config_entry("session.model_external_initializers_file_folder_path"))
    build.external_data_dir = options_.get_session_config_entry("session.model_external_initializers_file_folder_path");
  build.cancel = &cancel;
  graph_ = ir::build_graph(model_, build);
  apply_user_initializers();

  auto lookup = [](const ir::Node& n) -> ir::InferFn {
    const ops::OpDef* def = ops::OpRegistry::instance().find(n);
    return def && def->infer ? ir::InferFn(def->infer) : ir::InferFn();
  };
  ir::ShapeInferenceOptions si;
  si.strict = config_flag(options_, "session.strict_shape_type_inference");
  ir::infer_shapes(*graph_, lookup, si, *logger_);

  opt::PassManagerOptions po;
  po.level = static_cast<int>(options_.graph_optimization_level);
  if (options_.has_session_config_entry("optimization.disable_specified_optimizers"))
    po.disabled = split_csv(options_.get_session_config_entry("optimization.disable_specified_optimizers"));
  if (po.level > 1) {
    // Constant folding (level 1) turns computed shapes (Shape -> Gather -> Concat -> Reshape) into
    // constants; inferring again lets the later fusions see the static shapes they need.
    opt::PassManagerOptions basic = po;
    basic.level = 1;
    opt::run_passes(*graph_, basic, *logger_);
    ir::infer_shapes(*graph_, lookup, si, *logger_);
  }
  pass_report_ = opt::run_passes(*graph_, po, *logger_);
  if (cancel.load()) throw_error(ErrorCode::ModelLoadCanceled, "model load was cancelled (set_load_cancellation_flag)");

  const bool prepack = !config_flag(options_, "session.disable_prepacking");
  state_.build(*graph_, options_.execution_order, prepack);

  int threads = options_.intra_op_num_threads > 0 ? options_.intra_op_num_threads : cpu_features().physical_cores;
  if (threads > 1) thread_pool_ = std::make_unique<ThreadPool>(runtime::intra_op_pool_settings(options_, threads));
  force_spinning_stop_ = config_flag(options_, "session.force_spinning_stop");
  executor_ = runtime::make_sequential_executor();
  collect_constant_ranges(*graph_);
  describe_io();
  logger_->info("session ready: " + std::to_string(graph_->nodes().size()) + " nodes, " + std::to_string(threads) +
                " intra-op thread(s), " + std::to_string(state_.prepacked_kernels()) +
                " kernel(s) with pre-packed weights" + (prepack ? "" : " (session.disable_prepacking)") +
                ", cpu: " + cpu_features().describe());
}

void SessionImpl::apply_user_initializers() {
  // add_initializer / add_external_initializers replace the model's initializer of that name.
  for (const auto& [name, tensor] : options_.initializers) {
    ir::Value* v = graph_->find_value(name);
    if (!v || !v->is_initializer)
      throw_error(ErrorCode::InvalidArgument, "add_initializer: the model has no initializer named '" + name + "'");
    const Tensor& old = graph_->initializers.at(name);
    if (old.dtype() != tensor.dtype() || old.shape() != tensor.shape())
      throw_error(ErrorCode::InvalidArgument, "add_initializer: '" + name + "' is " + tensor.describe() +
                                                  " but the model's initializer is " + old.describe());
    graph_->initializers[name] = tensor;
  }
}

void SessionImpl::collect_constant_ranges(const ir::Graph& g) {
  for (const auto& [_, t] : g.initializers) {
    const char* begin = static_cast<const char*>(t.raw());
    if (begin && t.nbytes()) constant_ranges_.emplace_back(begin, begin + t.nbytes());
  }
  for (const auto& node : g.nodes())
    for (const auto& [_, attr] : node->attributes) {
      if (attr.t.defined() && attr.t.nbytes()) {
        const char* begin = static_cast<const char*>(attr.t.raw());
        constant_ranges_.emplace_back(begin, begin + attr.t.nbytes());
      }
      if (attr.g) collect_constant_ranges(*attr.g);
      for (const auto& sub : attr.graphs) collect_constant_ranges(*sub);
    }
}

void SessionImpl::describe_io() {
  for (const ir::Value* v : graph_->inputs) (v->is_initializer ? overridable_ : inputs_).push_back(io_info(*v));
  for (const ir::Value* v : graph_->outputs) outputs_.push_back(io_info(*v));
  metadata_.producer_name = model_.producer_name;
  metadata_.graph_name = model_.graph.name;
  metadata_.domain = model_.domain;
  metadata_.description = model_.doc_string;
  metadata_.graph_description = model_.graph.doc_string;
  metadata_.version = model_.model_version;
  for (const auto& kv : model_.metadata_props) metadata_.custom_metadata_map.emplace_back(kv.key, kv.value);
}

Value SessionImpl::validated_feed(const ir::Value& input, const Value& fed) const {
  const ir::TypeInfo& t = input.type;
  if (t.kind == ir::TypeInfo::Kind::Tensor) {
    if (!fed.is_tensor())
      throw_error(ErrorCode::InvalidArgument, "input '" + input.name + "' expects " + t.to_string() + ", got a non-tensor value");
    const Tensor& x = fed.tensor();
    if (x.dtype() != t.elem)
      throw_error(ErrorCode::InvalidArgument, "Unexpected input data type for input '" + input.name + "'. Actual: (tensor(" +
                                                  std::string(dtype_name(x.dtype())) + ")) , expected: (" + t.to_string() + ")");
    if (t.has_shape) {
      if (x.rank() != t.shape.size())
        throw_error(ErrorCode::InvalidArgument, "Invalid rank for input: " + input.name + " Got: " + std::to_string(x.rank()) +
                                                    " Expected: " + std::to_string(t.shape.size()) +
                                                    " Please fix either the inputs/outputs or the model.");
      std::string bad;
      for (size_t i = 0; i < x.rank(); ++i)
        if (t.shape[i].known() && t.shape[i].value != x.shape()[i])
          bad += " index: " + std::to_string(i) + " Got: " + std::to_string(x.shape()[i]) +
                 " Expected: " + std::to_string(t.shape[i].value) + "\n";
      if (!bad.empty())
        throw_error(ErrorCode::InvalidArgument, "Got invalid dimensions for input: " + input.name +
                                                    " for the following indices\n" + bad +
                                                    " Please fix either the inputs/outputs or the model.");
    }
  } else if (t.kind == ir::TypeInfo::Kind::Sequence && !fed.is_sequence()) {
    throw_error(ErrorCode::InvalidArgument, "input '" + input.name + "' expects " + t.to_string() + ", got a different kind of value");
  }
  return fed;
}

std::unordered_set<const ir::Node*> SessionImpl::nodes_needed_for(const std::vector<const ir::Value*>& fetches) const {
  std::unordered_set<const ir::Node*> needed;
  std::vector<const ir::Value*> stack(fetches.begin(), fetches.end());
  while (!stack.empty()) {
    const ir::Value* v = stack.back();
    stack.pop_back();
    const ir::Node* p = v->producer;
    if (!p || p->owner != graph_.get() || !needed.insert(p).second) continue;
    for (const ir::Value* in : plan::values_read_by(*p, *graph_)) stack.push_back(in);
  }
  return needed;
}

std::vector<Value> SessionImpl::run(const std::vector<std::string>& output_names, const std::vector<Session::Feed>& feeds,
                                    const RunOptions& run_options) {
  auto run_begin = profiler_.now();
  Logger run_logger(run_options.logid.empty() ? logger_->logid() : run_options.logid, run_options.log_severity_level,
                    run_options.log_verbosity_level);
  std::vector<const ir::Value*> fetches;
  if (output_names.empty()) {
    fetches.assign(graph_->outputs.begin(), graph_->outputs.end());
  } else {
    for (const std::string& name : output_names) {
      const ir::Value* found = nullptr;
      for (const ir::Value* v : graph_->outputs)
        if (v->name == name) found = v;
      if (!found) throw_error(ErrorCode::InvalidArgument, "Invalid output name: " + name);
      fetches.push_back(found);
    }
  }

  const runtime::GraphState& gs = state_.graph_state(*graph_);
  runtime::ExecutionFrame frame(gs, nullptr);
  std::set<std::string> fed;
  for (const auto& [name, value] : feeds) {
    const ir::Value* input = graph_->find_value(name);
    if (!input || !input->is_graph_input)
      throw_error(ErrorCode::InvalidArgument, "Invalid input name: " + name);
    if (!fed.insert(name).second) throw_error(ErrorCode::InvalidArgument, "input '" + name + "' is fed twice");
    frame.set(input, validated_feed(*input, value));
  }
  for (const ir::Value* input : graph_->inputs) {
    if (input->is_initializer || fed.count(input->name)) continue;
    // An optional-typed input may be left out: it is then an empty optional.
    if (input->type.kind != ir::TypeInfo::Kind::Optional)
      throw_error(ErrorCode::InvalidArgument, "Missing Input: " + input->name);
    frame.set(input, Value::none());
  }

  runtime::RunContext run;
  run.state = &state_;
  run.allocator = allocator_.get();
  run.thread_pool = thread_pool_.get();
  run.logger = &run_logger;
  run.profiler = profiler_.enabled() ? &profiler_ : nullptr;
  run.terminate = run_options.terminate_flag.get();
  run.training_mode = run_options.training_mode;
  run.deterministic = options_.use_deterministic_compute;
  run.main_graph = graph_.get();
  if (run_options.only_execute_path_to_fetches) run.main_graph_nodes = nodes_needed_for(fetches);

  {
    // session.force_spinning_stop: when the last concurrent run returns, workers stop spinning.
    struct RunCount {
      SessionImpl& s;
      explicit RunCount(SessionImpl& self) : s(self) { s.running_.fetch_add(1); }
      ~RunCount() {
        if (s.running_.fetch_sub(1) == 1 && s.force_spinning_stop_ && s.thread_pool_) s.thread_pool_->stop_spinning();
      }
    } count(*this);
    // memory.enable_memory_arena_shrinkage naming the CPU: unused arena blocks go back to the
    // system when the run returns (its outputs, still in use, stay).
    struct Shrink {
      bool cpu;
      ~Shrink() {
        if (cpu) cpu_arena_shrink();
      }
    } shrink{shrink_cpu_arena(run_options)};
    try {
      executor_->execute(*graph_, frame, run);
    } catch (const Error&) {
      // RunOptions.terminate resets once the run it stopped has returned.
      run_options.terminate_flag->store(false);
      throw;
    }
  }

  std::vector<std::pair<const char*, const char*>> fed_ranges;
  for (const auto& [_, value] : feeds)
    if (value.is_tensor() && value.tensor().nbytes()) {
      const char* begin = static_cast<const char*>(value.tensor().raw());
      fed_ranges.emplace_back(begin, begin + value.tensor().nbytes());
    }
  auto aliases = [&](const Tensor& t) {
    const char* p = static_cast<const char*>(t.raw());
    auto inside = [p](const auto& r) { return p >= r.first && p < r.second; };
    return std::any_of(constant_ranges_.begin(), constant_ranges_.end(), inside) ||
           std::any_of(fed_ranges.begin(), fed_ranges.end(), inside);
  };
  std::vector<Value> results;
  for (const ir::Value* v : fetches) {
    const Value* value = frame.find(v);
    if (!value) throw_error(ErrorCode::RuntimeException, "output '" + v->name + "' was not computed");
    // Outputs never alias the model's constants or the caller's inputs (onnxruntime copies too).
    bool copy = value->is_tensor() && value->tensor().nbytes() && aliases(value->tensor());
    results.push_back(copy ? Value(value->tensor().clone()) : *value);
  }
  profiler_.record("Session", "model_run", run_begin);
  return results;
}

}  // namespace onyxrt
