// com.microsoft RotaryEmbedding, DynamicQuantizeMatMul, QLinearAdd and QLinearMul run outside a
// session, each checked against a composition of registered ONNX kernels that computes the same
// thing (ONNX RotaryEmbedding-23; DynamicQuantizeLinear + MatMulInteger; DequantizeLinear + Add/Mul
// + QuantizeLinear), and unsupported forms failing at kernel creation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

constexpr const char* kMs = "com.microsoft";

bool creation_not_implemented(const SingleNodeGraph& g) {
  try {
    g.create_kernel();
  } catch (const Error& e) {
    return e.code() == ErrorCode::NotImplemented;
  }
  return false;
}

std::vector<float> ramp(size_t n, float step, float offset) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = step * static_cast<float>((i * 7) % 23) + offset;
  return v;
}

Tensor scalar_f(float v) { return make_tensor<float>(DataType::Float, {}, std::vector<float>{v}); }

// --- RotaryEmbedding ----------------------------------------------------------------------------

void fill_caches(int64_t max_pos, int64_t half, std::vector<float>& cos_v, std::vector<float>& sin_v) {
  cos_v.resize(max_pos * half);
  sin_v.resize(max_pos * half);
  for (int64_t p = 0; p < max_pos; ++p)
    for (int64_t k = 0; k < half; ++k) {
      const double angle = static_cast<double>(p) / std::pow(10000.0, static_cast<double>(k) / half);
      cos_v[p * half + k] = static_cast<float>(std::cos(angle));
      sin_v[p * half + k] = static_cast<float>(std::sin(angle));
    }
}

TEST(ContribOpsMore, RotaryEmbeddingMatchesOnnxRotaryEmbedding23) {
  const int64_t B = 2, N = 3, S = 4, H = 8, R = 6, max_pos = 10;
  std::vector<float> cos_v, sin_v;
  fill_caches(max_pos, R / 2, cos_v, sin_v);
  const std::vector<float> x = ramp(B * N * S * H, 0.05f, -0.5f);
  const std::vector<int64_t> pos = {0, 3, 9, 2, 5, 5, 1, 8};
  for (int interleaved : {0, 1}) {
    SingleNodeGraph contrib("RotaryEmbedding", 1);
    contrib.node.domain = kMs;
    contrib.input(make_tensor<float>(DataType::Float, {B, N, S, H}, x))
        .input(make_tensor<int64_t>(DataType::Int64, {B, S}, pos))
        .input(make_tensor<float>(DataType::Float, {max_pos, R / 2}, cos_v))
        .input(make_tensor<float>(DataType::Float, {max_pos, R / 2}, sin_v));
    contrib.attr_int("interleaved", interleaved).attr_int("num_heads", N).attr_int("rotary_embedding_dim", R);
    SingleNodeGraph onnx("RotaryEmbedding", 23);
    onnx.input(make_tensor<float>(DataType::Float, {B, N, S, H}, x))
        .input(make_tensor<float>(DataType::Float, {max_pos, R / 2}, cos_v))
        .input(make_tensor<float>(DataType::Float, {max_pos, R / 2}, sin_v))
        .input(make_tensor<int64_t>(DataType::Int64, {B, S}, pos));
    onnx.attr_int("interleaved", interleaved).attr_int("rotary_embedding_dim", R);
    const std::vector<float> got = tensor_values<float>(contrib.run()[0].tensor());
    const std::vector<float> want = tensor_values<float>(onnx.run()[0].tensor());
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_FLOAT_EQ(got[i], want[i]) << "interleaved=" << interleaved << " i=" << i;
  }
}

TEST(ContribOpsMore, RotaryEmbeddingOffsetPositionEqualsExplicitPositions) {
  // position_ids of one element p0 means positions p0 + s: compare with the [B, S] form.
  const int64_t B = 2, S = 3, hidden = 12, max_pos = 8;
  std::vector<float> cos_v, sin_v;
  fill_caches(max_pos, 3, cos_v, sin_v);
  const std::vector<float> x = ramp(B * S * hidden, 0.1f, -1.0f);
  auto run = [&](const Tensor& pos) {
    SingleNodeGraph g("RotaryEmbedding", 1);
    g.node.domain = kMs;
    g.input(make_tensor<float>(DataType::Float, {B, S, hidden}, x)).input(pos)
        .input(make_tensor<float>(DataType::Float, {max_pos, 3}, cos_v))
        .input(make_tensor<float>(DataType::Float, {max_pos, 3}, sin_v));
    return tensor_values<float>(g.run()[0].tensor());
  };
  const std::vector<float> offset = run(make_tensor<int64_t>(DataType::Int64, {1}, std::vector<int64_t>{4}));
  const std::vector<float> explicit_pos = run(make_tensor<int64_t>(DataType::Int64, {B, S}, std::vector<int64_t>{4, 5, 6, 4, 5, 6}));
  EXPECT_EQ(offset, explicit_pos);
}

TEST(ContribOpsMore, RotaryEmbeddingPackedBatchingIsNotImplementedAtCreation) {
  SingleNodeGraph g("RotaryEmbedding", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Float, {1, 2, 4})).input(Tensor::allocate(DataType::Int64, {1}))
      .input(Tensor::allocate(DataType::Float, {4, 2})).input(Tensor::allocate(DataType::Float, {4, 2}));
  g.attr_int("is_packed_batching", 1);
  EXPECT_TRUE(creation_not_implemented(g));
}

// --- DynamicQuantizeMatMul ----------------------------------------------------------------------

