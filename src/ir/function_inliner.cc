#include "ir/function_inliner.h"

#include <unordered_map>

#include "onyxrt/status.h"

namespace onyxrt::ir {
namespace {

constexpr int kMaxInlineDepth = 32;

std::string function_key(const std::string& domain, const std::string& name, const std::string& overload) {
  return domain + "\x1f" + name + "\x1f" + overload;
}

class Inliner {
 public:
  explicit Inliner(const std::vector<onnx::FunctionProto>& functions) {
    for (const auto& f : functions) by_key_[function_key(f.domain, f.name, f.overload)] = &f;
  }

  void expand(const onnx::NodeProto& node, const std::vector<onnx::OperatorSetIdProto>* opsets, int depth,
              std::vector<ScopedNode>& out) {
    auto it = by_key_.find(function_key(node.domain, node.op_type, node.overload));
    if (it == by_key_.end()) {
      out.push_back({node, opsets});
      return;
    }
    if (depth >= kMaxInlineDepth)
      throw_error(ErrorCode::InvalidGraph, "function '" + node.op_type + "' nests deeper than " +
                                               std::to_string(kMaxInlineDepth) + " calls (recursive?)");
    const onnx::FunctionProto& f = *it->second;
    if (node.input.size() > f.input.size() || node.output.size() > f.output.size())
      throw_error(ErrorCode::InvalidGraph, "call to function '" + f.name + "' in node '" + node.name +
                                               "' passes more inputs or outputs than the function declares");
    // Formal names map to the caller's names; everything else gets a prefix unique to this call.
    std::unordered_map<std::string, std::string> rename;
    for (size_t i = 0; i < f.input.size(); ++i) rename[f.input[i]] = i < node.input.size() ? node.input[i] : "";
    for (size_t i = 0; i < f.output.size(); ++i) rename[f.output[i]] = i < node.output.size() ? node.output[i] : "";
    std::string prefix = "_inl" + std::to_string(counter_++) + "_" + f.name + "_";
    auto mapped = [&](const std::string& name) {
      if (name.empty()) return name;
      auto r = rename.find(name);
      if (r != rename.end()) return r->second;
      return rename[name] = prefix + name;
    };
    std::unordered_map<std::string, const onnx::AttributeProto*> actual;
    for (const auto& a : f.attribute_proto) actual[a.name] = &a;  // defaults
    for (const auto& a : node.attribute) actual[a.name] = &a;
    for (const auto& body_node : f.node) {
      onnx::NodeProto copy = body_node;
      copy.name = prefix + body_node.name;
      for (auto& in : copy.input) in = mapped(in);
      for (auto& o : copy.output) o = mapped(o);
      std::vector<onnx::AttributeProto> attrs;
      for (const auto& a : body_node.attribute) {
        if (a.ref_attr_name.empty()) {
          attrs.push_back(a);
          continue;
        }
        auto ref = actual.find(a.ref_attr_name);
        if (ref == actual.end()) continue;  // unset optional attribute: the op's default applies
        onnx::AttributeProto bound = *ref->second;
        bound.name = a.name;
        bound.ref_attr_name.clear();
        attrs.push_back(std::move(bound));
      }
      copy.attribute = std::move(attrs);
      expand(copy, &f.opset_import, depth + 1, out);
    }
  }

 private:
  std::unordered_map<std::string, const onnx::FunctionProto*> by_key_;
  int counter_ = 0;
};

}  // namespace

std::vector<ScopedNode> inline_functions(const std::vector<onnx::NodeProto>& nodes,
                                         const std::vector<onnx::OperatorSetIdProto>& opsets,
                                         const std::vector<onnx::FunctionProto>& functions) {
  std::vector<ScopedNode> out;
  Inliner inliner(functions);
  for (const auto& n : nodes) inliner.expand(n, &opsets, 0, out);
  return out;
}

}  // namespace onyxrt::ir
