// Reductions and tensor-manipulation kernels (reduce, arg_min_max, cumsum, topk, slice, pad, tile,
// expand, scatter, gather_nd, depth_space, unique, ...) run through the registry on hand-built
// nodes and compared with naive loops written here, plus their shape inference and error paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

std::vector<float> random_floats(int64_t n, uint32_t seed, float lo = -2.f, float hi = 2.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

Tensor i64_tensor(std::vector<int64_t> v) { return make_tensor<int64_t>(DataType::Int64, {static_cast<int64_t>(v.size())}, v); }

// Multi-index of flat position `flat` in `shape`.
std::vector<int64_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}

int64_t ravel(const std::vector<int64_t>& idx, const Shape& shape) {
  int64_t f = 0;
  for (size_t d = 0; d < shape.size(); ++d) f = f * shape[d] + idx[d];
  return f;
}

TEST(ReduceKernels, SumOverNegativeAxesMatchesLoop) {
  const Shape s{2, 3, 4};
  const auto x = random_floats(24, 1);
  SingleNodeGraph g("ReduceSum", 13);
  g.input(make_tensor<float>(DataType::Float, s, x)).constant_input(i64_tensor({-1, 0})).attr_int("keepdims", 0);
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), Shape({3}));
  for (int64_t j = 0; j < 3; ++j) {
    double want = 0;
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t k = 0; k < 4; ++k) want += x[ravel({i, j, k}, s)];
    EXPECT_NEAR(y.data<float>()[j], want, 1e-5);
  }
  const ir::TypeInfo t = g.infer();
  ASSERT_TRUE(t.shape_known());
  EXPECT_EQ(t.concrete_shape(), Shape({3}));
}

TEST(ReduceKernels, LogSumExpIsStableForLargeValues) {
  SingleNodeGraph g("ReduceLogSumExp", 18);
  g.input(make_tensor<float>(DataType::Float, {2}, std::vector<float>{1000.f, 1000.f}));
  const Tensor y = g.run()[0].tensor();
  EXPECT_NEAR(y.data<float>()[0], 1000.f + std::log(2.f), 1e-3);
}

TEST(ReduceKernels, EmptySetGivesIdentityValues) {
  const Tensor x = Tensor::allocate(DataType::Float, {2, 0});
  auto reduce = [&](const char* op) {
    SingleNodeGraph g(op, 18);
    g.input(x).constant_input(i64_tensor({1}));
    return g.run()[0].tensor().data<float>()[0];
  };
  EXPECT_EQ(reduce("ReduceSum"), 0.f);
  EXPECT_EQ(reduce("ReduceProd"), 1.f);
  EXPECT_EQ(reduce("ReduceMax"), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(reduce("ReduceMin"), std::numeric_limits<float>::infinity());
  EXPECT_EQ(reduce("ReduceLogSum"), -std::numeric_limits<float>::infinity());
}

TEST(ReduceKernels, NoopWithEmptyAxesReturnsInput) {
  const Tensor x = make_tensor<int64_t>(DataType::Int64, {2, 2}, std::vector<int64_t>{1, 2, 3, 4});
  SingleNodeGraph g("ReduceSum", 13);
  g.input(x).attr_int("noop_with_empty_axes", 1);
  const Tensor y = g.run()[0].tensor();
  EXPECT_EQ(y.shape(), x.shape());
  EXPECT_EQ(tensor_values<int64_t>(y), tensor_values<int64_t>(x));
}

TEST(ReduceKernels, Int64SumIsExact) {
  const int64_t big = (int64_t{1} << 60) + 1;
  SingleNodeGraph g("ReduceSum", 11);
  g.input(make_tensor<int64_t>(DataType::Int64, {2}, std::vector<int64_t>{big, 1}));
  EXPECT_EQ(g.run()[0].tensor().data<int64_t>()[0], big + 1);
}

TEST(ArgKernels, SelectLastIndexOnTies) {
  const Tensor x = make_tensor<float>(DataType::Float, {1, 4}, std::vector<float>{3, 1, 3, 0});
  for (int last = 0; last < 2; ++last) {
    SingleNodeGraph g("ArgMax", 13);
    g.input(x).attr_int("axis", 1).attr_int("select_last_index", last);
    EXPECT_EQ(g.run()[0].tensor().data<int64_t>()[0], last ? 2 : 0);
  }
}

TEST(CumSumKernel, ExclusiveReverseMatchesLoop) {
  const auto x = random_floats(6, 3);
  SingleNodeGraph g("CumSum", 14);
  g.input(make_tensor<float>(DataType::Float, {2, 3}, x))
      .input(make_tensor<int32_t>(DataType::Int32, {}, std::vector<int32_t>{-1}))
      .attr_int("exclusive", 1)
      .attr_int("reverse", 1);
  const Tensor y = g.run()[0].tensor();
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) {
      double want = 0;
      for (int k = c + 1; k < 3; ++k) want += x[r * 3 + k];
      EXPECT_NEAR(y.data<float>()[r * 3 + c], want, 1e-5);
    }
  }
}

