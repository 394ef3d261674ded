// MatMul, Gemm, Softmax and BatchNormalization run through the registry on hand-built nodes and
// compared with naive loops written here.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/ops/ops_b_context.h"

namespace onyxrt::ops::testing_b {
namespace {

// numpy matmul by definition: operands promoted to >= 2-D, batch dims broadcast.
std::vector<double> naive_matmul(const Tensor& A, const Tensor& B, Shape& out_shape) {
  Shape a = A.shape(), b = B.shape();
  const bool av = a.size() == 1, bv = b.size() == 1;
  if (av) a.insert(a.begin(), 1);
  if (bv) b.push_back(1);
  const size_t r = std::max(a.size(), b.size());
  while (a.size() < r) a.insert(a.begin(), 1);
  while (b.size() < r) b.insert(b.begin(), 1);
  const int64_t M = a[r - 2], K = a[r - 1], N = b[r - 1];
  Shape batch;
  for (size_t i = 0; i + 2 < r; ++i) batch.push_back(a[i] == 1 ? b[i] : a[i]);
  out_shape = batch;
  if (!av) out_shape.push_back(M);
  if (!bv) out_shape.push_back(N);
  const int64_t nb = shape_size(batch);
  std::vector<double> y;
  for (int64_t bi = 0; bi < nb; ++bi) {
    int64_t rem = bi, aoff = 0, boff = 0, astr = M * K, bstr = K * N;
    for (size_t d = batch.size(); d-- > 0;) {
      const int64_t idx = rem % batch[d];
      rem /= batch[d];
      aoff += (a[d] == 1 ? 0 : idx) * astr;
      boff += (b[d] == 1 ? 0 : idx) * bstr;
      astr *= a[d];
      bstr *= b[d];
    }
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += double(A.data<float>()[aoff + i * K + k]) * double(B.data<float>()[boff + k * N + j]);
        y.push_back(acc);
      }
  }
  return y;
}

void check_matmul(const Shape& as, const Shape& bs, ThreadPool* pool = nullptr) {
  std::mt19937 rng(11);
  Tensor A = random_tensor<float>(DataType::Float, as, rng);
  Tensor B = random_tensor<float>(DataType::Float, bs, rng);
  NodeHarness h("MatMul", 13);
  h.add_input(A);
  h.add_input(B);
  Shape ys;
  const auto want = naive_matmul(A, B, ys);
  auto out = h.run(pool);
  expect_close<float>(out[0].tensor(), want, ys, 1e-5);
}

TEST(OpsMatMulTest, TwoDimensional) { check_matmul({5, 7}, {7, 3}); }
TEST(OpsMatMulTest, BatchBroadcasting) {
  check_matmul({2, 1, 4, 3}, {3, 3, 5});
  check_matmul({3, 4}, {2, 4, 6});
  check_matmul({2, 3, 4, 5}, {2, 1, 5, 2});
}
TEST(OpsMatMulTest, OneDimensionalOperands) {
  check_matmul({4}, {4, 3});
  check_matmul({2, 3, 4}, {4});
  check_matmul({6}, {6});
  check_matmul({4}, {2, 4, 5});
}
TEST(OpsMatMulTest, EmptyBatchAndZeroInnerDim) {
  check_matmul({0, 3, 4}, {4, 2});
  check_matmul({3, 0}, {0, 2});  // K == 0 gives zeros
}
TEST(OpsMatMulTest, ThreadedMatchesNaive) {
  ThreadPool pool(ThreadPoolSettings{.num_threads = 3});
  check_matmul({3, 37, 41}, {41, 29}, &pool);
  check_matmul({1, 64, 300}, {300, 70}, &pool);
}
TEST(OpsMatMulTest, MismatchedInnerDimsRaise) {
  NodeHarness h("MatMul", 13);
  h.add_input(Tensor::allocate(DataType::Float, {2, 3}));
  h.add_input(Tensor::allocate(DataType::Float, {4, 2}));
  EXPECT_THROW(h.run(), Error);
}
TEST(OpsMatMulTest, ShapeInferenceKeepsSymbols) {
  NodeHarness h("MatMul", 13);
  h.add_input(Tensor::allocate(DataType::Float, {1, 4, 3}));
  h.add_input(Tensor::allocate(DataType::Float, {3, 5}));
  h.set_input_type(0, ir::TypeInfo::tensor(DataType::Float,
                                           ir::SymShape{ir::Dim::sym("batch"), ir::Dim::sym("seq"), ir::Dim::of(3)}));
  const ir::TypeInfo t = h.infer();
  ASSERT_EQ(t.shape.size(), 3u);
  EXPECT_EQ(t.shape[0].symbol, "batch");
  EXPECT_EQ(t.shape[1].symbol, "seq");
  EXPECT_EQ(t.shape[2].value, 5);
}

void check_gemm(bool ta, bool tb, float alpha, float beta, const Shape& c_shape, bool with_c, int64_t opset = 13) {
  const int64_t M = 5, N = 4, K = 3;
  std::mt19937 rng(5);
  Tensor A = random_tensor<float>(DataType::Float, ta ? Shape{K, M} : Shape{M, K}, rng);
  Tensor B = random_tensor<float>(DataType::Float, tb ? Shape{N, K} : Shape{K, N}, rng);
  Tensor C = random_tensor<float>(DataType::Float, c_shape, rng);
  NodeHarness h("Gemm", opset);
  h.add_input(A);
  h.add_input(B);
  if (with_c) h.add_input(C);
  h.attr_int("transA", ta);
  h.attr_int("transB", tb);
  h.attr_float("alpha", alpha);
  h.attr_float("beta", beta);
  const int64_t cr = c_shape.size() == 2 ? c_shape[0] : 1, cc = c_shape.empty() ? 1 : c_shape.back();
  std::vector<double> want;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += double(A.data<float>()[ta ? k * M + i : i * K + k]) * double(B.data<float>()[tb ? j * K + k : k * N + j]);
      double c = with_c ? C.data<float>()[(cr == 1 ? 0 : i) * cc + (cc == 1 ? 0 : j)] : 0.0;
      want.push_back(alpha * acc + beta * c);
    }
  auto out = h.run();
  expect_close<float>(out[0].tensor(), want, {M, N}, 1e-5);
}

