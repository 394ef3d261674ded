// Sub-byte and E8M0 conversions of kernels/ref (float4_int4, float8_e8m0) and Cast through the
// registry: every float4 code round-trips, packed stores leave neighbours alone, wrapping follows
// two's complement, E8M0 keeps exact powers of two.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/ref/float4_int4.h"
#include "kernels/ref/float8_e8m0.h"
#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

TEST(OpsHFloat4Test, EveryCodeRoundTrips) {
  for (int code = 0; code < 16; ++code) {
    const float v = kernels::float4e2m1_to_float(static_cast<uint8_t>(code));
    EXPECT_EQ(kernels::float_to_float4e2m1(v), code) << v;
  }
  EXPECT_EQ(kernels::float4e2m1_to_float(kernels::float_to_float4e2m1(1e9f)), 6.0f);  // saturates
  EXPECT_EQ(kernels::float4e2m1_to_float(kernels::float_to_float4e2m1(2.5f)), 2.0f);  // ties to even
}

TEST(OpsHPackedTest, StoreKeepsNeighboursAndWraps) {
  uint8_t buf[2] = {0xFF, 0xFF};
  kernels::store_packed_code(buf, 1, 4, 0x3);
  EXPECT_EQ(buf[0], 0x3F);
  kernels::store_packed_code(buf, 6, 2, 0x0);
  EXPECT_EQ(buf[1], 0xCF);
  EXPECT_EQ(kernels::load_packed_code(buf, 1, 4), 0x3);
  EXPECT_EQ(kernels::wrap_signed_bits(9, 4), -7);
  EXPECT_EQ(kernels::wrap_signed_bits(-9, 4), 7);
  EXPECT_EQ(kernels::wrap_signed_bits(2, 2), -2);
  EXPECT_EQ(kernels::wrap_unsigned_bits(17, 4), 1u);
}

TEST(OpsHE8M0Test, PowersOfTwoAreExactAndRoundingModesDiffer) {
  for (int e = -127; e <= 127; ++e) {
    const float v = std::ldexp(1.0f, e);
    const uint8_t code = kernels::float_to_float8e8m0(v, true, kernels::E8M0Rounding::Up);
    if (std::isnormal(v)) {
      EXPECT_EQ(kernels::float8e8m0_to_float(code), v) << e;
    }
  }
  EXPECT_EQ(kernels::float8e8m0_to_float(kernels::float_to_float8e8m0(3.0f, true, kernels::E8M0Rounding::Up)), 4.0f);
  EXPECT_EQ(kernels::float8e8m0_to_float(kernels::float_to_float8e8m0(3.0f, true, kernels::E8M0Rounding::Down)), 2.0f);
  EXPECT_TRUE(std::isnan(kernels::float8e8m0_to_float(kernels::float_to_float8e8m0(NAN, true, kernels::E8M0Rounding::Up))));
  EXPECT_EQ(kernels::float_to_float8e8m0(3.0e38f, true, kernels::E8M0Rounding::Up), 0xFE);
  EXPECT_EQ(kernels::float_to_float8e8m0(3.0e38f, false, kernels::E8M0Rounding::Up), 0xFF);
}

TEST(OpsHCastTest, FloatToInt4PacksLowNibbleFirst) {
  SingleNodeGraph g("Cast", 21);
  g.input(make_tensor<float>(DataType::Float, {3}, std::vector<float>{-9.f, 3.7f, 7.f}));
  g.attr_int("to", static_cast<int64_t>(DataType::Int4));
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.dtype(), DataType::Int4);
  ASSERT_EQ(y.nbytes(), 2u);
  const auto* raw = static_cast<const uint8_t*>(y.raw());
  // -9 truncates to -9 and wraps to 7; 3.7 truncates to 3.
  EXPECT_EQ(raw[0], 0x37);
  EXPECT_EQ(raw[1] & 0x0F, 0x7);
}

}  // namespace
}  // namespace onyxrt::ops::testing