TEST(ContribOpsMore, DynamicQuantizeMatMulMatchesDynamicQuantizeLinearThenMatMulInteger) {
  const int64_t M = 3, K = 5, N = 4;
  const std::vector<float> a = ramp(M * K, 0.13f, -1.2f);
  std::vector<int8_t> b(K * N);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 200) - 100);
  const std::vector<float> b_scale = {0.02f, 0.03f, 0.015f, 0.05f};
  const std::vector<int8_t> b_zp = {0, 3, -2, 7};
  const std::vector<float> bias = {0.5f, -0.25f, 0.f, 1.f};

  SingleNodeGraph g("DynamicQuantizeMatMul", 1);
  g.node.domain = kMs;
  g.input(make_tensor<float>(DataType::Float, {M, K}, a)).input(make_tensor<int8_t>(DataType::Int8, {K, N}, b))
      .input(make_tensor<float>(DataType::Float, {N}, b_scale)).input(make_tensor<int8_t>(DataType::Int8, {N}, b_zp))
      .input(make_tensor<float>(DataType::Float, {N}, bias));
  const std::vector<float> got = tensor_values<float>(g.run()[0].tensor());

  SingleNodeGraph dql("DynamicQuantizeLinear", 11, 3);
  dql.input(make_tensor<float>(DataType::Float, {M, K}, a));
  const std::vector<Value> q = dql.run();
  SingleNodeGraph mmi("MatMulInteger", 10);
  mmi.input(q[0].tensor()).input(make_tensor<int8_t>(DataType::Int8, {K, N}, b)).input(q[2].tensor())
      .input(make_tensor<int8_t>(DataType::Int8, {N}, b_zp));
  const std::vector<int32_t> acc = tensor_values<int32_t>(mmi.run()[0].tensor());
  const float a_scale = q[1].tensor().data<float>()[0];
  ASSERT_EQ(got.size(), acc.size());
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      const float want = static_cast<float>(acc[m * N + n]) * (a_scale * b_scale[n]) + bias[n];
      EXPECT_FLOAT_EQ(got[m * N + n], want) << m << "," << n;
    }
}

TEST(ContribOpsMore, DynamicQuantizeMatMulRejectsInt32WeightsAtCreation) {
  SingleNodeGraph g("DynamicQuantizeMatMul", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Float, {2, 3})).input(Tensor::allocate(DataType::Int32, {3, 2}))
      .input(scalar_f(0.1f));
  EXPECT_TRUE(creation_not_implemented(g));
}

// --- QLinearAdd / QLinearMul --------------------------------------------------------------------

// DequantizeLinear(x) with the registered ONNX kernel.
Tensor dequantize(const Tensor& x, float scale, const Tensor* zp) {
  SingleNodeGraph g("DequantizeLinear", 19);
  g.input(x).input(scalar_f(scale));
  if (zp) g.input(*zp);
  return g.run()[0].tensor();
}

TEST(ContribOpsMore, QLinearBinaryMatchesDequantizeOpQuantizeWithinOneUnit) {
  const Shape a_shape = {2, 3, 4}, b_shape = {4};
  std::vector<int> a_vals(24), b_vals(4);
  for (size_t i = 0; i < a_vals.size(); ++i) a_vals[i] = static_cast<int>((i * 53) % 256) - 128;
  for (size_t i = 0; i < b_vals.size(); ++i) b_vals[i] = static_cast<int>(i * 61 % 256) - 128;
  const Tensor A = make_tensor<int8_t>(DataType::Int8, a_shape, a_vals);
  const Tensor B = make_tensor<int8_t>(DataType::Int8, b_shape, b_vals);
  const Tensor za = make_tensor<int8_t>(DataType::Int8, {}, std::vector<int>{5});
  const Tensor zc = make_tensor<int8_t>(DataType::Int8, {}, std::vector<int>{-3});
  const float sa = 0.05f, sb = 0.03f, sc = 0.09f;
  for (const char* op : {"QLinearAdd", "QLinearMul"}) {
    // B_zero_point omitted: it is 0.
    SingleNodeGraph g(op, 1);
    g.node.domain = kMs;
    g.input(A).input(scalar_f(sa)).input(za).input(B).input(scalar_f(sb)).missing_input().input(scalar_f(sc)).input(zc);
    const std::vector<int8_t> got = tensor_values<int8_t>(g.run()[0].tensor());

    SingleNodeGraph float_op(std::string(op).substr(7), 14);  // "Add" / "Mul"
    float_op.input(dequantize(A, sa, &za)).input(dequantize(B, sb, nullptr));
    const Tensor real = float_op.run()[0].tensor();
    SingleNodeGraph quantize("QuantizeLinear", 19);
    quantize.input(real).input(scalar_f(sc)).input(zc);
    const std::vector<int8_t> want = tensor_values<int8_t>(quantize.run()[0].tensor());
    ASSERT_EQ(got.size(), want.size());
    // Within 1 unit: the fused scale ratios round differently from dequantize-then-divide.
    for (size_t i = 0; i < got.size(); ++i) EXPECT_LE(std::abs(int(got[i]) - int(want[i])), 1) << op << " " << i;
  }
}

TEST(ContribOpsMore, QLinearAddRejectsFloatDataAtCreation) {
  SingleNodeGraph g("QLinearAdd", 1);
  g.node.domain = kMs;
  g.input(Tensor::allocate(DataType::Float, {2})).input(scalar_f(1.f)).missing_input()
      .input(Tensor::allocate(DataType::Float, {2})).input(scalar_f(1.f)).missing_input().input(scalar_f(1.f));
  EXPECT_TRUE(creation_not_implemented(g));
}

}  // namespace
}  // namespace onyxrt::ops::testing
