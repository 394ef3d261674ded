// Einsum, Attention, RotaryEmbedding and GridSample run through the registry on hand-built nodes
// and compared with naive loops written here; plus shape inference and factory-time rejection.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

TEST(OpsEinsumTest, BatchedMatmulMatchesNaiveLoop) {
  std::vector<float> a(2 * 3 * 4), b(2 * 4 * 5);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(static_cast<float>(i));
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(static_cast<float>(i));
  SingleNodeGraph g("Einsum", 12);
  g.input(make_tensor<float>(DataType::Float, {2, 3, 4}, a)).input(make_tensor<float>(DataType::Float, {2, 4, 5}, b));
  g.attr_string("equation", "bij,bjk->bik");
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{2, 3, 5}));
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k) {
        double want = 0;
        for (int j = 0; j < 4; ++j) want += a[(n * 3 + i) * 4 + j] * b[(n * 4 + j) * 5 + k];
        EXPECT_NEAR(y.data<float>()[(n * 3 + i) * 5 + k], want, 1e-5);
      }
}

TEST(OpsEinsumTest, ImplicitOutputIsSortedSingletonsAndTraceIsScalar) {
  SingleNodeGraph g("Einsum", 12);
  g.input(Tensor::allocate(DataType::Float, {3, 4})).input(Tensor::allocate(DataType::Float, {5, 4}));
  g.attr_string("equation", "ij,kj");
  const ir::TypeInfo t = g.infer();
  ASSERT_EQ(t.shape.size(), 2u);
  EXPECT_EQ(t.shape[0].value, 3);
  EXPECT_EQ(t.shape[1].value, 5);
  SingleNodeGraph tr("Einsum", 12);
  tr.input(make_tensor<double>(DataType::Double, {2, 2}, std::vector<double>{1, 2, 3, 4}));
  tr.attr_string("equation", "ii");
  const Tensor y = tr.run()[0].tensor();
  EXPECT_EQ(y.rank(), 0u);
  EXPECT_DOUBLE_EQ(y.data<double>()[0], 5.0);
}

TEST(OpsEinsumTest, RejectsStringAtCreation) {
  SingleNodeGraph g("Einsum", 12);
  g.input(Tensor::allocate(DataType::Int8, {2}));
  g.attr_string("equation", "i->i");
  EXPECT_THROW(g.create_kernel(), Error);
}

TEST(OpsRotaryEmbeddingTest, RotatesHalvesByCache) {
  // X [1, 1, 1, 4], cache [1, 1, 2]: pairs (0, 2) and (1, 3)
  std::vector<float> x{1, 2, 3, 4}, c{0.5f, 0.25f}, s{0.75f, -0.5f};
  SingleNodeGraph g("RotaryEmbedding", 23);
  g.input(make_tensor<float>(DataType::Float, {1, 1, 1, 4}, x))
      .input(make_tensor<float>(DataType::Float, {1, 1, 2}, c))
      .input(make_tensor<float>(DataType::Float, {1, 1, 2}, s));
  const auto y = tensor_values<float>(g.run()[0].tensor());
  for (int k = 0; k < 2; ++k) {
    EXPECT_FLOAT_EQ(y[k], x[k] * c[k] - x[k + 2] * s[k]);
    EXPECT_FLOAT_EQ(y[k + 2], x[k + 2] * c[k] + x[k] * s[k]);
  }
}

TEST(OpsAttentionTest, SingleHeadCausalMatchesSoftmaxLoop) {
  const int S = 3, D = 2;
  std::vector<float> q(S * D), k(S * D), v(S * D);
  for (int i = 0; i < S * D; ++i) q[i] = 0.1f * i, k[i] = 0.2f * (S * D - i), v[i] = static_cast<float>(i);
  SingleNodeGraph g("Attention", 23);
  for (auto* t : {&q, &k, &v}) g.input(make_tensor<float>(DataType::Float, {1, 1, S, D}, *t));
  g.attr_int("is_causal", 1);
  const auto y = tensor_values<float>(g.run()[0].tensor());
  for (int i = 0; i < S; ++i) {
    std::vector<double> p(S, 0.0);
    double sum = 0;
    for (int j = 0; j <= i; ++j) {
      double s = 0;
      for (int d = 0; d < D; ++d) s += q[i * D + d] * k[j * D + d];
      p[j] = std::exp(s / std::sqrt(static_cast<double>(D)));
      sum += p[j];
    }
    for (int d = 0; d < D; ++d) {
      double want = 0;
      for (int j = 0; j <= i; ++j) want += p[j] / sum * v[j * D + d];
      EXPECT_NEAR(y[i * D + d], want, 1e-5);
    }
  }
}

TEST(OpsGridSampleTest, AlignedCornersLinearReturnsCornerPixelsAndUnknownModeFailsAtCreation) {
  std::vector<float> x{1, 2, 3, 4};
  SingleNodeGraph g("GridSample", 20);
  g.input(make_tensor<float>(DataType::Float, {1, 1, 2, 2}, x))
      .input(make_tensor<float>(DataType::Float, {1, 1, 2, 2}, std::vector<float>{-1, -1, 1, 1}));
  g.attr_int("align_corners", 1);
  const auto y = tensor_values<float>(g.run()[0].tensor());
  EXPECT_FLOAT_EQ(y[0], 1);
  EXPECT_FLOAT_EQ(y[1], 4);
  g.attr_string("mode", "bilinear");  // an opset 16 name
  EXPECT_THROW(g.create_kernel(), Error);
}

}  // namespace
}  // namespace onyxrt::ops::testing
