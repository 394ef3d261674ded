// DictVectorizer (ai.onnx.ml opset 1): a map (string or int64 keys) becomes a [1, C] tensor whose
// column j holds the value of vocabulary[j] (string_vocabulary or int64_vocabulary), 0 or "" when
// the map lacks it; keys outside the vocabulary are ignored. The output type is the map's
// declared value type: values fed from Python arrive as whatever numpy made of them (doubles
// for a float map), so they are converted here.
#include <memory>
#include <unordered_map>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

bool dict_value_type_ok(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Int64 || dt == DataType::String;
}

// The declared map value type of input 0, or Undefined.
DataType declared_value_type(const ir::Node& node) {
  if (node.inputs.empty() || node.inputs[0] == nullptr) return DataType::Undefined;
  const ir::TypeInfo& t = node.inputs[0]->type;
  if (t.kind != ir::TypeInfo::Kind::Map || !t.inner) return DataType::Undefined;
  return t.inner->elem;
}

class DictVectorizerKernel : public OpKernel {
 public:
  explicit DictVectorizerKernel(const ir::Node& node) : out_dtype_(declared_value_type(node)) {
    const std::vector<std::string> strs = node.get_strings("string_vocabulary");
    const std::vector<int64_t> ints = node.get_ints("int64_vocabulary");
    if (strs.empty() == ints.empty()) fail_attr(node, "needs exactly one of string_vocabulary and int64_vocabulary");
    string_keys_ = !strs.empty();
    columns_ = static_cast<int64_t>(string_keys_ ? strs.size() : ints.size());
    for (int64_t j = 0; j < columns_; ++j) {
      if (string_keys_) {
        string_columns_.emplace(strs[j], j);
      } else {
        int_columns_.emplace(ints[j], j);
      }
    }
  }

  void compute(KernelContext& ctx) const override {
    const Value* in = ctx.input_value(0);
    if (in == nullptr || in->kind() != Value::Kind::Map) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input X must be a map");
    }
    const Map& m = in->map();
    if ((m.keys.dtype() == DataType::String) != string_keys_) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": map keys " + m.keys.describe() +
                                                  " do not match the " + (string_keys_ ? "string" : "int64") +
                                                  " vocabulary");
    }
    const DataType out_dt = out_dtype_ != DataType::Undefined ? out_dtype_ : m.values.dtype();
    if (!dict_value_type_ok(out_dt) || (out_dt == DataType::String) != (m.values.dtype() == DataType::String)) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": map values " + m.values.describe() +
                                                  " cannot fill a tensor of " + std::string(dtype_name(out_dt)));
    }
    Tensor& y = ctx.allocate_output(0, out_dt, {1, columns_});
    if (out_dt != DataType::String) {
      visit_numeric(out_dt, [&](auto zero) {
        using T = decltype(zero);
        std::fill(y.mutable_data<T>(), y.mutable_data<T>() + columns_, T{});
      });
    }
    for (int64_t i = 0; i < m.keys.size(); ++i) {
      const int64_t col = column_of(m.keys, i);
      if (col < 0) continue;
      switch (out_dt) {
        case DataType::String: y.mutable_data<std::string>()[col] = m.values.data<std::string>()[i]; break;
        case DataType::Float: y.mutable_data<float>()[col] = static_cast<float>(element_as_double(m.values, i)); break;
        case DataType::Double: y.mutable_data<double>()[col] = element_as_double(m.values, i); break;
        default: y.mutable_data<int64_t>()[col] = element_as_int64(m.values, i); break;
      }
    }
  }

 private:
  int64_t column_of(const Tensor& keys, int64_t i) const {
    if (string_keys_) {
      auto it = string_columns_.find(keys.data<std::string>()[i]);
      return it == string_columns_.end() ? -1 : it->second;
    }
    auto it = int_columns_.find(element_as_int64(keys, i));
    return it == int_columns_.end() ? -1 : it->second;
  }

  DataType out_dtype_;
  bool string_keys_ = true;
  int64_t columns_ = 0;
  std::unordered_map<std::string, int64_t> string_columns_;
  std::unordered_map<int64_t, int64_t> int_columns_;
};

std::unique_ptr<OpKernel> make_dict_vectorizer(const ir::Node& node) {
  const DataType dt = declared_value_type(node);
  if (dt != DataType::Undefined && !dict_value_type_ok(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<DictVectorizerKernel>(node);
}

void infer_dict_vectorizer(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (in.kind != ir::TypeInfo::Kind::Map || !in.inner || in.inner->elem == DataType::Undefined) return;
  const auto strs = ctx.node().get_strings("string_vocabulary");
  const int64_t c = static_cast<int64_t>(strs.empty() ? ctx.node().get_ints("int64_vocabulary").size() : strs.size());
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.inner->elem, ir::SymShape{ir::Dim::of(1), ir::Dim::of(c)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "DictVectorizer", 1, kMaxOpset, make_dict_vectorizer, infer_dict_vectorizer});

}  // namespace onyxrt::ops::ml