TEST(OpsGemmTest, TransposeCombinations) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) check_gemm(ta, tb, 0.7f, 1.3f, {5, 4}, true);
}
TEST(OpsGemmTest, BiasBroadcastShapes) {
  for (const Shape& cs : {Shape{}, Shape{4}, Shape{1, 4}, Shape{5, 1}, Shape{1, 1}}) {
    SCOPED_TRACE(shape_to_string(cs));
    check_gemm(false, true, 1.0f, 0.5f, cs, true);
  }
}
TEST(OpsGemmTest, OptionalBias) { check_gemm(true, false, 2.0f, 1.0f, {}, false, 11); }
TEST(OpsGemmTest, OldOpsetWithBroadcastAttribute) { check_gemm(false, false, 1.0f, 1.0f, {4}, true, 6); }

std::vector<double> naive_softmax(const Tensor& X, int64_t outer, int64_t len, int64_t inner) {
  std::vector<double> y(X.size());
  const float* x = X.data<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double mx = -INFINITY, sum = 0;
      for (int64_t a = 0; a < len; ++a) mx = std::max(mx, double(x[(o * len + a) * inner + i]));
      for (int64_t a = 0; a < len; ++a) sum += std::exp(x[(o * len + a) * inner + i] - mx);
      for (int64_t a = 0; a < len; ++a) y[(o * len + a) * inner + i] = std::exp(x[(o * len + a) * inner + i] - mx) / sum;
    }
  return y;
}