TEST(TopKKernel, LargestWithTiesKeepsLowerIndexFirst) {
  const Tensor x = make_tensor<float>(DataType::Float, {5}, std::vector<float>{1, 4, 4, 2, 4});
  SingleNodeGraph g("TopK", 11, 2);
  g.input(x).input(i64_tensor({3}));
  const auto out = g.run();
  EXPECT_EQ(tensor_values<int64_t>(out[1].tensor()), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(tensor_values<float>(out[0].tensor()), (std::vector<float>{4, 4, 4}));
}

TEST(SliceKernel, NegativeStepsAndClampingMatchLoop) {
  const Shape s{4, 5};
  std::vector<float> x(20);
  for (int i = 0; i < 20; ++i) x[i] = static_cast<float>(i);
  SingleNodeGraph g("Slice", 13);
  g.input(make_tensor<float>(DataType::Float, s, x))
      .constant_input(i64_tensor({std::numeric_limits<int64_t>::max(), 1}))
      .constant_input(i64_tensor({std::numeric_limits<int64_t>::min(), 100}))
      .constant_input(i64_tensor({0, -1}))
      .constant_input(i64_tensor({-2, 2}));
  const Tensor y = g.run()[0].tensor();
  // rows 3, 1 (from the end, step -2); columns 1, 3.
  ASSERT_EQ(y.shape(), Shape({2, 2}));
  EXPECT_EQ(tensor_values<float>(y), (std::vector<float>{16, 18, 6, 8}));
  EXPECT_EQ(g.infer().concrete_shape(), Shape({2, 2}));
}

TEST(PadKernel, ReflectEdgeWrapMatchLoop) {
  const std::vector<float> x{1, 2, 3};
  const std::vector<std::pair<std::string, std::vector<float>>> cases{
      {"reflect", {3, 2, 1, 2, 3, 2, 1}}, {"edge", {1, 1, 1, 2, 3, 3, 3}}, {"wrap", {2, 3, 1, 2, 3, 1, 2}}};
  for (const auto& [mode, want] : cases) {
    SingleNodeGraph g("Pad", 19);
    g.input(make_tensor<float>(DataType::Float, {3}, x)).constant_input(i64_tensor({2, 2})).attr_string("mode", mode);
    EXPECT_EQ(tensor_values<float>(g.run()[0].tensor()), want) << mode;
  }
}

TEST(TileExpandKernels, MatchBroadcastLoops) {
  const Shape s{2, 1, 3};
  const auto x = random_floats(6, 4);
  SingleNodeGraph tile("Tile", 13);
  tile.input(make_tensor<float>(DataType::Float, s, x)).constant_input(i64_tensor({2, 3, 1}));
  const Tensor t = tile.run()[0].tensor();
  ASSERT_EQ(t.shape(), Shape({4, 3, 3}));
  for (int64_t f = 0; f < t.size(); ++f) {
    auto idx = unravel(f, t.shape());
    for (size_t d = 0; d < 3; ++d) idx[d] %= s[d];
    EXPECT_EQ(t.data<float>()[f], x[ravel(idx, s)]);
  }
  SingleNodeGraph expand("Expand", 13);
  expand.input(make_tensor<float>(DataType::Float, s, x)).constant_input(i64_tensor({4, 1, 1, 1}));
  const Tensor e = expand.run()[0].tensor();
  ASSERT_EQ(e.shape(), Shape({4, 2, 1, 3}));
  for (int64_t f = 0; f < e.size(); ++f) EXPECT_EQ(e.data<float>()[f], x[f % 6]);
  EXPECT_EQ(expand.infer().concrete_shape(), Shape({4, 2, 1, 3}));
}

TEST(ScatterKernels, ScatterElementsAddAccumulatesDuplicates) {
  SingleNodeGraph g("ScatterElements", 16);
  g.input(make_tensor<float>(DataType::Float, {3}, std::vector<float>{1, 1, 1}))
      .input(i64_tensor({0, 0, -1}))
      .input(make_tensor<float>(DataType::Float, {3}, std::vector<float>{2, 3, 4}))
      .attr_string("reduction", "add");
  EXPECT_EQ(tensor_values<float>(g.run()[0].tensor()), (std::vector<float>{6, 1, 5}));
}

TEST(ScatterKernels, OutOfRangeIndexRaisesInvalidArgumentNamingNode) {
  SingleNodeGraph g("ScatterND", 13);
  g.input(make_tensor<float>(DataType::Float, {2}, std::vector<float>{0, 0}))
      .input(make_tensor<int64_t>(DataType::Int64, {1, 1}, std::vector<int64_t>{2}))
      .input(make_tensor<float>(DataType::Float, {1}, std::vector<float>{1}));
  try {
    g.run();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("test_ScatterND"), std::string::npos);
  }
}

