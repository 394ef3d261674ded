// Cast and CastLike between every numeric type, bool and string, float8 (E4M3FN, E4M3FNUZ, E5M2,
// E5M2FNUZ, E8M0), float4 E2M1 and the packed int4/uint4/int2/uint2 (ONNX Cast opsets 1+, CastLike
// 15+). Complex types are rejected at session creation. `saturate` (opset 19+) applies to the
// float8 targets, `round_mode` (opset 24+) to E8M0.
//
// Where ONNX leaves a conversion undefined, onnxruntime's x86 behaviour is followed:
// float -> int of NaN or out-of-range values gives the minimum of int32/int64 and narrower types
// wrap from int32; numbers -> string print with "%.8g" and NaN/INF/-INF; strings parse like
// std::stod / std::stoll / std::stoull (leading spaces skipped, trailing text ignored).
// The sub-byte and float8 conversions match the ONNX reference (ml_dtypes and onnx.numpy_helper)
// bit for bit: float -> int4/int2 truncates like float -> int32 and then keeps the low bits.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

#include "kernels/ref/float4_int4.h"
#include "kernels/ref/float8.h"
#include "kernels/ref/float8_e8m0.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

using kernels::BFloat16;
using kernels::Float16;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

bool is_plain(DataType dt) { return dt == DataType::String || visit_numeric(dt, [](auto) {}); }

// float8, float4 and the packed integers: converted element by element through float or int32.
bool is_narrow(DataType dt) {
  return kernels::is_float8(dt) || dt == DataType::Float8E8M0 || dt == DataType::Float4E2M1 ||
         dt == DataType::Int4 || dt == DataType::UInt4 || dt == DataType::Int2 || dt == DataType::UInt2;
}

bool is_castable(DataType dt) { return is_plain(dt) || is_narrow(dt); }

// Float to integer, matching the cvttss2si-based conversion g++ emits on x86-64.
template <typename To>
To float_to_integer(double x) {
  if constexpr (std::is_same_v<To, uint64_t>) {
    if (x >= 9223372036854775808.0 && x < 18446744073709551616.0) {
      return static_cast<uint64_t>(x - 9223372036854775808.0) + (uint64_t{1} << 63);
    }
  }
  if constexpr (sizeof(To) < 4 || std::is_same_v<To, int32_t>) {
    const bool in_range = x > -2147483649.0 && x < 2147483648.0;
    return static_cast<To>(in_range ? static_cast<int32_t>(x) : std::numeric_limits<int32_t>::min());
  } else {
    const bool in_range = x >= -9223372036854775808.0 && x < 9223372036854775808.0;
    return static_cast<To>(in_range ? static_cast<int64_t>(x) : std::numeric_limits<int64_t>::min());
  }
}

template <typename From, typename To>
To convert_number(From v) {
  using C = typename ComputeType<From>::type;  // half types widen to float first
  const C x = ComputeType<From>::load(v);
  if constexpr (std::is_same_v<To, bool>) {
    return x != C(0);
  } else if constexpr (std::is_same_v<To, Float16>) {
    return kernels::float_to_half(static_cast<float>(x));
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return kernels::float_to_bfloat16(static_cast<float>(x));
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<C>) {
    return float_to_integer<To>(static_cast<double>(x));
  } else {
    return static_cast<To>(x);
  }
}

template <typename From>
std::string number_to_string(From v) {
  if constexpr (std::is_same_v<From, bool>) {
    return v ? "1" : "0";
  } else if constexpr (std::is_integral_v<From>) {
    return std::to_string(v);
  } else {
    const double x = static_cast<double>(ComputeType<From>::load(v));
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x > 0 ? "INF" : "-INF";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8g", x);
    return buf;
  }
}

[[noreturn]] void bad_string(const ir::Node& node, const std::string& s, const char* why) {
  throw_error(ErrorCode::RuntimeException, node.describe() + ": cannot cast string \"" + s + "\" to a number (" +
                                               why + ")");
}

template <typename To>
To string_to_number(const std::string& s, const ir::Node& node) {
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  if constexpr (std::is_floating_point_v<To> || is_half_v<To>) {
    const double x = std::strtod(begin, &end);
    if (end == begin) bad_string(node, s, "not a number");
    if (errno == ERANGE && std::isinf(x)) bad_string(node, s, "out of range");
    return convert_number<double, To>(x);
  } else if constexpr (std::is_signed_v<To>) {
    const long long x = std::strtoll(begin, &end, 10);
    if (end == begin) bad_string(node, s, "not an integer");
    if (errno == ERANGE) bad_string(node, s, "out of range");
    return static_cast<To>(x);
  } else {
    // Unsigned targets and bool parse like std::stoull, so "-1" wraps around.
    const unsigned long long x = std::strtoull(begin, &end, 10);
    if (end == begin) bad_string(node, s, "not an integer");
    if (errno == ERANGE) bad_string(node, s, "out of range");
    if constexpr (std::is_same_v<To, bool>) return x != 0;
    return static_cast<To>(x);
  }
}

