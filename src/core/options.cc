// SessionOptions / RunOptions methods (include/onyxrt/options.h). Values are validated here, when the
// user sets them, so that a typo fails at the line that made it rather than at session creation.
#include "onyxrt/options.h"

#include <set>

#include "core/config_keys.h"
#include "core/logger.h"
#include "core/provider_names.h"
#include "onyxrt/status.h"

namespace onyxrt {
namespace {

// "Nothing is silently ignored" (DESIGN.md): a key that is accepted but does not act says so.
void log_key_status(const config::Key& key, const Logger& logger) {
  const std::string what = std::string(config::scope_name(key.scope)) + " config key '" + std::string(key.name) + "'";
  if (key.status == config::Status::NotYet)
    logger.warning(what + " has no effect on onyxrt yet (read by " + std::string(key.component) + ")");
  else if (key.status == config::Status::NotApplicable)
    logger.warning(what + " applies to " + std::string(key.hardware) + ", not available: ignored");
}

void set_config_entry(std::map<std::string, std::string>& config, const std::string& key, const std::string& value,
                      config::Scope scope, const Logger& logger) {
  const config::Key& k = config::validate(key, value, scope);
  auto it = config.find(key);
  if (it != config.end() && it->second != value)
    logger.warning(std::string(config::scope_name(scope)) + " config key '" + key + "' already set to '" +
                   it->second + "': it is overwritten with '" + value + "'");
  config[key] = value;
  log_key_status(k, logger);
}

std::string get_config_entry(const std::map<std::string, std::string>& config, const std::string& key,
                             const char* owner) {
  auto it = config.find(key);
  // onnxruntime raises for a key never set, even a known one with a default.
  ONYXRT_ENFORCE(it != config.end(), ErrorCode::InvalidArgument,
                 std::string(owner) + " does not have configuration with key: " + key);
  return it->second;
}

void check_provider(const std::string& name, const Logger& logger) {
  const KnownProvider& p = validate_provider(name);
  if (!p.hardware.empty())
    logger.warning("execution provider '" + name + "' applies to " + std::string(p.hardware) +
                   ", not available: ignored, nodes run on " + std::string(kCpuProvider));
}

Logger options_logger(const SessionOptions& o) { return Logger(o.logid, o.log_severity_level, o.log_verbosity_level); }

}  // namespace

void SessionOptions::add_session_config_entry(const std::string& key, const std::string& value) {
  set_config_entry(config_, key, value, config::Scope::Session, options_logger(*this));
}

std::string SessionOptions::get_session_config_entry(const std::string& key) const {
  return get_config_entry(config_, key, "SessionOptions");
}

bool SessionOptions::has_session_config_entry(const std::string& key) const { return config_.count(key) > 0; }

std::string SessionOptions::config_or_default(const std::string& key) const {
  auto it = config_.find(key);
  if (it != config_.end()) return it->second;
  const config::Key* k = config::lookup(key, config::Scope::Session);
  ONYXRT_ENFORCE(k != nullptr, ErrorCode::InvalidArgument,
                 "unknown session config key '" + key + "'; did you mean '" +
                     std::string(config::closest_key(key, config::Scope::Session)) + "'?");
  return std::string(k->default_value);
}

void SessionOptions::add_free_dimension_override_by_name(const std::string& dim_name, int64_t value) {
  ONYXRT_ENFORCE(!dim_name.empty(), ErrorCode::InvalidArgument, "add_free_dimension_override_by_name: empty dimension name");
  ONYXRT_ENFORCE(value >= 0, ErrorCode::InvalidArgument,
                 "add_free_dimension_override_by_name('" + dim_name + "'): value must be >= 0, got " + std::to_string(value));
  free_dimension_overrides_by_name[dim_name] = value;
}

void SessionOptions::add_free_dimension_override_by_denotation(const std::string& denotation, int64_t value) {
  ONYXRT_ENFORCE(!denotation.empty(), ErrorCode::InvalidArgument,
                 "add_free_dimension_override_by_denotation: empty denotation");
  ONYXRT_ENFORCE(value >= 0, ErrorCode::InvalidArgument,
                 "add_free_dimension_override_by_denotation('" + denotation + "'): value must be >= 0, got " +
                     std::to_string(value));
  free_dimension_overrides_by_denotation[denotation] = value;
}

void SessionOptions::add_initializer(const std::string& name, const Tensor& value) {
  ONYXRT_ENFORCE(!name.empty(), ErrorCode::InvalidArgument, "add_initializer: empty initializer name");
  ONYXRT_ENFORCE(value.defined(), ErrorCode::InvalidArgument, "add_initializer('" + name + "'): the value holds no tensor");
  ONYXRT_ENFORCE(!initializers.count(name), ErrorCode::InvalidArgument,
                 "An OrtValue for this name has already been added: " + name);
  initializers.emplace(name, value);
}

void SessionOptions::add_external_initializers(const std::vector<std::string>& names, const std::vector<Tensor>& values) {
  ONYXRT_ENFORCE(names.size() == values.size(), ErrorCode::InvalidArgument,
                 "add_external_initializers: " + std::to_string(names.size()) + " names but " +
                     std::to_string(values.size()) + " values; expecting lists of equal length");
  for (size_t i = 0; i < names.size(); ++i) add_initializer(names[i], values[i]);
}

void SessionOptions::add_external_initializers_from_files_in_memory(
    const std::vector<std::string>& file_names, const std::vector<std::shared_ptr<const std::string>>& buffers,
    const std::vector<size_t>& lengths) {
  ONYXRT_ENFORCE(file_names.size() == buffers.size() && buffers.size() == lengths.size(), ErrorCode::InvalidArgument,
                 "add_external_initializers_from_files_in_memory: got " + std::to_string(file_names.size()) +
                     " file names, " + std::to_string(buffers.size()) + " buffers and " +
                     std::to_string(lengths.size()) + " lengths; expecting equal counts");
  for (size_t i = 0; i < file_names.size(); ++i) {
    const std::string& file = file_names[i];
    ONYXRT_ENFORCE(!file.empty() && buffers[i], ErrorCode::InvalidArgument,
                   "add_external_initializers_from_files_in_memory: entry " + std::to_string(i) +
                       " needs a file name and a buffer");
    ONYXRT_ENFORCE(lengths[i] <= buffers[i]->size(), ErrorCode::InvalidArgument,
                   "add_external_initializers_from_files_in_memory('" + file + "'): length " +
                       std::to_string(lengths[i]) + " exceeds the buffer's " + std::to_string(buffers[i]->size()) +
                       " bytes");
    // Keep the caller's buffer (no copy) unless only a prefix of it is the file.
    external_files_in_memory[file] = lengths[i] == buffers[i]->size()
                                         ? buffers[i]
                                         : std::make_shared<const std::string>(buffers[i]->substr(0, lengths[i]));
  }
}

void SessionOptions::add_provider(const std::string& provider_name, const std::map<std::string, std::string>& options) {
  check_provider(provider_name, options_logger(*this));
  for (ProviderEntry& p : providers) {
    if (p.name == provider_name) {
      p.options = options;
      return;
    }
  }
  providers.push_back({provider_name, options});
}

void SessionOptions::add_provider_for_devices(const std::vector<EpDevice>& devices,
                                              const std::map<std::string, std::string>& options) {
  ONYXRT_ENFORCE(!devices.empty(), ErrorCode::InvalidArgument, "add_provider_for_devices: no device given");
  std::set<std::string> names;
  for (const EpDevice& d : devices) names.insert(d.ep_name);
  ONYXRT_ENFORCE(names.size() == 1, ErrorCode::InvalidArgument,
                 "add_provider_for_devices: all devices must belong to one execution provider");
  add_provider(*names.begin(), options);
}

bool SessionOptions::has_providers() const {
  return !providers.empty() || provider_selection_policy >= 0 || static_cast<bool>(provider_selection_delegate);
}

void SessionOptions::register_custom_ops_library(const std::string& path) {
  ONYXRT_ENFORCE(!path.empty(), ErrorCode::InvalidArgument, "register_custom_ops_library: empty path");
  custom_op_libraries.push_back(path);
}

void SessionOptions::set_load_cancellation_flag(bool cancel) { load_cancellation->cancelled.store(cancel); }

void SessionOptions::set_provider_selection_policy(int policy) {
  // OrtExecutionProviderDevicePolicy: DEFAULT .. MIN_OVERALL_POWER. Every policy picks the CPU here.
  ONYXRT_ENFORCE(policy >= 0 && policy <= 6, ErrorCode::InvalidArgument,
                 "set_provider_selection_policy: policy must be an OrtExecutionProviderDevicePolicy (0..6), got " +
                     std::to_string(policy));
  provider_selection_policy = policy;
}

void SessionOptions::set_provider_selection_policy_delegate(SelectionDelegate delegate) {
  ONYXRT_ENFORCE(static_cast<bool>(delegate), ErrorCode::InvalidArgument,
                 "set_provider_selection_policy_delegate: the delegate is empty");
  provider_selection_delegate = std::move(delegate);
}

void RunOptions::add_run_config_entry(const std::string& key, const std::string& value) {
  set_config_entry(config_, key, value, config::Scope::Run, Logger(logid, log_severity_level, log_verbosity_level));
}

std::string RunOptions::get_run_config_entry(const std::string& key) const {
  return get_config_entry(config_, key, "RunOptions");
}

}  // namespace onyxrt