TEST(GatherNDKernel, BatchDimsMatchesLoop) {
  const Shape s{2, 3, 4};
  const auto x = random_floats(24, 5);
  SingleNodeGraph g("GatherND", 13);
  g.input(make_tensor<float>(DataType::Float, s, x))
      .input(make_tensor<int64_t>(DataType::Int64, {2, 1, 2}, std::vector<int64_t>{1, 3, 2, -1}))
      .attr_int("batch_dims", 1);
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), Shape({2, 1}));
  EXPECT_EQ(y.data<float>()[0], x[ravel({0, 1, 3}, s)]);
  EXPECT_EQ(y.data<float>()[1], x[ravel({1, 2, 3}, s)]);
}

TEST(DepthToSpaceKernel, DcrAndCrdMatchSpecFormula) {
  const Shape s{1, 8, 2, 3};
  const auto x = random_floats(48, 6);
  for (const std::string mode : {"DCR", "CRD"}) {
    SingleNodeGraph g("DepthToSpace", 13);
    g.input(make_tensor<float>(DataType::Float, s, x)).attr_int("blocksize", 2).attr_string("mode", mode);
    const Tensor y = g.run()[0].tensor();
    ASSERT_EQ(y.shape(), Shape({1, 2, 4, 6}));
    for (int64_t f = 0; f < y.size(); ++f) {
      const auto o = unravel(f, y.shape());
      const int64_t bh = o[2] % 2, bw = o[3] % 2;
      const int64_t c = mode == "DCR" ? (bh * 2 + bw) * 2 + o[1] : o[1] * 4 + bh * 2 + bw;
      EXPECT_EQ(y.data<float>()[f], x[ravel({0, c, o[2] / 2, o[3] / 2}, s)]) << mode;
    }
  }
}

TEST(UniqueKernel, UnsortedKeepsFirstOccurrenceOrder) {
  SingleNodeGraph g("Unique", 11, 4);
  g.input(make_tensor<float>(DataType::Float, {6}, std::vector<float>{2, 1, 2, 3, 1, 1})).attr_int("sorted", 0);
  const auto out = g.run();
  EXPECT_EQ(tensor_values<float>(out[0].tensor()), (std::vector<float>{2, 1, 3}));
  EXPECT_EQ(tensor_values<int64_t>(out[1].tensor()), (std::vector<int64_t>{0, 1, 3}));
  EXPECT_EQ(tensor_values<int64_t>(out[2].tensor()), (std::vector<int64_t>{0, 1, 0, 2, 1, 1}));
  EXPECT_EQ(tensor_values<int64_t>(out[3].tensor()), (std::vector<int64_t>{2, 3, 1}));
}

TEST(SplitKernel, NumOutputsUnevenSplit) {
  SingleNodeGraph g("Split", 18, 3);
  g.input(make_tensor<int64_t>(DataType::Int64, {7}, std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6})).attr_int("num_outputs", 3);
  const auto out = g.run();
  EXPECT_EQ(out[0].tensor().shape(), Shape({3}));
  EXPECT_EQ(out[1].tensor().shape(), Shape({3}));
  EXPECT_EQ(tensor_values<int64_t>(out[2].tensor()), (std::vector<int64_t>{6}));
}

TEST(FactoryTypeChecks, UnsupportedTypeFailsAtCreation) {
  SingleNodeGraph g("ReduceSum", 13);
  g.input(Tensor::allocate(DataType::String, {2}));
  EXPECT_THROW(g.create_kernel(), Error);
}

}  // namespace
}  // namespace onyxrt::ops::testing
