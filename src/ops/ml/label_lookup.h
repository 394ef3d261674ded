// A key -> value table for the ai.onnx.ml ops that map each element of X through a fixed
// dictionary (LabelEncoder, CategoryMapper). Keys are strings, integers or floats; values are
// kept as a 1-D tensor of the output type so one lookup routine serves every value type.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/status.h"
#include "onyxrt/tensor.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"

namespace onyxrt::ops::ml {

enum class LookupKeyKind { String, Integer, Real };

inline LookupKeyKind lookup_key_kind(DataType dt) {
  if (dt == DataType::String) return LookupKeyKind::String;
  if (dt == DataType::Float || dt == DataType::Double) return LookupKeyKind::Real;
  return LookupKeyKind::Integer;
}

class LabelLookup {
 public:
  LabelLookup() = default;
  // `values` is 1-D with one entry per key; `fallback` holds one element of the same dtype.
  LabelLookup(LookupKeyKind kind, Tensor values, Tensor fallback)
      : kind_(kind), values_(std::move(values)), fallback_(std::move(fallback)) {}

  void add_string_key(const std::string& k, int64_t index) { strings_.emplace(k, index); }
  void add_int_key(int64_t k, int64_t index) { ints_.emplace(k, index); }
  void add_real_key(double k, int64_t index) {
    // NaN never equals itself, so a NaN key is kept aside and matched by isnan (as onnxruntime does).
    if (std::isnan(k)) {
      if (nan_index_ < 0) nan_index_ = index;
    } else {
      reals_.emplace(k, index);
    }
  }
  // Adds every element of a 1-D key tensor, key i mapping to value i.
  void add_keys(const Tensor& keys) {
    for (int64_t i = 0; i < keys.size(); ++i) {
      switch (kind_) {
        case LookupKeyKind::String: add_string_key(keys.data<std::string>()[i], i); break;
        case LookupKeyKind::Integer: add_int_key(element_as_int64(keys, i), i); break;
        case LookupKeyKind::Real: add_real_key(element_as_double(keys, i), i); break;
      }
    }
  }

  LookupKeyKind key_kind() const { return kind_; }
  DataType value_dtype() const { return values_.dtype(); }
  int64_t key_count() const { return values_.size(); }

  // Y[i] = table[X[i]], or the fallback when X[i] is not a key. Y has the value dtype.
  void map(const Tensor& x, Tensor& y, const ir::Node& node) const {
    if (lookup_key_kind(x.dtype()) != kind_) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": input X " + x.describe() +
                                                  " does not match the type of the keys");
    }
    for (int64_t i = 0; i < x.size(); ++i) {
      const int64_t at = find(x, i);
      const Tensor& src = at >= 0 ? values_ : fallback_;
      copy_elements(src.dtype(), src.raw(), at >= 0 ? at : 0, y.mutable_raw(), i, 1);
    }
  }

 private:
  int64_t find(const Tensor& x, int64_t i) const {
    switch (kind_) {
      case LookupKeyKind::String: {
        auto it = strings_.find(x.data<std::string>()[i]);
        return it == strings_.end() ? -1 : it->second;
      }
      case LookupKeyKind::Integer: {
        auto it = ints_.find(element_as_int64(x, i));
        return it == ints_.end() ? -1 : it->second;
      }
      case LookupKeyKind::Real: {
        const double v = element_as_double(x, i);
        if (std::isnan(v)) return nan_index_;
        auto it = reals_.find(v);
        return it == reals_.end() ? -1 : it->second;
      }
    }
    return -1;
  }

  LookupKeyKind kind_ = LookupKeyKind::String;
  Tensor values_;
  Tensor fallback_;
  std::unordered_map<std::string, int64_t> strings_;
  std::unordered_map<int64_t, int64_t> ints_;
  std::unordered_map<double, int64_t> reals_;
  int64_t nan_index_ = -1;
};

// A 1-D tensor from a vector of int64, float or string attribute values.
template <typename T>
Tensor lookup_values_tensor(DataType dt, const std::vector<T>& v) {
  Tensor t = Tensor::allocate(dt, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.mutable_data<T>()[i] = v[i];
  return t;
}

}  // namespace onyxrt::ops::ml
