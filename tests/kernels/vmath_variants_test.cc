// Every vector-math variant the CPU supports against the portable variant (element-wise ops, with
// and without bias, ragged lengths) and against the double-precision references (Softmax and
// LogSoftmax rows against kernels/ref/softmax.h, layer-norm rows against a two-pass double norm).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/softmax.h"
#include "kernels/vmath.h"

namespace onyxrt::kernels {
namespace {

const int64_t kLengths[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 768, 1001};

std::vector<float> random_values(int64_t n, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

bool close(float a, float b, float rel) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= rel * std::max(std::fabs(b), 1.0f);
}

class VMathVariants : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    const VMathVariant& v = vmath_variants()[GetParam()];
    if (!v.supported(cpu_features())) GTEST_SKIP() << v.name << " not supported on this CPU";
  }
  const VMathKernels& k() const { return vmath_variants()[GetParam()].kernels(); }
  const char* name() const { return vmath_variants()[GetParam()].name; }
};

TEST_P(VMathVariants, ElementwiseMatchesPortableOnRaggedLengths) {
  const VMathKernels& port = f32_vmath_portable();
  const VParams params[] = {{0.2f, 0.5f}, {-1.5f, 2.0f}, {1.702f, 0.0f}};
  for (int op = 0; op < static_cast<int>(VOp::Count); ++op) {
    for (int64_t n : kLengths) {
      std::vector<float> x = random_values(n, 4.0f, uint32_t(n * 31 + op));
      if (n > 5) x[2] = std::numeric_limits<float>::quiet_NaN(), x[4] = -std::numeric_limits<float>::infinity();
      const std::vector<float> bias = random_values(n, 1.0f, uint32_t(n + 7));
      for (const VParams& p : params) {
        for (bool with_bias : {false, true}) {
          std::vector<float> y(x.size() + 1, 7.0f), want(x.size() + 1, 7.0f);
          const float* b = with_bias ? bias.data() : nullptr;
          k().unary[op](x.data(), b, y.data(), n, p);
          port.unary[op](x.data(), b, want.data(), n, p);
          for (size_t i = 0; i < want.size(); ++i)
            ASSERT_TRUE(close(y[i], want[i], 4e-7f)) << name() << " op " << op << " n " << n << " i " << i << ": "
                                                     << y[i] << " vs portable " << want[i];
        }
      }
    }
  }
}

TEST_P(VMathVariants, ElementwiseInPlace) {
  std::vector<float> x = random_values(1001, 3.0f, 5), y(x.size());
  k().unary[static_cast<int>(VOp::Tanh)](x.data(), nullptr, y.data(), 1001, {});
  k().unary[static_cast<int>(VOp::Tanh)](x.data(), nullptr, x.data(), 1001, {});
  EXPECT_EQ(x, y);
}

TEST_P(VMathVariants, SoftmaxRowsMatchReference) {
  for (int64_t n : kLengths) {
    if (n == 0) continue;
    std::vector<float> x = random_values(n, 5.0f, uint32_t(n));
    std::vector<double> xd(x.begin(), x.end()), want(x.size());
    softmax_ref<double>(xd.data(), want.data(), 1, n, 1, nullptr);
    std::vector<float> y(x.size()), ly(x.size());
    k().softmax_row(x.data(), y.data(), n);
    k().log_softmax_row(x.data(), ly.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_NEAR(y[i], want[i], 2e-6 * want[i] + 1e-30) << name() << " softmax n " << n << " i " << i;
      EXPECT_NEAR(ly[i], std::log(want[i]), 2e-6 * std::max(1.0, std::fabs(std::log(want[i]))))
          << name() << " log_softmax n " << n << " i " << i;
    }
    // In place gives the same.
    std::vector<float> inplace = x;
    k().log_softmax_row(inplace.data(), inplace.data(), n);
    EXPECT_EQ(inplace, ly);
  }
}

