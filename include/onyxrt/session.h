// InferenceSession for C++ programs: load a model, inspect its inputs and outputs, run it.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "onyxrt/options.h"
#include "onyxrt/status.h"
#include "onyxrt/tensor.h"
#include "onyxrt/value.h"

namespace onyxrt {

// A dimension as a user sees it: a number, or the symbol of a free dimension ("batch"), or
// unknown (empty symbol and value -1).
struct DimInfo {
  int64_t value = -1;
  std::string symbol;
};

// The NodeArg of onnxruntime: name, type string "tensor(float)", shape.
struct IoInfo {
  std::string name;
  std::string type;  // "tensor(float)", "seq(tensor(float))", "optional(tensor(int64))", "map(int64,tensor(float))"
  DataType elem_type = DataType::Undefined;
  bool has_shape = false;
  std::vector<DimInfo> shape;
};

struct ModelMetadata {
  std::string producer_name;
  std::string graph_name;
  std::string domain;
  std::string description;
  std::string graph_description;
  int64_t version = 0;
  std::vector<std::pair<std::string, std::string>> custom_metadata_map;
};

class SessionImpl;

class Session {
 public:
  Session(const std::string& model_path, const SessionOptions& options = {});
  // The bytes are copied unless session.use_ort_model_bytes_directly is "1", in which case the
  // caller keeps them alive for the session's lifetime.
  Session(const void* model_bytes, size_t size, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  using Feed = std::pair<std::string, Value>;
  // Runs the model; empty output_names means every graph output, in graph order.
  std::vector<Value> run(const std::vector<std::string>& output_names, const std::vector<Feed>& feeds,
                         const RunOptions& run_options = {});

  const std::vector<IoInfo>& inputs() const;
  const std::vector<IoInfo>& outputs() const;
  const std::vector<IoInfo>& overridable_initializers() const;
  const ModelMetadata& metadata() const;
  std::vector<std::string> providers() const;
  const SessionOptions& options() const;
  // Stops profiling and returns the profile file's path ("" when profiling was off).
  std::string end_profiling();

  SessionImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<SessionImpl> impl_;
};

std::vector<std::string> available_providers();
std::string version();

}  // namespace onyxrt
