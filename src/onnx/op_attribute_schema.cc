// Lookup over the generated table (op_attribute_table.cc): per (domain, op_type), its schema
// versions in ascending order.
#include <map>
#include <sstream>
#include <utility>

#include "onnx/op_attribute_table.h"

namespace onyxrt::onnx {
namespace {

using Versions = std::vector<std::pair<int, std::vector<std::string>>>;

const std::map<std::pair<std::string, std::string>, Versions>& by_operator() {
  static const auto table = [] {
    std::map<std::pair<std::string, std::string>, Versions> t;
    for (size_t i = 0; i < kOpAttributeSchemaCount; ++i) {
      const OpAttributeSchema& s = kOpAttributeSchemas[i];
      std::vector<std::string> names;
      std::istringstream in(s.attributes);
      for (std::string name; in >> name;) names.push_back(name);
      t[{s.domain, s.op_type}].emplace_back(s.since_version, std::move(names));  // the table is sorted
    }
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<std::string>* schema_attributes(const std::string& domain, const std::string& op_type,
                                                  int64_t opset) {
  const auto& table = by_operator();
  const auto it = table.find({domain, op_type});
  if (it == table.end()) return nullptr;
  const std::vector<std::string>* found = nullptr;
  for (const auto& [since, names] : it->second)
    if (since <= opset) found = &names;
  return found;
}

}  // namespace onyxrt::onnx