// Calls fn(T{}) for every plain type Cast handles (numbers, bool, string).
template <typename Fn>
void visit_castable(DataType dt, Fn&& fn) {
  if (dt == DataType::String) {
    fn(std::string{});
  } else {
    visit_numeric(dt, fn);
  }
}

// How float targets of the narrow types round (Cast's `saturate` and `round_mode` attributes).
struct NarrowOptions {
  bool saturate = true;
  kernels::E8M0Rounding e8m0_rounding = kernels::E8M0Rounding::Up;
};

// Converts one element between plain types, or from float/int32 (decoded narrow elements).
template <typename From, typename To>
To convert_plain(const From& v, const ir::Node& node) {
  if constexpr (std::is_same_v<From, std::string> && std::is_same_v<To, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<To, std::string>) {
    return number_to_string(v);
  } else if constexpr (std::is_same_v<From, std::string>) {
    return string_to_number<To>(v, node);
  } else {
    return convert_number<From, To>(v);
  }
}

// A plain value as the float a narrow float type is encoded from.
template <typename V>
float value_as_float(const V& v, const ir::Node& node) {
  if constexpr (std::is_same_v<V, std::string>) {
    return static_cast<float>(string_to_number<double>(v, node));
  } else {
    return static_cast<float>(ComputeType<V>::load(v));
  }
}

// A plain value as the integer whose low bits a packed integer type keeps.
template <typename V>
int64_t value_as_integer(const V& v, const ir::Node& node) {
  if constexpr (std::is_same_v<V, std::string>) {
    return string_to_number<int64_t>(v, node);
  } else if constexpr (std::is_floating_point_v<V> || is_half_v<V>) {
    return float_to_integer<int32_t>(static_cast<double>(ComputeType<V>::load(v)));
  } else {
    return static_cast<int64_t>(v);
  }
}

// Calls fn(load) with load(i) giving element i of `x`: the element itself for plain types, a float
// for narrow float types and an int32_t for packed integers.
template <typename Fn>
void with_element_loader(const Tensor& x, Fn&& fn) {
  const DataType dt = x.dtype();
  const auto* raw = static_cast<const uint8_t*>(x.raw());
  if (kernels::is_float8(dt)) {
    const kernels::Float8Format format = kernels::float8_format(dt);
    fn([=](int64_t i) { return kernels::float8_to_float(raw[i], format); });
  } else if (dt == DataType::Float8E8M0) {
    fn([=](int64_t i) { return kernels::float8e8m0_to_float(raw[i]); });
  } else if (dt == DataType::Float4E2M1) {
    fn([=](int64_t i) { return kernels::float4e2m1_to_float(kernels::load_packed_code(raw, i, 4)); });
  } else if (dt == DataType::Int4 || dt == DataType::Int2) {
    const int bits = dtype_bits(dt);
    fn([=](int64_t i) { return kernels::wrap_signed_bits(kernels::load_packed_code(raw, i, bits), bits); });
  } else if (dt == DataType::UInt4 || dt == DataType::UInt2) {
    const int bits = dtype_bits(dt);
    fn([=](int64_t i) { return static_cast<int32_t>(kernels::load_packed_code(raw, i, bits)); });
  } else {
    visit_castable(dt, [&](auto tag) {
      const auto* in = x.data<decltype(tag)>();
      fn([=](int64_t i) -> const decltype(tag)& { return in[i]; });
    });
  }
}

// Calls fn(store, packed) with store(i, v) writing any loaded value v as element i of `y`; packed
// is true when elements share bytes (so that writers must not run in parallel).
template <typename Fn>
void with_element_storer(Tensor& y, const NarrowOptions& opts, const ir::Node& node, Fn&& fn) {
  const DataType dt = y.dtype();
  auto* raw = static_cast<uint8_t*>(y.mutable_raw());
  if (kernels::is_float8(dt)) {
    const kernels::Float8Format format = kernels::float8_format(dt);
    fn([&, format](int64_t i, const auto& v) {
      raw[i] = kernels::float_to_float8(value_as_float(v, node), format, opts.saturate);
    }, false);
  } else if (dt == DataType::Float8E8M0) {
    fn([&](int64_t i, const auto& v) {
      raw[i] = kernels::float_to_float8e8m0(value_as_float(v, node), opts.saturate, opts.e8m0_rounding);
    }, false);
  } else if (dt == DataType::Float4E2M1) {
    fn([&](int64_t i, const auto& v) {
      kernels::store_packed_code(raw, i, 4, kernels::float_to_float4e2m1(value_as_float(v, node)));
    }, true);
  } else if (dt == DataType::Int4 || dt == DataType::UInt4 || dt == DataType::Int2 || dt == DataType::UInt2) {
    const int bits = dtype_bits(dt);
    fn([&, bits](int64_t i, const auto& v) {
      const auto code = kernels::wrap_unsigned_bits(static_cast<uint64_t>(value_as_integer(v, node)), bits);
      kernels::store_packed_code(raw, i, bits, static_cast<uint8_t>(code));
    }, true);
  } else {
    visit_castable(dt, [&](auto tag) {
      using To = decltype(tag);
      To* out = y.mutable_data<To>();
      fn([&, out](int64_t i, const auto& v) {
        out[i] = convert_plain<std::decay_t<decltype(v)>, To>(v, node);
      }, false);
    });
  }
}

