// Shared pieces of QuantizeLinear / DequantizeLinear (and the QLinear* ops): reading and writing
// one quantized element of any supported storage type (8/16/32-bit ints, packed int4/uint4 with the
// low nibble first, packed int2/uint2 with the lowest two bits first, float4e2m1, the four float8
// formats), and mapping an element of x to its scale/zero-point
// element for per-tensor, per-axis and blocked (opset 21 block_size) quantization.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include "kernels/ref/float16.h"
#include "kernels/ref/float4_int4.h"
#include "kernels/ref/float8.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops::quant {

inline bool is_int_quant_type(DataType t) {
  switch (t) {
    case DataType::UInt8: case DataType::Int8: case DataType::UInt16: case DataType::Int16:
    case DataType::UInt4: case DataType::Int4: case DataType::UInt2: case DataType::Int2:
      return true;
    default:
      return false;
  }
}
inline bool is_quant_type(DataType t) {
  return is_int_quant_type(t) || kernels::is_float8(t) || t == DataType::Float4E2M1;
}
// Quantized types with no zero point of their own (it must be 0): the float formats.
inline bool is_float_quant_type(DataType t) { return kernels::is_float8(t) || t == DataType::Float4E2M1; }

// Saturation bounds of the integer quantized types (ONNX QuantizeLinear clips to them).
inline void int_range(DataType t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case DataType::UInt8: lo = 0; hi = 255; return;
    case DataType::Int8: lo = -128; hi = 127; return;
    case DataType::UInt16: lo = 0; hi = 65535; return;
    case DataType::Int16: lo = -32768; hi = 32767; return;
    case DataType::UInt4: lo = 0; hi = 15; return;
    case DataType::Int4: lo = -8; hi = 7; return;
    case DataType::UInt2: lo = 0; hi = 3; return;
    case DataType::Int2: lo = -2; hi = 1; return;
    case DataType::Int32: lo = INT32_MIN; hi = INT32_MAX; return;
    default: lo = 0; hi = 0; return;
  }
}

// Element i of an integer-typed buffer (int4/uint4 packed two per byte, low nibble first).
inline int64_t load_int(DataType t, const void* data, int64_t i) {
  const auto* b = static_cast<const uint8_t*>(data);
  switch (t) {
    case DataType::UInt8: return b[i];
    case DataType::Int8: return static_cast<const int8_t*>(data)[i];
    case DataType::UInt16: return static_cast<const uint16_t*>(data)[i];
    case DataType::Int16: return static_cast<const int16_t*>(data)[i];
    case DataType::Int32: return static_cast<const int32_t*>(data)[i];
    case DataType::UInt4: return (b[i >> 1] >> ((i & 1) * 4)) & 0xF;
    case DataType::Int4: {
      const int v = (b[i >> 1] >> ((i & 1) * 4)) & 0xF;
      return v >= 8 ? v - 16 : v;
    }
    case DataType::UInt2: return kernels::load_packed_code(b, i, 2);
    case DataType::Int2: return kernels::wrap_signed_bits(kernels::load_packed_code(b, i, 2), 2);
    default: return 0;
  }
}

// Writes v (already in range) as element i; packed nibbles are merged into their byte.
inline void store_int(DataType t, void* data, int64_t i, int64_t v) {
  auto* b = static_cast<uint8_t*>(data);
  switch (t) {
    case DataType::UInt8: b[i] = static_cast<uint8_t>(v); return;
    case DataType::Int8: static_cast<int8_t*>(data)[i] = static_cast<int8_t>(v); return;
    case DataType::UInt16: static_cast<uint16_t*>(data)[i] = static_cast<uint16_t>(v); return;
    case DataType::Int16: static_cast<int16_t*>(data)[i] = static_cast<int16_t>(v); return;
    case DataType::Int32: static_cast<int32_t*>(data)[i] = static_cast<int32_t>(v); return;
    case DataType::UInt4: case DataType::Int4: {
      const int shift = (i & 1) * 4;
      b[i >> 1] = static_cast<uint8_t>((b[i >> 1] & ~(0xF << shift)) | ((v & 0xF) << shift));
      return;
    }
    case DataType::UInt2: case DataType::Int2: kernels::store_packed_code(b, i, 2, static_cast<uint8_t>(v & 0x3)); return;
    default: return;
  }
}

// Element i of a quantized buffer as a real number (float8 decoded, integers exact).
inline double load_quant(DataType t, const void* data, int64_t i) {
  if (kernels::is_float8(t)) {
    return kernels::float8_to_float(static_cast<const uint8_t*>(data)[i], kernels::float8_format(t));
  }
  if (t == DataType::Float4E2M1) return kernels::float4e2m1_to_float(kernels::load_packed_code(static_cast<const uint8_t*>(data), i, 4));
  return static_cast<double>(load_int(t, data, i));
}

