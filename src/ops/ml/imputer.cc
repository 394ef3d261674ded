// Imputer (ai.onnx.ml opset 1): in X [N, C] (or one row), each element equal to the replaced
// value (replaced_value_float, NaN meaning "is NaN", or replaced_value_int64) becomes the column's
// imputed value (imputed_value_floats or imputed_value_int64s, one value or one per column).
// Float and double X use the float attributes, int64 and int32 X the int64 ones; Y keeps X's type.
#include <cmath>
#include <memory>

#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class ImputerKernel : public OpKernel {
 public:
  explicit ImputerKernel(const ir::Node& node)
      : float_values_(node.get_floats("imputed_value_floats")),
        int_values_(node.get_ints("imputed_value_int64s")),
        replaced_float_(node.get_float("replaced_value_float", 0.0f)),
        replaced_int_(node.get_int("replaced_value_int64", 0)) {
    if (float_values_.empty() && int_values_.empty()) {
      fail_attr(node, "needs imputed_value_floats or imputed_value_int64s");
    }
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    switch (x.dtype()) {
      case DataType::Float: impute_real<float>(x, y, ctx.node()); break;
      case DataType::Double: impute_real<double>(x, y, ctx.node()); break;
      case DataType::Int64: impute_int<int64_t>(x, y, ctx.node()); break;
      case DataType::Int32: impute_int<int32_t>(x, y, ctx.node()); break;
      default: unsupported_type(ctx.node(), 0, x.dtype());
    }
  }

 private:
  // The number of columns of X, checked against the count of imputed values.
  static int64_t columns(const Tensor& x, size_t n_values, const ir::Node& node) {
    const int64_t cols = x.rank() == 0 ? 1 : x.shape().back();
    if (n_values != 1 && static_cast<int64_t>(n_values) != cols) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + std::to_string(n_values) +
                                                  " imputed values for X " + x.describe() + " with " +
                                                  std::to_string(cols) + " columns");
    }
    return cols;
  }

  template <typename T>
  void impute_real(const Tensor& x, Tensor& y, const ir::Node& node) const {
    if (float_values_.empty()) fail_attr(node, "has no imputed_value_floats for " + x.describe());
    const int64_t cols = columns(x, float_values_.size(), node);
    const bool match_nan = std::isnan(replaced_float_);
    const T* in = x.data<T>();
    T* out = y.mutable_data<T>();
    for (int64_t i = 0; i < x.size(); ++i) {
      const bool hit = match_nan ? std::isnan(in[i]) : in[i] == static_cast<T>(replaced_float_);
      out[i] = hit ? static_cast<T>(float_values_[float_values_.size() == 1 ? 0 : i % cols]) : in[i];
    }
  }

  template <typename T>
  void impute_int(const Tensor& x, Tensor& y, const ir::Node& node) const {
    if (int_values_.empty()) fail_attr(node, "has no imputed_value_int64s for " + x.describe());
    const int64_t cols = columns(x, int_values_.size(), node);
    const T* in = x.data<T>();
    T* out = y.mutable_data<T>();
    for (int64_t i = 0; i < x.size(); ++i) {
      const bool hit = static_cast<int64_t>(in[i]) == replaced_int_;
      out[i] = hit ? static_cast<T>(int_values_[int_values_.size() == 1 ? 0 : i % cols]) : in[i];
    }
  }

  std::vector<float> float_values_;
  std::vector<int64_t> int_values_;
  float replaced_float_;
  int64_t replaced_int_;
};

std::unique_ptr<OpKernel> make_imputer(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && dt != DataType::Float && dt != DataType::Double && dt != DataType::Int64 &&
      dt != DataType::Int32) {
    unsupported_type(node, 0, dt);
  }
  return std::make_unique<ImputerKernel>(node);
}

void infer_imputer(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "Imputer", 1, kMaxOpset, make_imputer, infer_imputer});

}  // namespace onyxrt::ops::ml
