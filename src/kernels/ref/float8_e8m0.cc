#include "kernels/ref/float8_e8m0.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace onyxrt::kernels {

float float8e8m0_to_float(uint8_t code) {
  if (code == 0xFF) return std::numeric_limits<float>::quiet_NaN();
  return std::ldexp(1.0f, static_cast<int>(code) - 127);
}

uint8_t float_to_float8e8m0(float x, bool saturate, E8M0Rounding mode) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const uint32_t exponent = (bits >> 23) & 0xFF;
  if (exponent == 0xFF) return 0xFF;
  bool round_up = false;
  if (mode == E8M0Rounding::Up) {
    round_up = (bits & 0x7FFFFF) != 0;
  } else if (mode == E8M0Rounding::Nearest) {
    // Guard bit set and any of round, sticky or "exponent is not the lowest" (the reference's
    // stand-in for the least significant bit of the result).
    const bool guard = (bits & 0x400000) != 0;
    const bool round = (bits & 0x200000) != 0;
    const bool sticky = (bits & 0x1FFFFF) != 0;
    round_up = guard && (round || sticky || exponent > 0);
  }
  if (saturate && exponent == 0xFE) round_up = false;
  return static_cast<uint8_t>(exponent + (round_up ? 1 : 0));
}

}  // namespace onyxrt::kernels
