// OneHotEncoder (ai.onnx.ml opset 1): each element of X becomes a row of len(categories) floats
// with a 1 at its category (cats_int64s or cats_strings); Y has X's shape plus that axis. A value
// outside the categories gives a zero row, or an error when zeros = 0.
#include <map>
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class OneHotEncoderKernel : public OpKernel {
 public:
  explicit OneHotEncoderKernel(const ir::Node& node) : zeros_(node.get_int("zeros", 1) != 0) {
    const auto ints = node.get_ints("cats_int64s");
    const auto strs = node.get_strings("cats_strings");
    for (size_t i = 0; i < ints.size(); ++i) int_index_.emplace(ints[i], static_cast<int64_t>(i));
    for (size_t i = 0; i < strs.size(); ++i) str_index_.emplace(strs[i], static_cast<int64_t>(i));
    n_ = static_cast<int64_t>(ints.empty() ? strs.size() : ints.size());
    if (n_ == 0) fail_attr(node, "needs cats_int64s or cats_strings");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    Shape shape = x.shape();
    shape.push_back(n_);
    Tensor& y = ctx.allocate_output(0, DataType::Float, shape);
    float* out = y.mutable_data<float>();
    for (int64_t i = 0; i < x.size(); ++i) {
      int64_t idx = -1;
      if (x.dtype() == DataType::String) {
        auto it = str_index_.find(x.data<std::string>()[i]);
        if (it != str_index_.end()) idx = it->second;
      } else {
        // Floats are truncated to int64, as the spec says.
        auto it = int_index_.find(element_as_int64(x, i));
        if (it != int_index_.end()) idx = it->second;
      }
      if (idx >= 0) {
        out[i * n_ + idx] = 1.f;
      } else if (!zeros_) {
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": element " + std::to_string(i) +
                                                    " is not one of the categories and zeros = 0");
      }
    }
  }

 private:
  bool zeros_;
  int64_t n_ = 0;
  std::map<int64_t, int64_t> int_index_;
  std::map<std::string, int64_t> str_index_;
};

std::unique_ptr<OpKernel> make_one_hot_encoder(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && dt != DataType::String && !is_ml_numeric(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<OneHotEncoderKernel>(node);
}

void infer_one_hot_encoder(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const int64_t n = static_cast<int64_t>(std::max(ctx.node().get_ints("cats_int64s").size(), ctx.node().get_strings("cats_strings").size()));
  if (!x.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
    return;
  }
  ir::SymShape s = x.shape;
  s.push_back(ir::Dim::of(n));
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "OneHotEncoder", 1, kMaxOpset, make_one_hot_encoder, infer_one_hot_encoder});

}  // namespace onyxrt::ops::ml
