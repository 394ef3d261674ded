#include "ir/shape_inference.h"

#include "core/logger.h"
#include "onyxrt/status.h"

namespace onyxrt::ir {
namespace {

const TypeInfo& unknown_type() {
  static const TypeInfo t;
  return t;
}

std::string dims_to_string(const TypeInfo& t) {
  if (!t.has_shape) return "?";
  std::string s = "[";
  for (size_t i = 0; i < t.shape.size(); ++i) {
    const Dim& d = t.shape[i];
    s += (i ? "," : "") + (d.known() ? std::to_string(d.value) : (d.symbol.empty() ? "?" : d.symbol));
  }
  return s + "]";
}

// Combines what a model declares (value_info, graph outputs) with what inference found: a
// known dim wins over a symbolic or unknown one; two different known values conflict.
TypeInfo merge(const TypeInfo& declared, const TypeInfo& inferred, bool* conflict) {
  *conflict = false;
  if (declared.kind == TypeInfo::Kind::Unknown) return inferred;
  if (inferred.kind == TypeInfo::Kind::Unknown) return declared;
  if (inferred.is_tensor() && inferred.elem == DataType::Undefined && declared.is_tensor() &&
      declared.elem != DataType::Undefined) {
    TypeInfo filled = inferred;
    filled.elem = declared.elem;
    return merge(declared, filled, conflict);
  }
  if (declared.kind != inferred.kind || (declared.is_tensor() && declared.elem != inferred.elem)) {
    *conflict = true;
    return inferred;
  }
  if (!declared.is_tensor() || !declared.has_shape) return inferred;
  if (!inferred.has_shape) return declared;
  if (declared.shape.size() != inferred.shape.size()) {
    *conflict = true;
    return inferred;
  }
  TypeInfo out = inferred;
  for (size_t i = 0; i < out.shape.size(); ++i) {
    const Dim& d = declared.shape[i];
    Dim& o = out.shape[i];
    if (o.known() && d.known() && o.value != d.value) *conflict = true;
    if (!o.known() && d.known()) o = d;
    if (!o.known() && o.symbol.empty()) o.symbol = d.symbol;
  }
  return out;
}

}  // namespace

const TypeInfo& InferenceContext::input_type(int i) const {
  return node_.has_input(i) ? node_.inputs[i]->type : unknown_type();
}

const Tensor* InferenceContext::input_constant(int i) const {
  if (!node_.has_input(i)) return nullptr;
  const Value* v = node_.inputs[i];
  if (!v->is_initializer || !v->owner) return nullptr;
  auto it = v->owner->initializers.find(v->name);
  return it == v->owner->initializers.end() ? nullptr : &it->second;
}

void InferenceContext::set_output_type(int i, TypeInfo type) {
  if (i < 0 || i >= output_count() || !node_.outputs[i]) return;
  // Inference writes into the node's output value; merging with declarations happens in the walk.
  const_cast<Value*>(node_.outputs[i])->type = std::move(type);
}

void InferenceContext::fail(const std::string& what) const {
  throw_error(ErrorCode::InvalidGraph, node_.describe() + ": " + what);
}

SymShape broadcast_shapes(const SymShape& a, const SymShape& b, const InferenceContext& ctx) {
  size_t rank = std::max(a.size(), b.size());
  SymShape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Dim* da = i < rank - a.size() ? nullptr : &a[i - (rank - a.size())];
    const Dim* db = i < rank - b.size() ? nullptr : &b[i - (rank - b.size())];
    if (!da) { out[i] = *db; continue; }
    if (!db) { out[i] = *da; continue; }
    if (da->known() && db->known()) {
      if (da->value != db->value && da->value != 1 && db->value != 1)
        ctx.fail("shapes cannot be broadcast: dimension " + std::to_string(da->value) + " vs " + std::to_string(db->value));
      out[i] = Dim::of(da->value == 1 ? db->value : da->value);
    } else if (da->known() && da->value == 1) {
      out[i] = *db;
    } else if (db->known() && db->value == 1) {
      out[i] = *da;
    } else if (da->known()) {
      out[i] = *da;  // the symbolic side must be 1 or equal
    } else if (db->known()) {
      out[i] = *db;
    } else {
      out[i] = da->symbol == db->symbol ? *da : Dim{};
    }
  }
  return out;
}

void infer_shapes(Graph& graph, const InferFnLookup& lookup, const ShapeInferenceOptions& options,
                  const Logger& logger) {
  for (Node* node : graph.topological_order()) {
    // Subgraphs first: their outer-scope inputs are typed by now.
    for (auto& [_, attr] : node->attributes) {
      if (attr.g) infer_shapes(*attr.g, lookup, options, logger);
      for (auto& g : attr.graphs) infer_shapes(*g, lookup, options, logger);
    }
    InferFn fn = lookup(*node);
    if (!fn) continue;
    std::vector<TypeInfo> declared;
    for (Value* out : node->outputs) declared.push_back(out ? out->type : TypeInfo{});
    InferenceContext ctx(*node);
    fn(ctx);
    for (size_t i = 0; i < node->outputs.size(); ++i) {
      Value* out = node->outputs[i];
      if (!out) continue;
      bool conflict = false;
      TypeInfo merged = merge(declared[i], out->type, &conflict);
      if (conflict) {
        std::string msg = node->describe() + ": output '" + out->name + "' is declared " + declared[i].to_string() +
                          dims_to_string(declared[i]) + " but inferred " + out->type.to_string() +
                          dims_to_string(out->type);
        if (options.strict) throw_error(ErrorCode::InvalidGraph, msg + " (session.strict_shape_type_inference=1)");
        logger.warning(msg);
      }
      out->type = std::move(merged);
    }
  }
}

}  // namespace onyxrt::ir
