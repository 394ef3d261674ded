#include "ir/graph_builder.h"

#include <algorithm>
#include <set>

#include "core/edit_distance.h"
#include "ir/function_inliner.h"
#include "onnx/op_attribute_table.h"
#include "onyxrt/status.h"

namespace onyxrt::ir {
namespace {

constexpr int kMaxSubgraphDepth = 64;

void check_cancel(const GraphBuildOptions& o) {
  if (o.cancel && o.cancel->load())
    throw_error(ErrorCode::ModelLoadCanceled, "model load was cancelled (SessionOptions.set_load_cancellation_flag)");
}

DataType checked_dtype(int32_t v, const std::string& where) {
  if (v != 0 && !is_known_dtype(v))
    throw_error(ErrorCode::InvalidGraph, where + ": unknown element type " + std::to_string(v));
  return static_cast<DataType>(v);
}

std::map<std::string, int64_t> opset_map(const std::vector<onnx::OperatorSetIdProto>& opsets) {
  std::map<std::string, int64_t> m;
  for (const auto& o : opsets) m[o.domain == "ai.onnx" ? "" : o.domain] = o.version;
  return m;
}

class Builder {
 public:
  Builder(const onnx::ModelProto& model, const GraphBuildOptions& options)
      : model_(model), options_(options),
        dir_(options.external_data_dir.empty() ? model.model_dir : options.external_data_dir) {}

  std::unique_ptr<Graph> build(const onnx::GraphProto& proto, Graph* parent,
                               const std::vector<onnx::OperatorSetIdProto>& opsets, int depth) {
    if (depth > kMaxSubgraphDepth)
      throw_error(ErrorCode::InvalidGraph, "subgraphs nest deeper than " + std::to_string(kMaxSubgraphDepth));
    check_cancel(options_);
    auto g = std::make_unique<Graph>(parent);
    g->name = proto.name;
    g->doc_string = proto.doc_string;
    g->opsets = opset_map(opsets);

    for (const auto& init : proto.initializer) {
      check_cancel(options_);
      if (init.name.empty()) throw_error(ErrorCode::InvalidGraph, "graph '" + proto.name + "' has an unnamed initializer");
      Tensor t = onnx::tensor_from_proto(init, dir_, model_.backing, options_.in_memory_files);
      Value* v = g->get_or_create_value(init.name);
      v->is_initializer = true;
      v->type = TypeInfo::tensor(t.dtype(), t.shape());
      g->initializers[init.name] = std::move(t);
    }
    for (const auto& sparse : proto.sparse_initializer) {
      Tensor t = onnx::tensor_from_sparse_proto(sparse, dir_, model_.backing);
      const std::string& name = sparse.values.name;
      Value* v = g->get_or_create_value(name);
      v->is_initializer = true;
      v->type = TypeInfo::tensor(t.dtype(), t.shape());
      g->initializers[name] = std::move(t);
    }
    for (const auto& in : proto.input) {
      Value* v = g->get_or_create_value(in.name);
      // Before IR version 4 every initializer had to be listed among the inputs too; as in
      // onnxruntime, those are constants there, not inputs a feed may override.
      if (v->is_initializer && model_.ir_version > 0 && model_.ir_version < 4) continue;
      v->is_graph_input = true;
      if (in.has_type && !v->is_initializer) v->type = apply_overrides(type_from_proto(in.type));
      g->inputs.push_back(v);
    }
    for (const auto& vi : proto.value_info) {
      if (!vi.has_type) continue;
      Value* v = g->get_or_create_value(vi.name);
      if (v->type.kind == TypeInfo::Kind::Unknown) v->type = type_from_proto(vi.type);
    }

    std::vector<ScopedNode> nodes = inline_functions(proto.node, opsets, model_.functions);
    // Outputs exist before any node is wired, so a graph whose nodes are not sorted still loads
    // (onnxruntime accepts them too); topological_order() sorts later.
    for (const auto& scoped : nodes)
      for (const auto& out : scoped.node.output)
        if (!out.empty()) node_outputs_.insert(g->get_or_create_value(out));
    for (auto& scoped : nodes) add_node(*g, scoped, depth);

    for (const auto& out : proto.output) {
      Value* v = g->resolve(out.name);
      if (!v || (v->owner == g.get() && !v->producer && !v->is_graph_input && !v->is_initializer))
        throw_error(ErrorCode::InvalidGraph, "graph output '" + out.name + "' of graph '" + proto.name +
                                                 "' is not produced by any node, input or initializer");
      if (out.has_type && v->type.kind == TypeInfo::Kind::Unknown) v->type = type_from_proto(out.type);
      v->is_graph_output = true;
      g->outputs.push_back(v);
    }
    return g;
  }

