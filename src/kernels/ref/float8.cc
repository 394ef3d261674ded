#include "kernels/ref/float8.h"

#include <cmath>
#include <limits>

namespace onyxrt::kernels {
namespace {

struct Layout {
  int exp_bits;
  int mant_bits;
  int bias;
  bool has_inf;         // E5M2 only
  bool unsigned_zero;   // the FNUZ formats
  uint8_t max_code;     // largest finite magnitude
  uint8_t nan_code;     // positive NaN (UZ: 0x80, the only NaN)
};

Layout layout(Float8Format f) {
  switch (f) {
    case Float8Format::E4M3FN: return {4, 3, 7, false, false, 0x7E, 0x7F};
    case Float8Format::E4M3FNUZ: return {4, 3, 8, false, true, 0x7F, 0x80};
    case Float8Format::E5M2: return {5, 2, 15, true, false, 0x7B, 0x7E};
    case Float8Format::E5M2FNUZ: return {5, 2, 16, false, true, 0x7F, 0x80};
  }
  return {4, 3, 7, false, false, 0x7E, 0x7F};
}

float decode_magnitude(uint8_t code, const Layout& l) {
  const int exp = code >> l.mant_bits;
  const int mant = code & ((1 << l.mant_bits) - 1);
  if (exp == 0) return std::ldexp(static_cast<float>(mant), 1 - l.bias - l.mant_bits);
  return std::ldexp(static_cast<float>((1 << l.mant_bits) + mant), exp - l.bias - l.mant_bits);
}

}  // namespace

bool is_float8(DataType t) {
  return t == DataType::Float8E4M3FN || t == DataType::Float8E4M3FNUZ || t == DataType::Float8E5M2 ||
         t == DataType::Float8E5M2FNUZ;
}

Float8Format float8_format(DataType t) {
  switch (t) {
    case DataType::Float8E4M3FNUZ: return Float8Format::E4M3FNUZ;
    case DataType::Float8E5M2: return Float8Format::E5M2;
    case DataType::Float8E5M2FNUZ: return Float8Format::E5M2FNUZ;
    default: return Float8Format::E4M3FN;
  }
}

float float8_max(Float8Format format) {
  const Layout l = layout(format);
  return decode_magnitude(l.max_code, l);
}

float float8_to_float(uint8_t bits, Float8Format format) {
  const Layout l = layout(format);
  const bool negative = (bits & 0x80) != 0;
  const uint8_t mag = bits & 0x7F;
  if (l.unsigned_zero) {
    if (bits == 0x80) return std::numeric_limits<float>::quiet_NaN();
  } else if (l.has_inf) {
    if ((mag >> l.mant_bits) == (1 << l.exp_bits) - 1) {
      if ((mag & ((1 << l.mant_bits) - 1)) == 0) return negative ? -INFINITY : INFINITY;
      return std::numeric_limits<float>::quiet_NaN();
    }
  } else if (mag == 0x7F) {
    return std::numeric_limits<float>::quiet_NaN();
  }
  const float v = decode_magnitude(mag, l);
  return negative ? -v : v;
}

uint8_t float_to_float8(float x, Float8Format format, bool saturate) {
  const Layout l = layout(format);
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  if (std::isnan(x)) return l.unsigned_zero ? l.nan_code : static_cast<uint8_t>(l.nan_code | sign);
  const float max = decode_magnitude(l.max_code, l);
  double a = std::fabs(static_cast<double>(x));
  if (saturate && a > max) a = max;
  auto overflow = [&]() -> uint8_t {
    if (l.unsigned_zero) return l.nan_code;
    if (l.has_inf) return static_cast<uint8_t>(sign | ((((1 << l.exp_bits) - 1)) << l.mant_bits));
    return static_cast<uint8_t>(sign | l.nan_code);
  };
  if (std::isinf(a)) return overflow();
  // Quantise the magnitude on the grid of its binade (subnormal step below the smallest normal),
  // rounding half to even via nearbyint in the default rounding mode.
  const int min_normal_exp = 1 - l.bias;
  int e = a > 0 ? std::ilogb(a) : min_normal_exp;
  if (e < min_normal_exp) e = min_normal_exp;
  const double step = std::ldexp(1.0, e - l.mant_bits);
  const double q = std::nearbyint(a / step) * step;
  if (q > max) return overflow();
  if (q == 0) return l.unsigned_zero ? 0 : sign;
  int qe = std::ilogb(q);
  uint8_t code;
  if (qe < min_normal_exp) {
    code = static_cast<uint8_t>(std::lround(std::ldexp(q, l.bias - 1 + l.mant_bits)));
  } else {
    const int mant = static_cast<int>(std::lround(std::ldexp(q, l.mant_bits - qe))) - (1 << l.mant_bits);
    code = static_cast<uint8_t>(((qe + l.bias) << l.mant_bits) | mant);
  }
  return static_cast<uint8_t>(sign | code);
}

}  // namespace onyxrt::kernels
