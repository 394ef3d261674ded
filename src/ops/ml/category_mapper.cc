// CategoryMapper (ai.onnx.ml opset 1): cats_strings[i] <-> cats_int64s[i]. String X gives int64
// (default_int64 on a miss), int64 X gives strings (default_string on a miss).
#include <memory>

#include "ops/ml/label_lookup.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class CategoryMapperKernel : public OpKernel {
 public:
  explicit CategoryMapperKernel(const ir::Node& node) {
    const std::vector<std::string> strs = node.get_strings("cats_strings");
    const std::vector<int64_t> ints = node.get_ints("cats_int64s");
    if (strs.size() != ints.size()) {
      fail_attr(node, "cats_strings has " + std::to_string(strs.size()) + " entries but cats_int64s has " +
                          std::to_string(ints.size()));
    }
    Tensor int_default = Tensor::allocate(DataType::Int64, {1});
    int_default.mutable_data<int64_t>()[0] = node.get_int("default_int64", -1);
    Tensor string_default = Tensor::allocate(DataType::String, {1});
    string_default.mutable_data<std::string>()[0] = node.get_string("default_string", "_Unused");
    to_ints_ = LabelLookup(LookupKeyKind::String, lookup_values_tensor(DataType::Int64, ints), int_default);
    to_strings_ = LabelLookup(LookupKeyKind::Integer, lookup_values_tensor(DataType::String, strs), string_default);
    for (size_t i = 0; i < strs.size(); ++i) {
      to_ints_.add_string_key(strs[i], static_cast<int64_t>(i));
      to_strings_.add_int_key(ints[i], static_cast<int64_t>(i));
    }
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const LabelLookup& table = x.dtype() == DataType::String ? to_ints_ : to_strings_;
    Tensor& y = ctx.allocate_output(0, table.value_dtype(), x.shape());
    table.map(x, y, ctx.node());
  }

 private:
  LabelLookup to_ints_;
  LabelLookup to_strings_;
};

std::unique_ptr<OpKernel> make_category_mapper(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && dt != DataType::String && dt != DataType::Int64) unsupported_type(node, 0, dt);
  return std::make_unique<CategoryMapperKernel>(node);
}

void infer_category_mapper(ir::InferenceContext& ctx) {
  ir::TypeInfo t = ctx.input_type(0);
  if (t.kind != ir::TypeInfo::Kind::Tensor || t.elem == DataType::Undefined) return;
  t.elem = t.elem == DataType::String ? DataType::Int64 : DataType::String;
  ctx.set_output_type(0, t);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "CategoryMapper", 1, kMaxOpset, make_category_mapper, infer_category_mapper});

}  // namespace onyxrt::ops::ml
