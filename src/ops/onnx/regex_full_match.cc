// RegexFullMatch (ONNX opset 20): true where the whole string matches `pattern`. ONNX specifies
// RE2 syntax; this uses std::regex in ECMAScript mode, which agrees on the common subset (classes,
// quantifiers, groups, alternation, anchors) but lacks RE2's (?P<name>...) groups, \pL-style
// Unicode classes and inline flags such as (?i); such patterns fail at session creation.
#include <memory>
#include <regex>

#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class RegexFullMatchKernel final : public OpKernel {
 public:
  explicit RegexFullMatchKernel(std::regex re) : re_(std::move(re)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (x.dtype() != DataType::String) unsupported_type(ctx.node(), 0, x.dtype());
    Tensor& y = ctx.allocate_output(0, DataType::Bool, x.shape());
    const std::string* in = x.data<std::string>();
    bool* out = y.mutable_data<bool>();
    ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 256, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) out[i] = std::regex_match(in[i], re_);
    });
  }

 private:
  std::regex re_;  // read-only after construction, so concurrent runs may share it
};

std::unique_ptr<OpKernel> make_regex_full_match(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::String) unsupported_type(node, 0, t);
  const std::string pattern = node.required("pattern").s;
  try {
    return std::make_unique<RegexFullMatchKernel>(std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": pattern \"" + pattern +
                                               "\" is not valid ECMAScript regex syntax (" + e.what() + ")");
  }
}

void infer_regex_full_match(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(DataType::Bool, x.has_shape, x.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "RegexFullMatch", 20, kMaxOpset, make_regex_full_match, infer_regex_full_match});

}  // namespace onyxrt::ops
