// Turns a parsed ModelProto into the IR: model-local functions are inlined, initializers decoded
// (zero-copy where raw_data allows), subgraphs built with their enclosing graph as parent.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "ir/graph.h"
#include "onnx/model_io.h"
#include "onnx/proto.h"

namespace onyxrt::ir {

struct GraphBuildOptions {
  // add_free_dimension_override_by_name / _by_denotation
  std::map<std::string, int64_t> dim_overrides_by_name;
  std::map<std::string, int64_t> dim_overrides_by_denotation;
  const onnx::InMemoryFiles* in_memory_files = nullptr;
  std::string external_data_dir;  // overrides model.model_dir when set
  const std::atomic<bool>* cancel = nullptr;  // set_load_cancellation_flag
};

std::unique_ptr<Graph> build_graph(const onnx::ModelProto& model, const GraphBuildOptions& options);

// Conversions shared with the writer side (saving an optimized model).
TypeInfo type_from_proto(const onnx::TypeProto& proto);

}  // namespace onyxrt::ir
