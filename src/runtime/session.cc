#include "onyxrt/session.h"

#include "core/logger.h"
#include "onnx/model_io.h"
#include "runtime/session_impl.h"

namespace onyxrt {
namespace {

std::unique_ptr<Logger> session_logger(const SessionOptions& o) {
  return std::make_unique<Logger>(o.logid, o.log_severity_level, o.log_verbosity_level);
}

void check_format(const SessionOptions& o) {
  if (o.has_session_config_entry("session.load_model_format") && o.get_session_config_entry("session.load_model_format") == "ORT")
    throw_error(ErrorCode::NotImplemented, "session.load_model_format=ORT: onyxrt reads ONNX protobuf models only");
}

void check_cancel(const SessionOptions& o) {
  if (o.load_cancellation->cancelled.load())
    throw_error(ErrorCode::ModelLoadCanceled, "model load was cancelled (set_load_cancellation_flag)");
}

}  // namespace

Session::Session(const std::string& model_path, const SessionOptions& options) {
  check_format(options);
  check_cancel(options);
  impl_ = std::make_unique<SessionImpl>(onnx::load_model(model_path), options, session_logger(options));
}

Session::Session(const void* model_bytes, size_t size, const SessionOptions& options) {
  check_format(options);
  check_cancel(options);
  bool borrow = options.has_session_config_entry("session.use_ort_model_bytes_directly") &&
                options.get_session_config_entry("session.use_ort_model_bytes_directly") == "1";
  // Borrowing keeps views into the caller's buffer, which the caller keeps alive (the option's contract).
  std::shared_ptr<const void> keep = borrow ? std::shared_ptr<const void>(model_bytes, [](const void*) {}) : nullptr;
  impl_ = std::make_unique<SessionImpl>(onnx::parse_model(model_bytes, size, keep), options, session_logger(options));
}

Session::~Session() = default;

std::vector<Value> Session::run(const std::vector<std::string>& output_names, const std::vector<Feed>& feeds,
                                const RunOptions& run_options) {
  return impl_->run(output_names, feeds, run_options);
}

const std::vector<IoInfo>& Session::inputs() const { return impl_->inputs(); }
const std::vector<IoInfo>& Session::outputs() const { return impl_->outputs(); }
const std::vector<IoInfo>& Session::overridable_initializers() const { return impl_->overridable_initializers(); }
const ModelMetadata& Session::metadata() const { return impl_->metadata(); }
std::vector<std::string> Session::providers() const { return {"CPUExecutionProvider"}; }
const SessionOptions& Session::options() const { return impl_->options(); }
std::string Session::end_profiling() { return impl_->end_profiling(); }

std::vector<std::string> available_providers() { return {"CPUExecutionProvider"}; }
std::string version() { return "0.1.0"; }

}  // namespace onyxrt
