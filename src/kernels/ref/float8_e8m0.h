// FLOAT8E8M0 (opset 24+, the MX scale type): an unsigned 8-bit exponent, value 2^(e-127), code
// 0xFF is NaN; no sign, no zero. The conversion from float follows onnx.numpy_helper.to_float8e8m0
// (the ONNX reference): only float's exponent field is kept, rounded by `mode`, and with saturate
// a round-up that would reach 0xFF stays at 0xFE. NaN and Inf give 0xFF; the sign is ignored.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

enum class E8M0Rounding { Up, Down, Nearest };

float float8e8m0_to_float(uint8_t code);
uint8_t float_to_float8e8m0(float x, bool saturate, E8M0Rounding mode);

}  // namespace onyxrt::kernels
