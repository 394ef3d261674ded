// StringSplit (ONNX opset 20): splits each string of X like Python's str.split. With a non-empty
// `delimiter` every occurrence separates (empty pieces kept); without one, runs of whitespace
// separate and leading/trailing whitespace is dropped. `maxsplit` bounds the number of splits.
// Y has X's shape plus one dim of the largest piece count, padded with ""; Z holds the counts.
#include <algorithm>
#include <memory>

#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::vector<std::string> split_on(const std::string& s, const std::string& delim, int64_t maxsplit) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
    const size_t at = s.find(delim, start);
    if (at == std::string::npos) break;
    parts.push_back(s.substr(start, at - start));
    start = at + delim.size();
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::vector<std::string> split_whitespace(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
      // The rest is one piece, its trailing whitespace kept, as Python's str.split does.
      parts.push_back(s.substr(i));
      break;
    }
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    parts.push_back(s.substr(i, j - i));
    i = j;
  }
  return parts;
}

class StringSplitKernel final : public OpKernel {
 public:
  explicit StringSplitKernel(const ir::Node& node)
      : delimiter_(node.get_string("delimiter", "")), maxsplit_(node.get_int("maxsplit", -1)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (x.dtype() != DataType::String) unsupported_type(ctx.node(), 0, x.dtype());
    std::vector<std::vector<std::string>> parts(static_cast<size_t>(x.size()));
    size_t widest = 0;
    for (int64_t i = 0; i < x.size(); ++i) {
      const std::string& s = x.data<std::string>()[i];
      parts[i] = delimiter_.empty() ? split_whitespace(s, maxsplit_) : split_on(s, delimiter_, maxsplit_);
      widest = std::max(widest, parts[i].size());
    }
    Shape y_shape = x.shape();
    y_shape.push_back(static_cast<int64_t>(widest));
    Tensor& y = ctx.allocate_output(0, DataType::String, y_shape);
    for (int64_t i = 0; i < x.size(); ++i) {
      std::copy(parts[i].begin(), parts[i].end(), y.mutable_data<std::string>() + i * static_cast<int64_t>(widest));
    }
    if (ctx.output_count() > 1 && ctx.output_requested(1)) {
      Tensor& z = ctx.allocate_output(1, DataType::Int64, x.shape());
      for (int64_t i = 0; i < x.size(); ++i) z.mutable_data<int64_t>()[i] = static_cast<int64_t>(parts[i].size());
    }
  }

 private:
  std::string delimiter_;
  int64_t maxsplit_;  // < 0: unlimited
};

std::unique_ptr<OpKernel> make_string_split(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::String) unsupported_type(node, 0, t);
  return std::make_unique<StringSplitKernel>(node);
}

void infer_string_split(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::SymShape y = x.shape;
  y.push_back(ir::Dim{});
  ctx.set_output_type(0, tensor_type(DataType::String, x.has_shape, y));
  ctx.set_output_type(1, tensor_type(DataType::Int64, x.has_shape, x.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "StringSplit", 20, kMaxOpset, make_string_split, infer_string_split});

}  // namespace onyxrt::ops
