// Quantization, signal, string and random ops run through the registry on hand-built nodes:
// float8 encode/decode against the format definitions, packed int4 round trips, blocked scales,
// DFT against a std::complex naive sum, StringSplit against Python's str.split rules, seeded
// random reproducibility and shape inference.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "kernels/ref/float8.h"
#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

using kernels::Float8Format;

TEST(OpsGFloat8Test, EveryFiniteCodeRoundTrips) {
  for (Float8Format f : {Float8Format::E4M3FN, Float8Format::E4M3FNUZ, Float8Format::E5M2, Float8Format::E5M2FNUZ}) {
    for (int code = 0; code < 256; ++code) {
      const float v = kernels::float8_to_float(static_cast<uint8_t>(code), f);
      if (std::isnan(v) || std::isinf(v)) continue;
      EXPECT_EQ(kernels::float_to_float8(v, f, false), code) << "format " << static_cast<int>(f) << " value " << v;
    }
  }
}

TEST(OpsGFloat8Test, SaturateClampsAndOverflowFollowsFormat) {
  EXPECT_EQ(kernels::float8_to_float(kernels::float_to_float8(1e9f, Float8Format::E4M3FN, true), Float8Format::E4M3FN), 448.f);
  EXPECT_TRUE(std::isnan(kernels::float8_to_float(kernels::float_to_float8(1e9f, Float8Format::E4M3FN, false), Float8Format::E4M3FN)));
  EXPECT_TRUE(std::isinf(kernels::float8_to_float(kernels::float_to_float8(1e9f, Float8Format::E5M2, false), Float8Format::E5M2)));
  EXPECT_EQ(kernels::float_to_float8(-0.f, Float8Format::E4M3FNUZ, true), 0);  // no negative zero in UZ
  // 464 lies halfway between 448 and the (NaN) code above it: ties to even keep 448.
  EXPECT_EQ(kernels::float8_to_float(kernels::float_to_float8(464.f, Float8Format::E4M3FN, false), Float8Format::E4M3FN), 448.f);
}

TEST(OpsGQuantizeTest, Int4PackedRoundTripWithBlockedScales) {
  SingleNodeGraph q("QuantizeLinear", 21);
  Tensor x = make_tensor<float>(DataType::Float, {2, 5}, std::vector<float>{-9, -3, 0, 2.5, 7, 1, 1.5, -1.5, 20, -0.4});
  Tensor s = make_tensor<float>(DataType::Float, {2, 3}, std::vector<float>{1, 0.5, 2, 1, 1, 4});
  q.input(x).input(s).attr_int("axis", 1).attr_int("block_size", 2).attr_int("output_dtype", static_cast<int64_t>(DataType::Int4));
  const Tensor y = q.run()[0].tensor();
  ASSERT_EQ(y.dtype(), DataType::Int4);
  ASSERT_EQ(y.nbytes(), 5u);
  // Naive: element (r, c) uses scale (r, c / 2); round half to even, clamp to [-8, 7].
  const float* xs = x.data<float>();
  const float* ss = s.data<float>();
  for (int i = 0; i < 10; ++i) {
    const int r = i / 5, c = i % 5;
    const double want = std::clamp(std::nearbyint(static_cast<double>(xs[i] / ss[r * 3 + c / 2])), -8.0, 7.0);
    const int nib = (y.data<uint8_t>()[i / 2] >> (4 * (i % 2))) & 0xF;
    EXPECT_EQ(nib >= 8 ? nib - 16 : nib, static_cast<int>(want)) << "element " << i;
  }
  SingleNodeGraph dq("DequantizeLinear", 21);
  dq.input(y).input(s).attr_int("axis", 1).attr_int("block_size", 2);
  const Tensor back = dq.run()[0].tensor();
  ASSERT_EQ(back.dtype(), DataType::Float);
  for (int i = 0; i < 10; ++i) {
    const int nib = (y.data<uint8_t>()[i / 2] >> (4 * (i % 2))) & 0xF;
    EXPECT_FLOAT_EQ(back.data<float>()[i], (nib >= 8 ? nib - 16 : nib) * ss[(i / 5) * 3 + (i % 5) / 2]);
  }
}