class CastKernel : public OpKernel {
 public:
  // `to` is Undefined for CastLike, whose target is input 1's element type at run time.
  CastKernel(DataType to, NarrowOptions opts) : to_(to), opts_(opts) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const DataType to = to_ != DataType::Undefined ? to_ : ctx.required_input(1).dtype();
    if (!is_castable(x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    if (!is_castable(to)) unsupported_type(ctx.node(), 1, to);
    if (x.dtype() == to) {
      ctx.set_output(0, Value(x));  // same type: share the input, as Identity does
      return;
    }
    Tensor& y = ctx.allocate_output(0, to, x.shape());
    const ir::Node& node = ctx.node();
    with_element_loader(x, [&](auto load) {
      with_element_storer(y, opts_, node, [&](auto store, bool packed) {
        auto run = [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) store(i, load(i));
        };
        if (packed) {
          run(0, x.size());
        } else {
          ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, run);
        }
      });
    });
  }

 private:
  DataType to_;
  NarrowOptions opts_;
};

DataType cast_target(const ir::Node& node) {
  const ir::Attribute& to = node.required("to");
  // Opset 1 spelled the target as a string ("FLOAT"); later opsets use the TensorProto enum.
  if (to.type == ir::Attribute::Type::String) {
    static const std::pair<const char*, DataType> kNames[] = {
        {"FLOAT", DataType::Float},   {"UINT8", DataType::UInt8},   {"INT8", DataType::Int8},
        {"UINT16", DataType::UInt16}, {"INT16", DataType::Int16},   {"INT32", DataType::Int32},
        {"INT64", DataType::Int64},   {"STRING", DataType::String}, {"BOOL", DataType::Bool},
        {"FLOAT16", DataType::Float16}, {"DOUBLE", DataType::Double}, {"UINT32", DataType::UInt32},
        {"UINT64", DataType::UInt64}};
    for (const auto& [name, dt] : kNames) {
      if (to.s == name) return dt;
    }
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": unknown Cast target type '" + to.s + "'");
  }
  if (!is_known_dtype(static_cast<int32_t>(to.i)) || to.i == 0) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": 'to' = " + std::to_string(to.i) +
                                             " is not a TensorProto data type");
  }
  return static_cast<DataType>(to.i);
}

NarrowOptions narrow_options(const ir::Node& node) {
  NarrowOptions opts;
  opts.saturate = node.get_int("saturate", 1) != 0;
  const std::string mode = node.get_string("round_mode", "up");
  if (mode == "up") {
    opts.e8m0_rounding = kernels::E8M0Rounding::Up;
  } else if (mode == "down") {
    opts.e8m0_rounding = kernels::E8M0Rounding::Down;
  } else if (mode == "nearest") {
    opts.e8m0_rounding = kernels::E8M0Rounding::Nearest;
  } else {
    throw_error(ErrorCode::InvalidGraph,
                node.describe() + ": round_mode '" + mode + "' is not one of up, down, nearest");
  }
  return opts;
}

void check_castable_input(const ir::Node& node, int i) {
  const DataType dt = input_dtype(node, i);
  if (dt != DataType::Undefined && !is_castable(dt)) unsupported_type(node, i, dt);
}

std::unique_ptr<OpKernel> make_cast(const ir::Node& node) {
  const DataType to = cast_target(node);
  if (!is_castable(to)) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": Cast to " + std::string(dtype_name(to)) +
                                               " is not implemented");
  }
  check_castable_input(node, 0);
  return std::make_unique<CastKernel>(to, narrow_options(node));
}

void infer_cast(ir::InferenceContext& ctx) {
  const DataType to = cast_target(ctx.node());
  const ir::TypeInfo& in = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(to, in.has_shape, in.shape));
}

// CastLike (opset 15+): Cast to the element type of input 1 (`target_type`), whose values are unused.
std::unique_ptr<OpKernel> make_cast_like(const ir::Node& node) {
  check_castable_input(node, 0);
  check_castable_input(node, 1);
  return std::make_unique<CastKernel>(DataType::Undefined, narrow_options(node));
}

void infer_cast_like(ir::InferenceContext& ctx) {
  const DataType to = ctx.input_type(1).elem;
  if (to == DataType::Undefined) return;
  const ir::TypeInfo& in = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(to, in.has_shape, in.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Cast", 1, kMaxOpset, make_cast, infer_cast});
ONYXRT_REGISTER_OP({"", "CastLike", 15, kMaxOpset, make_cast_like, infer_cast_like});

}  // namespace onyxrt::ops
