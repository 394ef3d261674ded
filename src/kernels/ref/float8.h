// Conversions between float and the four 8-bit float formats ONNX defines (opset 19+):
// E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ. "FN" formats have no infinity; "UZ" formats have no negative
// zero and use 0x80 as their only NaN. Rounding is to nearest, ties to even, as in the ONNX
// reference (ml_dtypes). With `saturate` (the QuantizeLinear/Cast attribute) out-of-range values
// and infinities clamp to the largest finite value; without it they become inf (E5M2) or NaN.
#pragma once
#include <cstdint>

#include "onyxrt/dtype.h"

namespace onyxrt::kernels {

enum class Float8Format { E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ };

bool is_float8(DataType t);
// Requires is_float8(t).
Float8Format float8_format(DataType t);

float float8_to_float(uint8_t bits, Float8Format format);
uint8_t float_to_float8(float x, Float8Format format, bool saturate);
// The largest finite value of the format (448, 240, 57344, 57344).
float float8_max(Float8Format format);

}  // namespace onyxrt::kernels
