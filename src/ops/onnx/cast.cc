// Cast between every numeric type, bool and string (ONNX Cast, opsets 1+). float8, int4/uint4,
// float4 and complex targets or sources are rejected at session creation for now; `saturate` and
// `round_mode` (opsets 19+, 24+) only affect those types and are therefore not read.
//
// Where ONNX leaves a conversion undefined, onnxruntime's x86 behaviour is followed:
// float -> int of NaN or out-of-range values gives the minimum of int32/int64 and narrower types
// wrap from int32; numbers -> string print with "%.8g" and NaN/INF/-INF; strings parse like
// std::stod / std::stoll / std::stoull (leading spaces skipped, trailing text ignored).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

using kernels::BFloat16;
using kernels::Float16;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

bool is_castable(DataType dt) { return dt == DataType::String || visit_numeric(dt, [](auto) {}); }

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

// Calls fn(T{}) for every type Cast handles (numbers, bool, string).
template <typename Fn>
void visit_castable(DataType dt, Fn&& fn) {
  if (dt == DataType::String) {
    fn(std::string{});
  } else {
    visit_numeric(dt, fn);
  }
}

class CastKernel : public OpKernel {
 public:
  explicit CastKernel(DataType to) : to_(to) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!is_castable(x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    if (x.dtype() == to_) {
      ctx.set_output(0, Value(x));  // same type: share the input, as Identity does
      return;
    }
    Tensor& y = ctx.allocate_output(0, to_, x.shape());
    const ir::Node& node = ctx.node();
    visit_castable(x.dtype(), [&](auto from_tag) {
      using From = decltype(from_tag);
      visit_castable(to_, [&](auto to_tag) {
        using To = decltype(to_tag);
        const From* in = x.data<From>();
        To* out = y.mutable_data<To>();
        ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            if constexpr (std::is_same_v<From, std::string> && std::is_same_v<To, std::string>) {
              out[i] = in[i];
            } else if constexpr (std::is_same_v<To, std::string>) {
              out[i] = number_to_string(in[i]);
            } else if constexpr (std::is_same_v<From, std::string>) {
              out[i] = string_to_number<To>(in[i], node);
            } else {
              out[i] = convert_number<From, To>(in[i]);
            }
          }
        });
      });
    });
  }

 private:
  DataType to_;
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

std::unique_ptr<OpKernel> make_cast(const ir::Node& node) {
  const DataType to = cast_target(node);
  if (!is_castable(to)) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": Cast to " + std::string(dtype_name(to)) +
                                               " is not implemented");
  }
  const DataType from = input_dtype(node, 0);
  if (from != DataType::Undefined && !is_castable(from)) unsupported_type(node, 0, from);
  return std::make_unique<CastKernel>(to);
}

void infer_cast(ir::InferenceContext& ctx) {
  const DataType to = cast_target(ctx.node());
  const ir::TypeInfo& in = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(to, in.has_shape, in.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Cast", 1, kMaxOpset, make_cast, infer_cast});

}  // namespace onyxrt::ops
