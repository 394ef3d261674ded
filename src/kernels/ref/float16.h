// IEEE half (float16) and bfloat16 storage types and their conversions to and from float.
// Conversions to the 16-bit types round to nearest even, as onnxruntime's Cast and numpy's
// astype(np.float16) do; NaN stays NaN (quiet) in both directions.
#pragma once
#include <cstdint>
#include <cstring>

namespace onyxrt::kernels {

struct Float16 {
  uint16_t bits = 0;
};
struct BFloat16 {
  uint16_t bits = 0;
};

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float float_from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float half_to_float(Float16 h) {
  const uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16;
  const uint32_t exp = (h.bits >> 10) & 0x1fu;
  uint32_t mant = h.bits & 0x3ffu;
  if (exp == 0x1f) return float_from_bits(sign | 0x7f800000u | (mant << 13));  // inf / NaN
  if (exp != 0) return float_from_bits(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0) return float_from_bits(sign);
  // Subnormal half: value is mant * 2^-24, exactly representable as a normal float.
  const float magnitude = static_cast<float>(mant) * (1.0f / 16777216.0f);
  return sign ? -magnitude : magnitude;
}

inline Float16 float_to_half(float f) {
  const uint32_t u = float_bits(f);
  const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  const uint32_t abs = u & 0x7fffffffu;
  if (abs >= 0x7f800000u) {  // inf or NaN
    const uint16_t nan_bit = abs > 0x7f800000u ? 0x200u : 0u;
    return Float16{static_cast<uint16_t>(sign | 0x7c00u | nan_bit | ((abs >> 13) & 0x3ffu))};
  }
  if (abs >= 0x477ff000u) return Float16{static_cast<uint16_t>(sign | 0x7c00u)};  // rounds to inf
  if (abs < 0x38800000u) {
    // Result is subnormal or zero: scale so the half's last mantissa bit is the float's unit,
    // letting the FPU's round-to-nearest-even do the rounding.
    const float scaled = float_from_bits(abs) * 16777216.0f;  // * 2^24
    const float rounded = scaled + 8388608.0f - 8388608.0f;   // rint in default rounding mode
    return Float16{static_cast<uint16_t>(sign | static_cast<uint16_t>(rounded))};
  }
  // Normal: rebias the exponent and round the 13 dropped mantissa bits to nearest even.
  uint32_t h = ((abs - 0x38000000u) >> 13);
  const uint32_t rest = abs & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
  return Float16{static_cast<uint16_t>(sign | h)};
}

inline float bfloat16_to_float(BFloat16 b) { return float_from_bits(static_cast<uint32_t>(b.bits) << 16); }

inline BFloat16 float_to_bfloat16(float f) {
  const uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return BFloat16{static_cast<uint16_t>((u >> 16) | 0x40u)};  // quiet NaN
  const uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  return BFloat16{static_cast<uint16_t>((u + rounding) >> 16)};
}

}  // namespace onyxrt::kernels
