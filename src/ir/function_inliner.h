// Expands calls to model-local functions (ModelProto.functions) into their bodies, recursively,
// so the rest of the engine sees only primitive ops.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "onnx/proto.h"

namespace onyxrt::ir {

// A node with the opset versions it was written against (a function body may import other
// versions than the model).
struct ScopedNode {
  onnx::NodeProto node;
  const std::vector<onnx::OperatorSetIdProto>* opsets;
};

std::vector<ScopedNode> inline_functions(const std::vector<onnx::NodeProto>& nodes,
                                         const std::vector<onnx::OperatorSetIdProto>& opsets,
                                         const std::vector<onnx::FunctionProto>& functions);

}  // namespace onyxrt::ir
