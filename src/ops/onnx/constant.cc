// Constant: outputs the tensor held by whichever one of its value attributes is set
// (value, sparse_value, value_float(s), value_int(s), value_string(s); the scalar and list forms
// arrived in opset 12). The loader already densifies sparse_value into the attribute's Tensor.
// The tensor is built once at session creation and shared by every run.
#include <string>

#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

const char* const kValueAttributes[] = {"value",        "sparse_value", "value_float",   "value_floats",
                                        "value_int",    "value_ints",   "value_string",  "value_strings"};

template <typename T, typename Src>
Tensor vector_tensor(DataType dt, const std::vector<Src>& values) {
  Tensor t = Tensor::allocate(dt, {static_cast<int64_t>(values.size())});
  T* p = t.mutable_data<T>();
  for (size_t i = 0; i < values.size(); ++i) p[i] = values[i];
  return t;
}

Tensor constant_value(const ir::Node& node) {
  const ir::Attribute* found = nullptr;
  for (const char* name : kValueAttributes) {
    if (const ir::Attribute* a = node.find(name)) {
      if (found != nullptr) {
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": sets both '" + found->name + "' and '" + name +
                                                 "'; exactly one value attribute is allowed");
      }
      found = a;
    }
  }
  if (found == nullptr) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": has none of the value attributes");
  }
  const std::string& name = found->name;
  if (name == "value" || name == "sparse_value") {
    if (!found->t.defined()) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute '" + name + "' holds no tensor");
    }
    return found->t;
  }
  if (name == "value_float") return Tensor::scalar<float>(DataType::Float, found->f);
  if (name == "value_int") return Tensor::scalar<int64_t>(DataType::Int64, found->i);
  if (name == "value_string") return Tensor::scalar<std::string>(DataType::String, found->s);
  if (name == "value_floats") return vector_tensor<float>(DataType::Float, found->floats);
  if (name == "value_ints") return vector_tensor<int64_t>(DataType::Int64, found->ints);
  return vector_tensor<std::string>(DataType::String, found->strings);
}

class ConstantKernel : public OpKernel {
 public:
  explicit ConstantKernel(Tensor value) : value_(std::move(value)) {}
  void compute(KernelContext& ctx) const override { ctx.set_output(0, Value(value_)); }

 private:
  Tensor value_;
};

std::unique_ptr<OpKernel> make_constant(const ir::Node& node) {
  return std::make_unique<ConstantKernel>(constant_value(node));
}

void infer_constant(ir::InferenceContext& ctx) {
  const Tensor value = constant_value(ctx.node());
  ctx.set_output_type(0, ir::TypeInfo::tensor(value.dtype(), value.shape()));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Constant", 1, kMaxOpset, make_constant, infer_constant});

}  // namespace onyxrt::ops