TEST(OpsGQuantizeTest, UnsupportedOutputTypeFailsInFactory) {
  SingleNodeGraph q("QuantizeLinear", 23);
  q.input(Tensor::allocate(DataType::Float, {2})).input(Tensor::scalar<float>(DataType::Float, 1.f))
      .attr_int("output_dtype", static_cast<int64_t>(DataType::Float8E8M0));  // a scale type, never a quantized one
  try {
    q.create_kernel();
    FAIL() << "expected NotImplemented";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(OpsGDftTest, MatchesNaiveComplexSum) {
  const int64_t n = 7;
  std::vector<float> vals;
  for (int i = 0; i < 2 * 5; ++i) vals.push_back(std::sin(1.3f * i) + 0.1f * i);
  Tensor x = make_tensor<float>(DataType::Float, {1, 5, 2}, vals);  // 5 complex samples, padded to 7
  SingleNodeGraph g("DFT", 17);
  g.input(x).constant_input(make_tensor<int64_t>(DataType::Int64, {}, std::vector<int64_t>{n})).attr_int("axis", 1);
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{1, n, 2}));
  for (int64_t k = 0; k < n; ++k) {
    std::complex<double> want = 0;
    for (int j = 0; j < 5; ++j) {
      want += std::complex<double>(vals[2 * j], vals[2 * j + 1]) * std::polar(1.0, -2 * std::numbers::pi * j * k / n);
    }
    EXPECT_NEAR(y.data<float>()[2 * k], want.real(), 1e-4);
    EXPECT_NEAR(y.data<float>()[2 * k + 1], want.imag(), 1e-4);
  }
  const ir::TypeInfo t = g.infer();
  ASSERT_TRUE(t.shape_known());
  EXPECT_EQ(t.concrete_shape(), (Shape{1, n, 2}));
}

TEST(OpsGStringSplitTest, FollowsPythonSplitRules) {
  Tensor x = Tensor::allocate(DataType::String, {3});
  x.mutable_data<std::string>()[0] = "a,,b";
  x.mutable_data<std::string>()[1] = "";
  x.mutable_data<std::string>()[2] = ",";
  SingleNodeGraph g("StringSplit", 20, 2);
  g.input(x).attr_string("delimiter", ",");
  const auto out = g.run();
  const Tensor& y = out[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{3, 3}));
  EXPECT_EQ(y.data<std::string>()[1], "");
  EXPECT_EQ(y.data<std::string>()[2], "b");
  EXPECT_EQ(tensor_values<int64_t>(out[1].tensor()), (std::vector<int64_t>{3, 1, 2}));
}

TEST(OpsGRandomTest, SeededKernelRepeatsAndUnseededDiffers) {
  auto draw = [](bool seeded) {
    SingleNodeGraph g("RandomUniform", 22);
    g.attr_ints("shape", {64});
    if (seeded) g.attr_float("seed", 5.f);
    auto kernel = g.create_kernel();
    std::vector<std::vector<float>> runs;
    for (int r = 0; r < 2; ++r) {
      TestKernelContext ctx(g.node, g.feeds);
      kernel->compute(ctx);
      runs.push_back(tensor_values<float>(ctx.outputs[0].tensor()));
    }
    return runs;
  };
  const auto seeded = draw(true);
  EXPECT_EQ(seeded[0], seeded[1]);
  const auto fresh = draw(false);
  EXPECT_NE(fresh[0], fresh[1]);
  for (float v : seeded[0]) EXPECT_TRUE(v >= 0.f && v < 1.f);
}

}  // namespace
}  // namespace onyxrt::ops::testing
