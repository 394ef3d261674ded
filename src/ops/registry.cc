#include "ops/registry.h"

#include <algorithm>

#include "onyxrt/status.h"

namespace onyxrt::ops {

std::string canonical_domain(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }

OpRegistry& OpRegistry::instance() {
  static OpRegistry registry;
  return registry;
}

void OpRegistry::add(const OpDef& def) { defs_.push_back(def); }

const OpDef* OpRegistry::find(const std::string& domain, const std::string& op_type, int64_t opset) const {
  std::string d = canonical_domain(domain);
  for (const OpDef& def : defs_)
    if (def.op_type == op_type && def.domain == d && def.since_version <= opset && opset <= def.end_version)
      return &def;
  return nullptr;
}

bool OpRegistry::knows(const std::string& domain, const std::string& op_type) const {
  std::string d = canonical_domain(domain);
  return std::any_of(defs_.begin(), defs_.end(), [&](const OpDef& def) { return def.op_type == op_type && def.domain == d; });
}

std::vector<OpDef> OpRegistry::all() const { return defs_; }

}  // namespace onyxrt::ops
