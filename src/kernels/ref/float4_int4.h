// Element conversions and packing for the sub-byte ONNX types: FLOAT4E2M1 (opset 23+),
// INT4/UINT4 (opset 21+) and INT2/UINT2 (opset 25+). Packed storage follows the ONNX spec:
// two 4-bit values per byte with element 0 in the low nibble, four 2-bit values per byte with
// element 0 in the lowest two bits.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

float float4e2m1_to_float(uint8_t code);
// Round to nearest even, saturating to +/-6 (the format has no inf or NaN), as ml_dtypes'
// float4_e2m1fn, the ONNX reference's type, does. NaN maps to a zero whose sign is the
// opposite of the NaN's, matching ml_dtypes bit for bit.
uint8_t float_to_float4e2m1(float x);

// The low `bits` bits of v, reinterpreted as a two's complement (signed) or plain (unsigned)
// number: ONNX's "discard higher bits" rule for fixed point to narrower fixed point.
int32_t wrap_signed_bits(int64_t v, int bits);
uint32_t wrap_unsigned_bits(uint64_t v, int bits);

// The raw `bits`-wide code of element i of a packed buffer (bits is 2 or 4).
inline uint8_t load_packed_code(const uint8_t* data, int64_t i, int bits) {
  const int per_byte = 8 / bits;
  const int shift = static_cast<int>(i % per_byte) * bits;
  return static_cast<uint8_t>((data[i / per_byte] >> shift) & ((1u << bits) - 1));
}
// Writes element i's code, leaving the byte's other elements untouched.
inline void store_packed_code(uint8_t* data, int64_t i, int bits, uint8_t code) {
  const int per_byte = 8 / bits;
  const int shift = static_cast<int>(i % per_byte) * bits;
  const uint8_t mask = static_cast<uint8_t>(((1u << bits) - 1) << shift);
  uint8_t& byte = data[i / per_byte];
  byte = static_cast<uint8_t>((byte & ~mask) | ((code << shift) & mask));
}

}  // namespace onyxrt::kernels