TEST(OpsSoftmaxTest, Opset13UsesOneAxis) {
  std::mt19937 rng(2);
  Tensor X = random_tensor<float>(DataType::Float, {2, 3, 4, 5}, rng, -4, 4);
  for (int64_t axis : {-1, 1, 0, -3}) {
    SCOPED_TRACE(axis);
    NodeHarness h("Softmax", 13);
    h.add_input(X);
    h.attr_int("axis", axis);
    const int64_t ax = axis < 0 ? axis + 4 : axis;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < ax; ++d) outer *= X.shape()[d];
    for (int64_t d = ax + 1; d < 4; ++d) inner *= X.shape()[d];
    auto out = h.run();
    expect_close<float>(out[0].tensor(), naive_softmax(X, outer, X.shape()[ax], inner), X.shape(), 1e-5);
  }
}
TEST(OpsSoftmaxTest, Opset11CoercesTo2d) {
  std::mt19937 rng(2);
  Tensor X = random_tensor<float>(DataType::Float, {2, 3, 4}, rng, -4, 4);
  NodeHarness h("Softmax", 11);  // default axis 1: rows of 3 * 4
  h.add_input(X);
  auto out = h.run();
  expect_close<float>(out[0].tensor(), naive_softmax(X, 2, 12, 1), X.shape(), 1e-5);
}

TEST(OpsBatchNormTest, InferenceMatchesFormula) {
  std::mt19937 rng(9);
  Tensor X = random_tensor<float>(DataType::Float, {2, 3, 4, 2}, rng);
  Tensor scale = random_tensor<float>(DataType::Float, {3}, rng);
  Tensor bias = random_tensor<float>(DataType::Float, {3}, rng);
  Tensor mean = random_tensor<float>(DataType::Float, {3}, rng);
  Tensor var = random_tensor<float>(DataType::Float, {3}, rng, 0.1, 2.0);
  NodeHarness h("BatchNormalization", 15);
  for (const Tensor* t : {&X, &scale, &bias, &mean, &var}) h.add_input(*t);
  h.attr_float("epsilon", 1e-3f);
  std::vector<double> want;
  for (int64_t i = 0; i < X.size(); ++i) {
    const int64_t c = (i / 8) % 3;
    want.push_back((X.data<float>()[i] - mean.data<float>()[c]) / std::sqrt(var.data<float>()[c] + 1e-3f) *
                       scale.data<float>()[c] +
                   bias.data<float>()[c]);
  }
  auto out = h.run();
  expect_close<float>(out[0].tensor(), want, X.shape(), 1e-5);
}
TEST(OpsBatchNormTest, TrainingModeNormalisesWithBatchStatistics) {
  // X is [N=2, C=2, 3]; the mean/var inputs are deliberately wrong: training mode must ignore them
  // for Y and blend them into the running statistics with momentum.
  NodeHarness h("BatchNormalization", 15, 3);
  Tensor X = Tensor::allocate(DataType::Float, {2, 2, 3});
  for (int i = 0; i < 12; ++i) X.mutable_data<float>()[i] = static_cast<float>((i * 7) % 5) - 1.5f;
  h.add_input(X);
  for (int i = 1; i < 5; ++i) {
    Tensor p = Tensor::allocate(DataType::Float, {2});
    p.mutable_data<float>()[0] = p.mutable_data<float>()[1] = i == 1 ? 1.0f : (i == 2 ? 0.0f : 100.0f);
    h.add_input(p);
  }
  h.attr_int("training_mode", 1);
  h.attr_float("momentum", 0.75f);
  auto out = h.run();
  for (int c = 0; c < 2; ++c) {
    double sum = 0, sq = 0;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 3; ++i) sum += X.data<float>()[(n * 2 + c) * 3 + i];
    const double mean = sum / 6;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 3; ++i) sq += std::pow(X.data<float>()[(n * 2 + c) * 3 + i] - mean, 2);
    const double var = sq / 6;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 3; ++i) {
        const int k = (n * 2 + c) * 3 + i;
        EXPECT_NEAR(out[0].tensor().data<float>()[k], (X.data<float>()[k] - mean) / std::sqrt(var + 1e-5), 1e-4);
      }
    EXPECT_NEAR(out[1].tensor().data<float>()[c], 100 * 0.75 + mean * 0.25, 1e-4);
    EXPECT_NEAR(out[2].tensor().data<float>()[c], 100 * 0.75 + var * 0.25, 1e-4);
  }
}

}  // namespace
}  // namespace onyxrt::ops::testing_b
