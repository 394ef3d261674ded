// com.microsoft kernels run outside a session: unsupported forms fail at kernel creation with
// NotImplemented (never at run time), and FusedMatMul's transposes agree with the reference GEMM.
#include <gtest/gtest.h>

#include "kernels/ref/gemm.h"
#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

constexpr const char* kMs = "com.microsoft";

// True when creating the kernel raises NotImplemented.
bool creation_not_implemented(const SingleNodeGraph& g) {
  try {
    g.create_kernel();
  } catch (const Error& e) {
    return e.code() == ErrorCode::NotImplemented;
  }
  return false;
}

TEST(ContribOps, MatMulNBitsWithGIdxIsNotImplementedAtCreation) {
  SingleNodeGraph g("MatMulNBits", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Float, {1, 16}))
      .input(Tensor::allocate(DataType::UInt8, {2, 1, 8}))
      .input(Tensor::allocate(DataType::Float, {2, 1}))
      .missing_input()
      .input(Tensor::allocate(DataType::Int32, {16}))
      .attr_int("K", 16).attr_int("N", 2).attr_int("bits", 4).attr_int("block_size", 16);
  EXPECT_TRUE(creation_not_implemented(g));
}

TEST(ContribOps, FusedConvUnknownActivationIsNotImplementedAtCreation) {
  SingleNodeGraph g("FusedConv", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Float, {1, 1, 3, 3})).input(Tensor::allocate(DataType::Float, {1, 1, 1, 1}));
  g.attr_string("activation", "Softsign");
  EXPECT_TRUE(creation_not_implemented(g));
}

TEST(ContribOps, GeluRejectsIntegerInputAtCreation) {
  SingleNodeGraph g("Gelu", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Int32, {4}));
  EXPECT_TRUE(creation_not_implemented(g));
}

TEST(ContribOps, FusedMatMulTransBTransBatchAMatchesReferenceGemm) {
  // A stored [M=2, batch=3, K=4] with transBatchA reads as [3, 2, 4]; B [N=5, K=4] with transB.
  std::vector<float> a(24), b(20);
  for (size_t i = 0; i < a.size(); ++i) a[i] = 0.1f * static_cast<float>(i) - 1.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = 0.05f * static_cast<float>(i * 7 % 11) - 0.2f;
  SingleNodeGraph g("FusedMatMul", 1);
  g.node.domain = kMs;
  g.input(make_tensor<float>(DataType::Float, {2, 3, 4}, a)).input(make_tensor<float>(DataType::Float, {5, 4}, b));
  g.attr_int("transBatchA", 1).attr_int("transB", 1).attr_float("alpha", 2.0f);
  const std::vector<Value> out = g.run();
  const Tensor& y = out[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{3, 2, 5}));
  for (int64_t bt = 0; bt < 3; ++bt) {
    std::vector<float> a_bt(8), expect(10);
    for (int64_t m = 0; m < 2; ++m)
      for (int64_t k = 0; k < 4; ++k) a_bt[m * 4 + k] = a[(m * 3 + bt) * 4 + k];
    kernels::gemm_ref<float>(false, true, 2, 5, 4, 2.0f, a_bt.data(), 4, b.data(), 4, 0.0f, expect.data(), 5);
    for (int64_t i = 0; i < 10; ++i) EXPECT_FLOAT_EQ(y.data<float>()[bt * 10 + i], expect[i]) << bt << "," << i;
  }
}

}  // namespace
}  // namespace onyxrt::ops::testing