 private:
  TypeInfo apply_overrides(TypeInfo t) {
    for (Dim& d : t.shape) {
      if (d.known()) continue;
      auto by_name = options_.dim_overrides_by_name.find(d.symbol);
      if (!d.symbol.empty() && by_name != options_.dim_overrides_by_name.end()) {
        d.value = by_name->second;
        continue;
      }
      auto by_den = options_.dim_overrides_by_denotation.find(d.denotation);
      if (!d.denotation.empty() && by_den != options_.dim_overrides_by_denotation.end()) d.value = by_den->second;
    }
    return t;
  }

  void add_node(Graph& g, const ScopedNode& scoped, int depth) {
    const onnx::NodeProto& p = scoped.node;
    auto node = std::make_unique<Node>();
    node->name = p.name;
    node->op_type = p.op_type;
    node->domain = p.domain == "ai.onnx" ? "" : p.domain;
    auto versions = opset_map(*scoped.opsets);
    auto it = versions.find(node->domain);
    if (it == versions.end())
      throw_error(ErrorCode::InvalidGraph, node->describe() + ": the model imports no opset for domain '" +
                                               (node->domain.empty() ? "ai.onnx" : node->domain) + "'");
    node->opset = it->second;
    for (const auto& a : p.attribute) node->attributes[a.name] = convert_attribute(a, g, *scoped.opsets, *node, depth);
    check_attributes_defined(*node);
    for (const auto& in : p.input) {
      if (in.empty()) {
        node->inputs.push_back(nullptr);
        continue;
      }
      Value* v = g.resolve(in);
      bool defined = v && (v->owner != &g || v->is_graph_input || v->is_initializer || node_outputs_.count(v));
      if (!defined)
        throw_error(ErrorCode::InvalidGraph, node->describe() + ": input '" + in +
                                                 "' is not a graph input, initializer or output of an earlier node");
      node->inputs.push_back(v);
    }
    for (const auto& out : p.output) {
      if (out.empty()) {
        node->outputs.push_back(nullptr);
        continue;
      }
      Value* v = g.get_or_create_value(out);
      if (v->is_graph_input || v->is_initializer)
        throw_error(ErrorCode::InvalidGraph, node->describe() + ": output '" + out + "' redefines a graph input or initializer");
      node->outputs.push_back(v);
    }
    g.add_node(std::move(node));
  }

  // onnxruntime rejects a node carrying an attribute its operator's schema does not define (a typo
  // such as 'axes' for 'axis' would otherwise be ignored and the default used); so do we, naming the
  // closest attribute the operator has. Operators the onnx schemas do not define are left to their kernels.
  static void check_attributes_defined(const Node& node) {
    const std::vector<std::string>* defined = onnx::schema_attributes(node.domain, node.op_type, node.opset);
    if (!defined) return;
    for (const auto& [name, attr] : node.attributes) {
      if (std::find(defined->begin(), defined->end(), name) != defined->end()) continue;
      std::string message = node.describe() + ": unrecognized attribute '" + name + "'";
      if (defined->empty()) {
        message += "; " + node.op_type + " takes no attributes at this opset";
      } else {
        const auto closest = std::min_element(defined->begin(), defined->end(), [&](const auto& a, const auto& b) {
          return edit_distance(name, a) < edit_distance(name, b);
        });
        message += "; did you mean '" + *closest + "'? " + node.op_type + " takes:";
        for (const std::string& known : *defined) message += " " + known;
      }
      throw_error(ErrorCode::InvalidGraph, message);
    }
  }

