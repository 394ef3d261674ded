// LabelEncoder (ai.onnx.ml): maps each element of X through a key -> value table.
//  - opset 1: classes_strings; string X gives the class index (int64), int64 X gives the class
//    name, misses giving default_int64 / default_string.
//  - opset 2: keys_{strings,int64s,floats} -> values_{strings,int64s,floats}, defaults
//    default_string / default_int64 / default_float.
//  - opset 4: adds keys_tensor / values_tensor / default_tensor, and int16, int32 and double.
//    Without default_tensor the default follows the value type as the spec lists it.
#include <memory>

#include "ops/common/dtype_dispatch.h"
#include "ops/ml/label_lookup.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

// A one-element fallback of dtype `dt` from the scalar default attributes.
Tensor scalar_default(const ir::Node& node, DataType dt) {
  Tensor t = Tensor::allocate(dt, {1});
  if (dt == DataType::String) {
    t.mutable_data<std::string>()[0] = node.get_string("default_string", "_Unused");
    return t;
  }
  const bool real = dtype_is_float(dt);
  const double v = real ? static_cast<double>(node.get_float("default_float", -0.0f))
                        : static_cast<double>(node.get_int("default_int64", -1));
  const bool ok = visit_numeric(dt, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, kernels::Float16> || std::is_same_v<T, kernels::BFloat16>) {
      fail_attr(node, "float16 values are not supported");
    } else {
      t.mutable_data<T>()[0] = static_cast<T>(v);
    }
  });
  if (!ok) fail_attr(node, "values of type " + std::string(dtype_name(dt)) + " are not supported");
  return t;
}

LabelLookup opset1_lookup(const ir::Node& node, bool string_input) {
  const std::vector<std::string> classes = node.get_strings("classes_strings");
  std::vector<int64_t> indices(classes.size());
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<int64_t>(i);
  if (string_input) {
    LabelLookup t(LookupKeyKind::String, lookup_values_tensor(DataType::Int64, indices),
                  scalar_default(node, DataType::Int64));
    for (size_t i = 0; i < classes.size(); ++i) t.add_string_key(classes[i], static_cast<int64_t>(i));
    return t;
  }
  LabelLookup t(LookupKeyKind::Integer, lookup_values_tensor(DataType::String, classes),
                scalar_default(node, DataType::String));
  for (size_t i = 0; i < classes.size(); ++i) t.add_int_key(static_cast<int64_t>(i), static_cast<int64_t>(i));
  return t;
}

// The keys of opset 2+ as a 1-D tensor, from whichever keys_* attribute is set.
Tensor keys_tensor(const ir::Node& node) {
  if (const Tensor* t = node.get_tensor("keys_tensor")) return *t;
  if (node.find("keys_strings")) return lookup_values_tensor(DataType::String, node.get_strings("keys_strings"));
  if (node.find("keys_int64s")) return lookup_values_tensor(DataType::Int64, node.get_ints("keys_int64s"));
  if (node.find("keys_floats")) return lookup_values_tensor(DataType::Float, node.get_floats("keys_floats"));
  throw_error(ErrorCode::InvalidGraph,
              node.describe() + ": needs one of keys_strings, keys_int64s, keys_floats or keys_tensor");
}

Tensor values_tensor(const ir::Node& node) {
  if (const Tensor* t = node.get_tensor("values_tensor")) return *t;
  if (node.find("values_strings")) return lookup_values_tensor(DataType::String, node.get_strings("values_strings"));
  if (node.find("values_int64s")) return lookup_values_tensor(DataType::Int64, node.get_ints("values_int64s"));
  if (node.find("values_floats")) return lookup_values_tensor(DataType::Float, node.get_floats("values_floats"));
  throw_error(ErrorCode::InvalidGraph,
              node.describe() + ": needs one of values_strings, values_int64s, values_floats or values_tensor");
}

LabelLookup keyed_lookup(const ir::Node& node) {
  const Tensor keys = keys_tensor(node);
  Tensor values = values_tensor(node);
  if (keys.size() != values.size()) {
    fail_attr(node, "has " + std::to_string(keys.size()) + " keys but " + std::to_string(values.size()) + " values");
  }
  values = values.reshaped({values.size()});
  Tensor fallback;
  if (const Tensor* d = node.get_tensor("default_tensor")) {
    if (d->dtype() != values.dtype() || d->size() != 1) {
      fail_attr(node, "default_tensor must hold one " + std::string(dtype_name(values.dtype())) + ", got " + d->describe());
    }
    fallback = d->reshaped({1});
  } else {
    fallback = scalar_default(node, values.dtype());
  }
  LabelLookup t(lookup_key_kind(keys.dtype()), values, fallback);
  t.add_keys(keys.reshaped({keys.size()}));
  return t;
}

class LabelEncoderKernel : public OpKernel {
 public:
  explicit LabelEncoderKernel(const ir::Node& node) {
    if (node.opset < 2) {
      from_strings_ = opset1_lookup(node, true);
      from_ints_ = opset1_lookup(node, false);
    } else {
      from_strings_ = keyed_lookup(node);
      opset1_ = false;
    }
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const LabelLookup& table = opset1_ && x.dtype() != DataType::String ? from_ints_ : from_strings_;
    Tensor& y = ctx.allocate_output(0, table.value_dtype(), x.shape());
    table.map(x, y, ctx.node());
  }

 private:
  bool opset1_ = true;
  LabelLookup from_strings_;  // the only table from opset 2
  LabelLookup from_ints_;
};

std::unique_ptr<OpKernel> make_label_encoder(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  const bool known = dt == DataType::String || dt == DataType::Int64 || dt == DataType::Float ||
                     (node.opset >= 4 && (dt == DataType::Int32 || dt == DataType::Int16 || dt == DataType::Double));
  if (dt != DataType::Undefined && !known) unsupported_type(node, 0, dt);
  return std::make_unique<LabelEncoderKernel>(node);
}

DataType label_encoder_output_dtype(const ir::Node& node, DataType input) {
  if (node.opset < 2) return input == DataType::String ? DataType::Int64 : DataType::String;
  if (const Tensor* t = node.get_tensor("values_tensor")) return t->dtype();
  if (node.find("values_strings")) return DataType::String;
  if (node.find("values_int64s")) return DataType::Int64;
  if (node.find("values_floats")) return DataType::Float;
  return DataType::Undefined;
}

void infer_label_encoder(ir::InferenceContext& ctx) {
  ir::TypeInfo t = ctx.input_type(0);
  if (t.kind != ir::TypeInfo::Kind::Tensor) return;
  t.elem = label_encoder_output_dtype(ctx.node(), t.elem);
  if (t.elem == DataType::Undefined) return;
  ctx.set_output_type(0, t);
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "LabelEncoder", 1, 1, make_label_encoder, infer_label_encoder});
ONYXRT_REGISTER_OP({"ai.onnx.ml", "LabelEncoder", 2, 3, make_label_encoder, infer_label_encoder});
ONYXRT_REGISTER_OP({"ai.onnx.ml", "LabelEncoder", 4, kMaxOpset, make_label_encoder, infer_label_encoder});

}  // namespace onyxrt::ops::ml
