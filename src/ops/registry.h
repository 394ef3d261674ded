// Kernels are registered by (domain, op type, opset range) in the file that defines them, with
// the op's shape inference beside them:
//
//   ONYXRT_REGISTER_OP({"", "Relu", 6, 12, make_relu, infer_same_as_input0});
//
// Type support is decided by the factory, which receives the typed node and raises via
// unsupported_type() for element types it lacks.
#pragma once
#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "ir/shape_inference.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops {

using KernelFactory = std::unique_ptr<OpKernel> (*)(const ir::Node& node);
using InferFnPtr = void (*)(ir::InferenceContext& ctx);

struct OpDef {
  const char* domain;  // "" (ai.onnx), "ai.onnx.ml", "com.microsoft", ...
  const char* op_type;
  int since_version;
  int end_version;  // inclusive; kMaxOpset for "up to the newest"
  KernelFactory create;
  InferFnPtr infer;  // may be null: outputs then keep declared types or stay unknown
};

constexpr int kMaxOpset = INT_MAX;

class OpRegistry {
 public:
  static OpRegistry& instance();
  void add(const OpDef& def);
  // The def whose range holds `opset`, or nullptr.
  const OpDef* find(const std::string& domain, const std::string& op_type, int64_t opset) const;
  const OpDef* find(const ir::Node& node) const { return find(node.domain, node.op_type, node.opset); }
  // True when some version of the op exists (to tell "unknown op" from "unsupported opset").
  bool knows(const std::string& domain, const std::string& op_type) const;
  std::vector<OpDef> all() const;

 private:
  std::vector<OpDef> defs_;
};

// Normalises "ai.onnx" to "" as ONNX treats them alike.
std::string canonical_domain(const std::string& domain);

}  // namespace onyxrt::ops

#define ONYXRT_OP_CONCAT2(a, b) a##b
#define ONYXRT_OP_CONCAT(a, b) ONYXRT_OP_CONCAT2(a, b)
#define ONYXRT_REGISTER_OP(...)                                                   \
  static const bool ONYXRT_OP_CONCAT(onyxrt_op_registered_, __COUNTER__) =       \
      (::onyxrt::ops::OpRegistry::instance().add(::onyxrt::ops::OpDef __VA_ARGS__), true)
