// IsNaN, IsInf (detect_positive / detect_negative) and Not: element-wise tests whose output is
// bool. The float8 types of opset 20 are tested on their bit patterns, so no float8 arithmetic is
// needed: E4M3FN has NaN at S.1111.111 and no infinity; the FNUZ types have one NaN (0x80) and no
// infinity; E5M2 follows IEEE (exponent all ones).
#include <cmath>
#include <cstdint>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

constexpr DTypeSet kFloat8Types{DataType::Float8E4M3FN, DataType::Float8E4M3FNUZ, DataType::Float8E5M2,
                                DataType::Float8E5M2FNUZ};
constexpr DTypeSet kTestableTypes = kFloatTypes | kFloat8Types;

bool float8_is_nan(DataType dt, uint8_t b) {
  switch (dt) {
    case DataType::Float8E4M3FN: return (b & 0x7f) == 0x7f;
    case DataType::Float8E5M2: return (b & 0x7c) == 0x7c && (b & 0x03) != 0;
    default: return b == 0x80;  // the FNUZ types
  }
}

// +1 for +inf, -1 for -inf, 0 otherwise; only E5M2 among the float8 types has infinities.
int float8_infinity(DataType dt, uint8_t b) {
  if (dt != DataType::Float8E5M2 || (b & 0x7f) != 0x7c) return 0;
  return (b & 0x80) ? -1 : 1;
}

// Calls fn(value as float or double) per element for the float types, fn8(byte) for float8.
template <typename Fn, typename Fn8>
void map_predicate(KernelContext& ctx, const Tensor& x, Tensor& y, Fn fn, Fn8 fn8) {
  if (kFloat8Types.contains(x.dtype())) {
    map_unary<uint8_t, bool>(ctx, x, y, fn8);
    return;
  }
  visit_numeric(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_float_storage_v<T>) {
      using CT = ComputeType<T>;
      map_unary<T, bool>(ctx, x, y, [&](T v) { return fn(CT::load(v)); });
    }
  });
}

class IsNaNKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kTestableTypes);
    Tensor& y = ctx.allocate_output(0, DataType::Bool, x.shape());
    const DataType dt = x.dtype();
    map_predicate(ctx, x, y, [](auto v) { return std::isnan(v); }, [dt](uint8_t b) { return float8_is_nan(dt, b); });
  }
};

class IsInfKernel : public OpKernel {
 public:
  IsInfKernel(bool positive, bool negative) : positive_(positive), negative_(negative) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kTestableTypes);
    Tensor& y = ctx.allocate_output(0, DataType::Bool, x.shape());
    const DataType dt = x.dtype();
    const bool pos = positive_, neg = negative_;
    map_predicate(
        ctx, x, y, [pos, neg](auto v) { return std::isinf(v) && (v > 0 ? pos : neg); },
        [dt, pos, neg](uint8_t b) {
          const int inf = float8_infinity(dt, b);
          return (inf > 0 && pos) || (inf < 0 && neg);
        });
  }

 private:
  bool positive_, negative_;
};

class NotKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    check_tensor_dtype(ctx, 0, x, kBoolType);
    Tensor& y = ctx.allocate_output(0, DataType::Bool, x.shape());
    map_unary<bool, bool>(ctx, x, y, [](bool v) { return !v; });
  }
};

std::unique_ptr<OpKernel> make_isnan(const ir::Node& node) {
  require_input_dtype(node, 0, kTestableTypes);
  return std::make_unique<IsNaNKernel>();
}

std::unique_ptr<OpKernel> make_isinf(const ir::Node& node) {
  require_input_dtype(node, 0, kTestableTypes);
  return std::make_unique<IsInfKernel>(node.get_int("detect_positive", 1) != 0, node.get_int("detect_negative", 1) != 0);
}

std::unique_ptr<OpKernel> make_not(const ir::Node& node) {
  require_input_dtype(node, 0, kBoolType);
  return std::make_unique<NotKernel>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "IsNaN", 9, kMaxOpset, make_isnan, infer_bool_like_input0});
ONYXRT_REGISTER_OP({"", "IsInf", 10, kMaxOpset, make_isinf, infer_bool_like_input0});
ONYXRT_REGISTER_OP({"", "Not", 1, kMaxOpset, make_not, infer_bool_like_input0});

}  // namespace onyxrt::ops
