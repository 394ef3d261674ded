#include "kernels/ref/float4_int4.h"

#include <cmath>

namespace onyxrt::kernels {

float float4e2m1_to_float(uint8_t code) {
  // Magnitudes of codes 0..7: subnormal 0.5, then 1, 1.5, 2, 3, 4, 6 (bias 1, one mantissa bit).
  static constexpr float kMagnitude[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  const float m = kMagnitude[code & 0x7];
  return (code & 0x8) ? -m : m;
}

uint8_t float_to_float4e2m1(float x) {
  const uint8_t sign = std::signbit(x) ? 0x8 : 0x0;
  if (std::isnan(x)) return static_cast<uint8_t>(sign ^ 0x8);
  const float a = std::fabs(x);
  if (a >= 6.0f) return static_cast<uint8_t>(sign | 0x7);
  // The representable magnitudes are multiples of 0.5 below 2, of 1 below 4, of 2 below 6:
  // scale into that binade's grid and round half to even there.
  const float step = a < 2.0f ? 0.5f : (a < 4.0f ? 1.0f : 2.0f);
  const float q = std::nearbyint(a / step) * step;
  uint8_t code = 0;
  static constexpr float kMagnitude[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (uint8_t c = 0; c < 8; ++c) {
    if (kMagnitude[c] == q) code = c;
  }
  return static_cast<uint8_t>(sign | code);
}

int32_t wrap_signed_bits(int64_t v, int bits) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  const uint64_t low = static_cast<uint64_t>(v) & mask;
  const uint64_t sign_bit = uint64_t{1} << (bits - 1);
  return static_cast<int32_t>(static_cast<int64_t>(low) - static_cast<int64_t>((low & sign_bit) << 1));
}

uint32_t wrap_unsigned_bits(uint64_t v, int bits) {
  return static_cast<uint32_t>(v & ((uint64_t{1} << bits) - 1));
}

}  // namespace onyxrt::kernels
