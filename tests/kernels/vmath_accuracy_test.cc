// Every vector-math variant the CPU supports against std:: in double, over a sweep of the whole
// float range (every 4099th bit pattern: zeros, subnormals, large |x|, +-inf, NaNs) plus a dense
// sweep of [-10, 10]: the error in ulps of the correctly rounded result, and NaN/inf handling.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/vmath.h"

namespace onyxrt::kernels {
namespace {

double ulp_of(float r) {
  const float a = std::fabs(r);
  if (a < std::numeric_limits<float>::min()) return std::ldexp(1.0, -149);
  int e;
  std::frexp(a, &e);
  return std::ldexp(1.0, e - 24);
}

double reference(VOp op, double x) {
  switch (op) {
    case VOp::Exp: return std::exp(x);
    case VOp::Tanh: return std::tanh(x);
    case VOp::Erf: return std::erf(x);
    case VOp::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case VOp::GeluErf: return 0.5 * x * std::erfc(-x * M_SQRT1_2);
    case VOp::GeluTanh: return x / (1.0 + std::exp(-2.0 * 0.7978845608028654 * (x + 0.044715 * x * x * x)));
    default: return 0;
  }
}

std::vector<float> sweep_inputs() {
  std::vector<float> xs;
  for (uint64_t bits = 0; bits < (uint64_t{1} << 32); bits += 4099) xs.push_back(std::bit_cast<float>(uint32_t(bits)));
  for (int i = -100000; i <= 100000; ++i) xs.push_back(static_cast<float>(i) * 1e-4f);
  for (float s : {0.0f, -0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                  std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min(),
                  -std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(),
                  std::numeric_limits<float>::lowest(), 88.72f, 88.73f, -87.3f, -103.9f, 3.92f, 4.0f, 0.625f,
                  0.921875f, -0.921875f})
    xs.push_back(s);
  return xs;
}

struct Case {
  VOp op;
  const char* name;
  double max_ulp;
  // GELU's value for very negative x is x * erfc(|x| / sqrt 2) / 2: there only an absolute error
  // bound of a few float ulps of 1 is meaningful (onnxruntime itself returns 0 below about -5.5).
  double abs_tol;
};

class VMathAccuracy : public ::testing::TestWithParam<size_t> {};

TEST_P(VMathAccuracy, WithinUlpBoundOverTheFloatRange) {
  const VMathVariant& v = vmath_variants()[GetParam()];
  if (!v.supported(cpu_features())) GTEST_SKIP() << v.name << " not supported on this CPU";
  const std::vector<float> xs = sweep_inputs();
  std::vector<float> y(xs.size());
  const Case cases[] = {{VOp::Exp, "exp", 2, 0},           {VOp::Tanh, "tanh", 3, 0},
                        {VOp::Erf, "erf", 3, 0},           {VOp::Sigmoid, "sigmoid", 3, 0},
                        {VOp::GeluErf, "gelu_erf", 4, 1e-7}, {VOp::GeluTanh, "gelu_tanh", 4, 1e-7}};
  for (const Case& c : cases) {
    v.kernels().unary[static_cast<int>(c.op)](xs.data(), nullptr, y.data(), static_cast<int64_t>(xs.size()), {});
    double worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      const double r = reference(c.op, xs[i]);
      const float rf = static_cast<float>(r);
      if (std::isnan(rf)) {
        EXPECT_TRUE(std::isnan(y[i])) << v.name << " " << c.name << "(" << xs[i] << ") = " << y[i];
        continue;
      }
      if (std::isinf(rf)) {
        EXPECT_EQ(y[i], rf) << v.name << " " << c.name << "(" << xs[i] << ")";
        continue;
      }
      const double err = std::fabs(static_cast<double>(y[i]) - r);
      if (err <= c.abs_tol * std::max(1.0, std::fabs(static_cast<double>(xs[i])))) continue;
      const double u = err / ulp_of(rf);
      if (!(u <= worst)) worst = u, worst_x = xs[i];
    }
    EXPECT_LE(worst, c.max_ulp) << v.name << " " << c.name << " worst at x = " << worst_x;
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, VMathAccuracy, ::testing::Range<size_t>(0, vmath_variants().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return std::string(vmath_variants()[info.param].name);
                         });

}  // namespace
}  // namespace onyxrt::kernels