  Attribute convert_attribute(const onnx::AttributeProto& a, Graph& g,
                              const std::vector<onnx::OperatorSetIdProto>& opsets, const Node& node, int depth) {
    using T = Attribute::Type;
    Attribute out;
    out.name = a.name;
    if (!a.ref_attr_name.empty())
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute '" + a.name +
                                               "' refers to a function attribute outside a function body");
    switch (a.type) {
      case onnx::AttributeProto::FLOAT: out.type = T::Float; out.f = a.f; break;
      case onnx::AttributeProto::INT: out.type = T::Int; out.i = a.i; break;
      case onnx::AttributeProto::STRING: out.type = T::String; out.s = a.s; break;
      case onnx::AttributeProto::TENSOR:
        out.type = T::Tensor;
        out.t = onnx::tensor_from_proto(a.t, dir_, model_.backing, options_.in_memory_files);
        break;
      case onnx::AttributeProto::SPARSE_TENSOR:
        // Constant(sparse_value) and the like consume the dense form.
        out.type = T::Tensor;
        out.t = onnx::tensor_from_sparse_proto(a.sparse_tensor, dir_, model_.backing);
        break;
      case onnx::AttributeProto::GRAPH:
        out.type = T::Graph;
        if (!a.g) throw_error(ErrorCode::InvalidGraph, node.describe() + ": graph attribute '" + a.name + "' is empty");
        out.g = std::shared_ptr<Graph>(build(*a.g, &g, opsets, depth + 1));
        break;
      case onnx::AttributeProto::FLOATS: out.type = T::Floats; out.floats = a.floats; break;
      case onnx::AttributeProto::INTS: out.type = T::Ints; out.ints = a.ints; break;
      case onnx::AttributeProto::STRINGS: out.type = T::Strings; out.strings = a.strings; break;
      case onnx::AttributeProto::TENSORS:
        out.type = T::Tensors;
        for (const auto& t : a.tensors)
          out.tensors.push_back(onnx::tensor_from_proto(t, dir_, model_.backing, options_.in_memory_files));
        break;
      case onnx::AttributeProto::SPARSE_TENSORS:
        out.type = T::Tensors;
        for (const auto& t : a.sparse_tensors) out.tensors.push_back(onnx::tensor_from_sparse_proto(t, dir_, model_.backing));
        break;
      case onnx::AttributeProto::GRAPHS:
        out.type = T::Graphs;
        for (const auto& sub : a.graphs) {
          if (!sub) throw_error(ErrorCode::InvalidGraph, node.describe() + ": empty graph in attribute '" + a.name + "'");
          out.graphs.push_back(std::shared_ptr<Graph>(build(*sub, &g, opsets, depth + 1)));
        }
        break;
      case onnx::AttributeProto::TYPE_PROTO: out.type = T::TypeProto; out.tp = type_from_proto(a.tp); break;
      case onnx::AttributeProto::TYPE_PROTOS:
        out.type = T::TypeProtos;
        for (const auto& tp : a.type_protos) out.tps.push_back(type_from_proto(tp));
        break;
      default:
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute '" + a.name + "' has unknown type " +
                                                 std::to_string(a.type));
    }
    return out;
  }

  const onnx::ModelProto& model_;
  const GraphBuildOptions& options_;
  std::string dir_;
  std::set<const Value*> node_outputs_;  // values some node outputs, in any graph built so far
};

}  // namespace

TypeInfo type_from_proto(const onnx::TypeProto& p) {
  TypeInfo t;
  t.denotation = p.denotation;
  using K = onnx::TypeProto::Kind;
  switch (p.kind) {
    case K::Tensor:
    case K::SparseTensor:
      t.kind = p.kind == K::Tensor ? TypeInfo::Kind::Tensor : TypeInfo::Kind::SparseTensor;
      t.elem = checked_dtype(p.elem_type, "type");
      t.has_shape = p.has_shape;
      for (const auto& d : p.shape.dim) {
        Dim dim;
        if (d.kind == onnx::TensorShapeProto::Dimension::Kind::Value) {
          if (d.dim_value < 0) throw_error(ErrorCode::InvalidGraph, "negative dimension " + std::to_string(d.dim_value) + " in a declared shape");
          dim.value = d.dim_value;
        }
        if (d.kind == onnx::TensorShapeProto::Dimension::Kind::Param) dim.symbol = d.dim_param;
        dim.denotation = d.denotation;
        t.shape.push_back(std::move(dim));
      }
      break;
    case K::Sequence:
    case K::Optional:
      t.kind = p.kind == K::Sequence ? TypeInfo::Kind::Sequence : TypeInfo::Kind::Optional;
      if (p.elem) t.inner = std::make_shared<TypeInfo>(type_from_proto(*p.elem));
      break;
    case K::Map:
      t.kind = TypeInfo::Kind::Map;
      t.key = checked_dtype(p.key_type, "map key type");
      if (p.elem) t.inner = std::make_shared<TypeInfo>(type_from_proto(*p.elem));
      break;
    case K::Unset:
      break;
  }
  return t;
}

std::unique_ptr<Graph> build_graph(const onnx::ModelProto& model, const GraphBuildOptions& options) {
  if (!model.has_graph) throw_error(ErrorCode::InvalidGraph, "the model has no graph");
  Builder b(model, options);
  return b.build(model.graph, nullptr, model.opset_import, 0);
}

}  // namespace onyxrt::ir
