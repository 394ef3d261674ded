// `onyxrt inspect`: what a model file holds, read through the engine's own ONNX reader without
// creating a session (so a model with ops onyxrt cannot run yet can still be inspected).
#include <iostream>
#include <map>
#include <string>

#include "cli_args.h"
#include "commands.h"
#include "onnx/model_io.h"
#include "onyxrt/dtype.h"
#include "onyxrt/status.h"

namespace onyxrt::cli {

const char* const kInspectUsage =
    "usage: onyxrt inspect MODEL\n"
    "  prints the model's inputs, outputs, opset imports, op counts and initializer bytes\n";

namespace {

std::string elem_type_name(int32_t elem_type) {
  if (!is_known_dtype(elem_type)) return "unknown(" + std::to_string(elem_type) + ")";
  return std::string(dtype_name(static_cast<DataType>(elem_type)));
}

std::string shape_text(const onnx::TensorShapeProto& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.dim.size(); ++i) {
    const auto& d = shape.dim[i];
    s += i ? "," : "";
    if (d.kind == onnx::TensorShapeProto::Dimension::Kind::Value) s += std::to_string(d.dim_value);
    else if (d.kind == onnx::TensorShapeProto::Dimension::Kind::Param) s += d.dim_param;
    else s += "?";
  }
  return s + "]";
}

// onnxruntime's NodeArg.type spelling, with the shape appended for tensors.
std::string type_text(const onnx::TypeProto& t) {
  using Kind = onnx::TypeProto::Kind;
  std::string inner = t.elem ? type_text(*t.elem) : "?";
  switch (t.kind) {
    case Kind::Tensor:
    case Kind::SparseTensor: {
      std::string s = std::string(t.kind == Kind::Tensor ? "tensor(" : "sparse_tensor(") + elem_type_name(t.elem_type) + ")";
      return t.has_shape ? s + " " + shape_text(t.shape) : s + " (shape unknown)";
    }
    case Kind::Sequence: return "seq(" + inner + ")";
    case Kind::Optional: return "optional(" + inner + ")";
    case Kind::Map: return "map(" + elem_type_name(t.key_type) + "," + inner + ")";
    case Kind::Unset: return "(type not set)";
  }
  return "?";
}

// Logical size from dims and type: also right for external data and typed (non-raw) fields.
uint64_t tensor_bytes(const onnx::TensorProto& t) {
  uint64_t count = 1;
  for (int64_t d : t.dims) count *= d > 0 ? static_cast<uint64_t>(d) : 0;
  if (!is_known_dtype(t.data_type)) return 0;
  auto type = static_cast<DataType>(t.data_type);
  if (type == DataType::String) {
    uint64_t bytes = 0;
    for (const auto& s : t.string_data) bytes += s.size();
    return bytes;
  }
  return dtype_storage_bytes(type, static_cast<size_t>(count));
}

struct OpCounts {
  std::map<std::string, int64_t> by_op;  // "Conv" or "com.microsoft:FusedConv"
  int64_t nodes = 0;
  int64_t subgraphs = 0;
};

// Counts nodes of `graph` and, recursively, of the If/Loop/Scan bodies held in attributes.
void count_ops(const onnx::GraphProto& graph, OpCounts& counts) {
  for (const auto& node : graph.node) {
    ++counts.nodes;
    std::string key = node.domain.empty() || node.domain == "ai.onnx" ? node.op_type : node.domain + ":" + node.op_type;
    ++counts.by_op[key];
    for (const auto& attr : node.attribute) {
      if (attr.g) {
        ++counts.subgraphs;
        count_ops(*attr.g, counts);
      }
      for (const auto& g : attr.graphs) {
        if (!g) continue;
        ++counts.subgraphs;
        count_ops(*g, counts);
      }
    }
  }
}

void print_value_infos(const char* title, const std::vector<onnx::ValueInfoProto>& infos,
                       const std::map<std::string, const onnx::TensorProto*>& initializers, bool skip_initializers) {
  std::cout << title << ":\n";
  for (const auto& vi : infos) {
    // Before IR version 4 every initializer was also a graph input; those are weights, not feeds.
    if (skip_initializers && initializers.count(vi.name)) continue;
    std::cout << "  " << vi.name << ": " << (vi.has_type ? type_text(vi.type) : "(type not set)") << "\n";
  }
}

}  // namespace

int inspect_command(const std::vector<std::string>& argv) {
  ParsedArgs args = parse_args(argv, {}, {});
  if (args.positional.size() != 1) throw UsageError("inspect expects exactly one MODEL path");
  onnx::ModelProto model = onnx::load_model(args.positional[0]);
  const onnx::GraphProto& graph = model.graph;

  std::cout << "model: " << args.positional[0] << "\n"
            << "  ir_version: " << model.ir_version << "\n"
            << "  producer: " << model.producer_name << ' ' << model.producer_version << "\n"
            << "  graph: " << graph.name << "\n";
  std::cout << "opset imports:\n";
  for (const auto& op : model.opset_import)
    std::cout << "  " << (op.domain.empty() ? "ai.onnx" : op.domain) << " " << op.version << "\n";

  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& t : graph.initializer) initializers[t.name] = &t;
  print_value_infos("inputs", graph.input, initializers, /*skip_initializers=*/true);
  print_value_infos("outputs", graph.output, initializers, false);

  OpCounts counts;
  count_ops(graph, counts);
  for (const auto& f : model.functions) {
    onnx::GraphProto body;
    body.node = f.node;
    count_ops(body, counts);
  }
  std::cout << "ops: " << counts.nodes << " nodes";
  if (counts.subgraphs) std::cout << " (including " << counts.subgraphs << " subgraphs)";
  if (!model.functions.empty()) std::cout << " (including " << model.functions.size() << " model-local functions)";
  std::cout << "\n";
  for (const auto& [op, n] : counts.by_op) std::cout << "  " << op << ": " << n << "\n";

  uint64_t bytes = 0, external = 0;
  for (const auto& t : graph.initializer) {
    bytes += tensor_bytes(t);
    if (t.data_location == onnx::TensorProto::EXTERNAL) ++external;
  }
  for (const auto& s : graph.sparse_initializer) bytes += tensor_bytes(s.values) + tensor_bytes(s.indices);
  std::cout << "initializers: " << graph.initializer.size() << " dense, " << graph.sparse_initializer.size()
            << " sparse, " << external << " with external data, " << bytes << " bytes\n";
  if (!model.metadata_props.empty()) {
    std::cout << "metadata:\n";
    for (const auto& kv : model.metadata_props) std::cout << "  " << kv.key << " = " << kv.value << "\n";
  }
  return 0;
}

}  // namespace onyxrt::cli
