// The attribute names each ONNX operator schema version defines (generated from the onnx
// package: scripts/gen_op_attributes.py), and the load-time check built on them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onyxrt::onnx {

struct OpAttributeSchema {
  const char* domain;  // "" for ai.onnx
  const char* op_type;
  int since_version;
  const char* attributes;  // names separated by single spaces
};

extern const OpAttributeSchema kOpAttributeSchemas[];
extern const size_t kOpAttributeSchemaCount;

// The attribute names of `domain`'s `op_type` at `opset` (the schema with the largest
// since_version <= opset); null when the onnx schemas do not define it there (contrib and
// onyxrt-internal operators, or a version before the operator existed).
const std::vector<std::string>* schema_attributes(const std::string& domain, const std::string& op_type,
                                                  int64_t opset);

}  // namespace onyxrt::onnx