TEST_P(VMathVariants, SoftmaxRowWithInfinities) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {1.0f, -inf, 2.0f, -inf, 0.5f, 3.0f, -inf, 1.0f, 0.0f, 2.0f};
  std::vector<double> xd(x.begin(), x.end()), want(x.size());
  softmax_ref<double>(xd.data(), want.data(), 1, int64_t(x.size()), 1, nullptr);
  std::vector<float> y(x.size());
  k().softmax_row(x.data(), y.data(), int64_t(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(y[i], want[i], 1e-6) << name() << " i " << i;
    if (x[i] == -inf) {
      EXPECT_EQ(y[i], 0.0f) << name() << " a masked entry must be exactly 0, i " << i;
    }
  }
  // Entries far below the max underflow: relative accuracy while exp is normal, then absolute.
  std::vector<float> wide(37);
  for (size_t i = 0; i < wide.size(); ++i) wide[i] = -5.0f * static_cast<float>(i) + 0.37f * static_cast<float>(i % 3);
  std::vector<double> wd(wide.begin(), wide.end()), wwant(wide.size());
  softmax_ref<double>(wd.data(), wwant.data(), 1, int64_t(wide.size()), 1, nullptr);
  std::vector<float> wy(wide.size());
  k().softmax_row(wide.data(), wy.data(), int64_t(wide.size()));
  for (size_t i = 0; i < wide.size(); ++i)
    EXPECT_NEAR(wy[i], wwant[i], 2e-6 * wwant[i] + 2e-38) << name() << " wide row, i " << i;
  std::vector<float> all_neg_inf(9, -inf), out(9);
  k().softmax_row(all_neg_inf.data(), out.data(), 9);
  for (float v : out) EXPECT_TRUE(std::isnan(v));  // as the reference: exp(-inf - -inf) is NaN
}

TEST_P(VMathVariants, LayerNormRowsMatchDoubleReference) {
  for (int64_t n : kLengths) {
    if (n == 0) continue;
    const std::vector<float> x = random_values(n, 2.0f, uint32_t(n + 1)), skip = random_values(n, 1.0f, 3),
                             bias = random_values(n, 0.5f, 4), gamma = random_values(n, 1.0f, 5),
                             beta = random_values(n, 1.0f, 6);
    for (int mode = 0; mode < 8; ++mode) {
      const bool simplified = mode & 1, with_skip = mode & 2, with_beta = mode & 4;
      std::vector<double> v(x.begin(), x.end());
      if (with_skip)
        for (int64_t i = 0; i < n; ++i) v[i] = double(float(x[i] + skip[i] + bias[i]));
      double mean = 0, sq = 0;
      if (!simplified) {
        for (double e : v) mean += e;
        mean /= double(n);
      }
      for (double e : v) sq += (e - mean) * (e - mean);
      const double inv = 1.0 / std::sqrt(sq / double(n) + 1e-5);
      LayerNormRow row;
      std::vector<float> y(x.size()), sum(x.size());
      row.x = x.data(), row.skip = with_skip ? skip.data() : nullptr, row.bias = with_skip ? bias.data() : nullptr;
      row.gamma = gamma.data(), row.beta = with_beta ? beta.data() : nullptr, row.y = y.data();
      row.sum = with_skip ? sum.data() : nullptr, row.n = n, row.epsilon = 1e-5f, row.simplified = simplified;
      float got_mean = -1, got_inv = -1;
      k().layer_norm_row(row, &got_mean, &got_inv);
      EXPECT_NEAR(got_mean, mean, 1e-5 * (1 + std::fabs(mean))) << name() << " n " << n << " mode " << mode;
      EXPECT_NEAR(got_inv, inv, 1e-5 * inv) << name() << " n " << n << " mode " << mode;
      for (int64_t i = 0; i < n; ++i) {
        const double want = (v[i] - mean) * inv * gamma[i] + (with_beta ? beta[i] : 0.0);
        EXPECT_NEAR(y[i], want, 1e-5 * (1 + std::fabs(want))) << name() << " n " << n << " mode " << mode;
        if (with_skip) {
          EXPECT_EQ(sum[i], float(v[i])) << name() << " n " << n << " i " << i;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, VMathVariants, ::testing::Range<size_t>(0, vmath_variants().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return std::string(vmath_variants()[info.param].name);
                         });

}  // namespace
}  // namespace onyxrt::kernels