// Maps a flat index of x to the index of its scale / zero-point element. x is viewed as
// [outer, D, inner] around `axis`; blocked quantization groups `block` consecutive positions of D.
struct QuantIndexer {
  int64_t scale_count = 1;  // 1: per-tensor
  int64_t D = 1, inner = 1, block = 0, blocks = 1;

  int64_t operator()(int64_t i) const {
    if (scale_count == 1) return 0;
    const int64_t in = i % inner;
    const int64_t k = (i / inner) % D;
    if (block == 0) return k;
    const int64_t o = i / (inner * D);
    return (o * blocks + k / block) * inner + in;
  }
};

// Validates the scale shape against x and builds the indexer. Per-tensor: one element;
// per-axis: 1-D of x.shape[axis]; blocked: x's shape with ceil(D / block_size) along axis.
inline QuantIndexer make_indexer(const Shape& x, const Shape& scale, int64_t axis, int64_t block_size,
                                 const ir::Node& node, const char* what) {
  QuantIndexer ix;
  const int64_t count = shape_size(scale);
  auto fail = [&](const std::string& why) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " " + shape_to_string(scale) +
                                                " does not fit input " + shape_to_string(x) + ": " + why);
  };
  if (block_size <= 0 && count == 1 && scale.size() <= 1) return ix;
  const int64_t rank = static_cast<int64_t>(x.size());
  if (axis < -rank || axis >= rank) fail("axis " + std::to_string(axis) + " out of range");
  if (axis < 0) axis += rank;
  ix.scale_count = count;
  ix.D = x[axis];
  for (int64_t d = axis + 1; d < rank; ++d) ix.inner *= x[d];
  if (block_size <= 0) {
    if (scale.size() != 1 || scale[0] != ix.D) fail("per-axis scale must be 1-D with x.shape[axis] elements");
    return ix;
  }
  ix.block = block_size;
  ix.blocks = (ix.D + block_size - 1) / block_size;
  if (static_cast<int64_t>(scale.size()) != rank) fail("blocked scale must have x's rank");
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t want = d == axis ? ix.blocks : x[d];
    if (scale[d] != want) fail("blocked scale dim " + std::to_string(d) + " must be " + std::to_string(want));
  }
  return ix;
}

}  // namespace onyxrt::ops::quant

namespace onyxrt::ops::quant {

// The real-valued element types quantization reads and writes (x of QuantizeLinear, scales,
// the output of DequantizeLinear).
inline bool is_real_type(DataType t) {
  return t == DataType::Float || t == DataType::Float16 || t == DataType::BFloat16 || t == DataType::Double;
}

inline float load_real(DataType t, const void* data, int64_t i) {
  switch (t) {
    case DataType::Float: return static_cast<const float*>(data)[i];
    case DataType::Double: return static_cast<float>(static_cast<const double*>(data)[i]);
    case DataType::Float16: return kernels::half_to_float(static_cast<const kernels::Float16*>(data)[i]);
    case DataType::BFloat16: return kernels::bfloat16_to_float(static_cast<const kernels::BFloat16*>(data)[i]);
    case DataType::Int32: return static_cast<float>(static_cast<const int32_t*>(data)[i]);
    default: return 0.f;
  }
}

inline void store_real(DataType t, void* data, int64_t i, float v) {
  switch (t) {
    case DataType::Float: static_cast<float*>(data)[i] = v; return;
    case DataType::Double: static_cast<double*>(data)[i] = v; return;
    case DataType::Float16: static_cast<kernels::Float16*>(data)[i] = kernels::float_to_half(v); return;
    case DataType::BFloat16: static_cast<kernels::BFloat16*>(data)[i] = kernels::float_to_bfloat16(v); return;
    default: return;
  }
}

// Quantizes one already-scaled value q = x / scale: integers round half to even, add the zero
// point and saturate; float8 rounds to the format (zero point is required to be 0 there).
inline void store_quantized(DataType t, void* data, int64_t i, float q, int64_t zero_point, bool saturate) {
  if (kernels::is_float8(t)) {
    static_cast<uint8_t*>(data)[i] = kernels::float_to_float8(q, kernels::float8_format(t), saturate);
    return;
  }
  if (t == DataType::Float4E2M1) {  // saturates always: the format has no inf or NaN
    kernels::store_packed_code(static_cast<uint8_t*>(data), i, 4, kernels::float_to_float4e2m1(q));
    return;
  }
  int64_t lo, hi;
  int_range(t, lo, hi);
  double v = std::nearbyint(static_cast<double>(q)) + static_cast<double>(zero_point);
  if (std::isnan(v)) v = static_cast<double>(zero_point);
  v = v < static_cast<double>(lo) ? static_cast<double>(lo) : (v > static_cast<double>(hi) ? static_cast<double>(hi) : v);
  store_int(t, data, i, static_cast<int64_t>(v));
}

}  // namespace onyxrt::ops::quant
