// Element-wise, cast and data-movement kernels run through the registry on hand-built nodes and
// compared with naive loops written here (index arithmetic done independently of the kernels).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/ref/float16.h"
#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

std::vector<float> random_floats(int64_t n, std::mt19937& rng, float lo = -2.f, float hi = 2.f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

// Flat index of the element of `shape` that output multi-index `idx` (of the broadcast output)
// reads, by the numpy rule: align right, dims of 1 repeat.
int64_t broadcast_source(const Shape& shape, const Shape& out, int64_t flat) {
  Shape idx(out.size());
  for (size_t d = out.size(); d-- > 0;) {
    idx[d] = flat % out[d];
    flat /= out[d];
  }
  int64_t src = 0;
  const size_t pad = out.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) src = src * shape[d] + (shape[d] == 1 ? 0 : idx[pad + d]);
  return src;
}

void check_add_broadcast(const Shape& as, const Shape& bs, const Shape& want_shape, ThreadPool* pool = nullptr) {
  std::mt19937 rng(7);
  const auto av = random_floats(shape_size(as), rng), bv = random_floats(shape_size(bs), rng);
  SingleNodeGraph g("Add", 14);
  g.input(make_tensor<float>(DataType::Float, as, av)).input(make_tensor<float>(DataType::Float, bs, bv));
  const Tensor y = g.run(pool)[0].tensor();
  ASSERT_EQ(y.shape(), want_shape);
  for (int64_t i = 0; i < y.size(); ++i) {
    const float want = av[broadcast_source(as, want_shape, i)] + bv[broadcast_source(bs, want_shape, i)];
    ASSERT_EQ(y.data<float>()[i], want) << "at " << i << " for " << shape_to_string(as) << "+" << shape_to_string(bs);
  }
}

TEST(OpsABinary, AddBroadcastsLikeNumpy) {
  check_add_broadcast({2, 1, 3}, {4, 1}, {2, 4, 3});
  check_add_broadcast({}, {3, 2}, {3, 2});
  check_add_broadcast({5}, {}, {5});
  check_add_broadcast({2, 3, 1, 4, 1, 2}, {3, 1, 5, 2}, {2, 3, 3, 4, 5, 2});
  check_add_broadcast({0, 3}, {1, 3}, {0, 3});
  check_add_broadcast({1, 1}, {1}, {1, 1});
}

TEST(OpsABinary, AddBroadcastsWithThreadPool) {
  ThreadPool pool(ThreadPoolSettings{.num_threads = 3});
  check_add_broadcast({67, 1, 129}, {1, 31, 129}, {67, 31, 129}, &pool);
  check_add_broadcast({300000}, {300000}, {300000}, &pool);
}

TEST(OpsABinary, IntegerDivTruncatesAndRejectsZero) {
  const std::vector<int32_t> a{-7, 7, -7, 9, INT32_MIN}, b{2, -2, -2, 3, -1};
  SingleNodeGraph g("Div", 14);
  g.input(make_tensor<int32_t>(DataType::Int32, {5}, a)).input(make_tensor<int32_t>(DataType::Int32, {5}, b));
  const auto y = tensor_values<int32_t>(g.run()[0].tensor());
  for (size_t i = 0; i + 1 < a.size(); ++i) EXPECT_EQ(y[i], static_cast<int32_t>(std::trunc(double(a[i]) / b[i])));
  EXPECT_EQ(y[4], INT32_MIN);  // wraps like two's complement negation

  SingleNodeGraph z("Div", 14);
  z.input(make_tensor<int64_t>(DataType::Int64, {2}, std::vector<int64_t>{1, 2}))
      .input(make_tensor<int64_t>(DataType::Int64, {1}, std::vector<int64_t>{0}));
  EXPECT_THROW(z.run(), Error);
}

TEST(OpsABinary, Float16AddRoundsThroughFloat) {
  std::mt19937 rng(3);
  const auto av = random_floats(64, rng), bv = random_floats(64, rng);
  Tensor a = Tensor::allocate(DataType::Float16, {64}), b = Tensor::allocate(DataType::Float16, {64});
  for (int i = 0; i < 64; ++i) {
    a.mutable_data<kernels::Float16>()[i] = kernels::float_to_half(av[i]);
    b.mutable_data<kernels::Float16>()[i] = kernels::float_to_half(bv[i]);
  }
  SingleNodeGraph g("Sub", 14);
  g.input(a).input(b);
  const Tensor y = g.run()[0].tensor();
  for (int i = 0; i < 64; ++i) {
    const double exact = double(kernels::half_to_float(a.data<kernels::Float16>()[i])) -
                         double(kernels::half_to_float(b.data<kernels::Float16>()[i]));
    EXPECT_NEAR(kernels::half_to_float(y.data<kernels::Float16>()[i]), exact, std::abs(exact) * 1e-3 + 1e-7);
  }
}

TEST(OpsABinary, LegacyBroadcastAlignsBAtAxis) {
  const auto av = std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  SingleNodeGraph g("Mul", 6);
  g.input(make_tensor<float>(DataType::Float, {2, 3, 2}, av))
      .input(make_tensor<float>(DataType::Float, {3}, std::vector<float>{1, 10, 100}));
  g.attr_int("broadcast", 1).attr_int("axis", 1);
  const auto y = tensor_values<float>(g.run()[0].tensor());
  for (int i = 0; i < 12; ++i) EXPECT_EQ(y[i], av[i] * std::pow(10.f, float((i / 2) % 3)));
}

TEST(OpsAUnary, ActivationsMatchFormulas) {
  std::mt19937 rng(5);
  const auto xv = random_floats(100, rng, -30.f, 30.f);
  const Tensor x = make_tensor<double>(DataType::Double, {10, 10}, xv);
  for (const char* op : {"Relu", "Sigmoid", "Tanh"}) {
    SingleNodeGraph g(op, 13);
    g.input(x);
    const auto y = tensor_values<double>(g.run()[0].tensor());
    for (int i = 0; i < 100; ++i) {
      const double v = xv[i];
      const double want = std::string(op) == "Relu" ? std::max(v, 0.0)
                          : std::string(op) == "Tanh" ? std::tanh(v)
                                                      : 1.0 / (1.0 + std::exp(-v));
      EXPECT_NEAR(y[i], want, 1e-12) << op << " at " << v;
    }
  }
}

TEST(OpsAUnary, UnsupportedTypeFailsAtCreation) {
  SingleNodeGraph g("Sigmoid", 13);
  g.input(make_tensor<int32_t>(DataType::Int32, {2}, std::vector<int32_t>{1, 2}));
  try {
    g.create_kernel();
    FAIL() << "expected NotImplemented";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(OpsAFloat16, ConversionsRoundTripAndRoundToNearest) {
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    const kernels::Float16 h{static_cast<uint16_t>(bits)};
    const float f = kernels::half_to_float(h);
    if (std::isnan(f)) continue;
    ASSERT_EQ(kernels::float_to_half(f).bits, h.bits) << bits;
  }
  // Nearest-half oracle: the representable neighbour with the smaller error (even on ties).
  std::mt19937 rng(9);
  for (float f : random_floats(20000, rng, -70000.f, 70000.f)) {
    const float scaled = f * (rng() % 2 ? 1.f : 1e-6f);
    const kernels::Float16 got = kernels::float_to_half(scaled);
    const double g = kernels::half_to_float(got);
    const kernels::Float16 up{static_cast<uint16_t>(got.bits + 1)};
    const kernels::Float16 down{static_cast<uint16_t>(got.bits - 1)};
    if (std::isinf(g)) continue;
    for (kernels::Float16 n : {up, down}) {
      const double nv = kernels::half_to_float(n);
      if (std::isnan(nv) || std::isinf(nv)) continue;
      ASSERT_LE(std::abs(g - scaled), std::abs(nv - scaled)) << scaled;
    }
  }
}

TEST(OpsACast, NumbersStringsAndHalf) {
  const std::vector<float> xv{1.f, 0.1f, -2.5f, 1e20f, NAN, INFINITY, -INFINITY, 300.7f, -1.7f};
  SingleNodeGraph s("Cast", 13);
  s.input(make_tensor<float>(DataType::Float, {9}, xv)).attr_int("to", static_cast<int64_t>(DataType::String));
  const auto strs = tensor_values<std::string>(s.run()[0].tensor());
  for (size_t i = 0; i < xv.size(); ++i) {
    if (std::isnan(xv[i])) { EXPECT_EQ(strs[i], "NaN"); continue; }
    if (std::isinf(xv[i])) { EXPECT_EQ(strs[i], xv[i] > 0 ? "INF" : "-INF"); continue; }
    EXPECT_EQ(std::stof(strs[i]), xv[i]) << strs[i];  // %.8g round-trips a float
  }

  SingleNodeGraph back("Cast", 13);
  back.input(make_tensor<std::string>(DataType::String, {3}, std::vector<std::string>{" 1.5", "-INF", "12abc"}))
      .attr_int("to", static_cast<int64_t>(DataType::Double));
  const auto d = tensor_values<double>(back.run()[0].tensor());
  EXPECT_EQ(d[0], 1.5);
  EXPECT_TRUE(std::isinf(d[1]) && d[1] < 0);
  EXPECT_EQ(d[2], 12.0);

  SingleNodeGraph bad("Cast", 13);
  bad.input(make_tensor<std::string>(DataType::String, {1}, std::vector<std::string>{"abc"}))
      .attr_int("to", static_cast<int64_t>(DataType::Float));
  EXPECT_THROW(bad.run(), Error);

  SingleNodeGraph i8("Cast", 13);
  i8.input(make_tensor<int32_t>(DataType::Int32, {3}, std::vector<int32_t>{300, -200, 5}))
      .attr_int("to", static_cast<int64_t>(DataType::Int8));
  const auto n = tensor_values<int8_t>(i8.run()[0].tensor());
  EXPECT_EQ(n, (std::vector<int8_t>{static_cast<int8_t>(300), static_cast<int8_t>(-200), 5}));

  SingleNodeGraph h("Cast", 13);
  h.input(make_tensor<float>(DataType::Float, {9}, xv)).attr_int("to", static_cast<int64_t>(DataType::Float16));
  const Tensor ht = h.run()[0].tensor();
  for (size_t i = 0; i < xv.size(); ++i)
    EXPECT_EQ(ht.data<kernels::Float16>()[i].bits, kernels::float_to_half(xv[i]).bits);
}

TEST(OpsACast, ComplexTargetIsNotImplemented) {
  SingleNodeGraph g("Cast", 19);
  g.input(make_tensor<float>(DataType::Float, {1}, std::vector<float>{1}))
      .attr_int("to", static_cast<int64_t>(DataType::Complex64));
  try {
    g.create_kernel();
    FAIL() << "expected NotImplemented";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(OpsAMovement, TransposeMatchesNaivePermutation) {
  const Shape in{2, 3, 1, 4, 5};
  const std::vector<int64_t> perm{3, 0, 4, 2, 1};
  std::vector<int64_t> xv(static_cast<size_t>(shape_size(in)));
  for (size_t i = 0; i < xv.size(); ++i) xv[i] = static_cast<int64_t>(i);
  SingleNodeGraph g("Transpose", 13);
  g.input(make_tensor<int64_t>(DataType::Int64, in, xv)).attr_ints("perm", perm);
  const Tensor y = g.run()[0].tensor();
  Shape out(5);
  for (int d = 0; d < 5; ++d) out[d] = in[perm[d]];
  ASSERT_EQ(y.shape(), out);
  for (int64_t i = 0; i < y.size(); ++i) {
    Shape oidx(5), iidx(5);
    int64_t r = i;
    for (int d = 4; d >= 0; --d) { oidx[d] = r % out[d]; r /= out[d]; }
    for (int d = 0; d < 5; ++d) iidx[perm[d]] = oidx[d];
    int64_t src = 0;
    for (int d = 0; d < 5; ++d) src = src * in[d] + iidx[d];
    ASSERT_EQ(y.data<int64_t>()[i], xv[src]) << i;
  }
}

TEST(OpsAMovement, ConcatNegativeAxisWithEmptyInput) {
  SingleNodeGraph g("Concat", 13);
  g.input(make_tensor<std::string>(DataType::String, {2, 1}, std::vector<std::string>{"a", "b"}))
      .input(Tensor::allocate(DataType::String, {2, 0}))
      .input(make_tensor<std::string>(DataType::String, {2, 2}, std::vector<std::string>{"c", "d", "e", "f"}))
      .attr_int("axis", -1);
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_EQ(tensor_values<std::string>(y), (std::vector<std::string>{"a", "c", "d", "b", "e", "f"}));
}

TEST(OpsAMovement, GatherNegativeIndices) {
  std::vector<float> xv(24);
  for (int i = 0; i < 24; ++i) xv[i] = float(i);
  SingleNodeGraph g("Gather", 13);
  g.input(make_tensor<float>(DataType::Float, {2, 3, 4}, xv))
      .input(make_tensor<int64_t>(DataType::Int64, {2, 2}, std::vector<int64_t>{-1, 0, 2, 1}))
      .attr_int("axis", 1);
  const Tensor y = g.run()[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{2, 2, 2, 4}));
  const int64_t idx[4] = {2, 0, 2, 1};
  for (int o = 0; o < 2; ++o)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 4; ++k) EXPECT_EQ(y.data<float>()[(o * 4 + j) * 4 + k], xv[(o * 3 + idx[j]) * 4 + k]);

  SingleNodeGraph bad("Gather", 13);
  bad.input(make_tensor<float>(DataType::Float, {3}, xv)).input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{3}));
  EXPECT_THROW(bad.run(), Error);
}

// One index along the first axis that is not 1 gives a view of the input's slice when the slice
// starts on the allocator's alignment and the output is not a graph output; a copy otherwise.
// Either way the values are the slice's.
TEST(OpsAMovement, GatherOfOneAlignedSliceIsAView) {
  auto gather = [](int64_t inner, int64_t index, bool graph_output) {
    std::vector<float> xv(static_cast<size_t>(3 * inner));
    for (size_t i = 0; i < xv.size(); ++i) xv[i] = float(i);
    SingleNodeGraph g("Gather", 13);
    g.input(make_tensor<float>(DataType::Float, {1, 3, inner}, xv))
        .input(make_tensor<int64_t>(DataType::Int64, {}, std::vector<int64_t>{index}))
        .attr_int("axis", 1);
    g.node.outputs[0]->is_graph_output = graph_output;
    const Tensor x = g.feeds[0].tensor();
    const Tensor y = g.run()[0].tensor();
    EXPECT_EQ(y.shape(), (Shape{1, inner}));
    const int64_t row = index < 0 ? index + 3 : index;
    for (int64_t k = 0; k < inner; ++k) EXPECT_EQ(y.data<float>()[k], xv[row * inner + k]);
    return y.data<float>() == x.data<float>() + row * inner;
  };
  EXPECT_TRUE(gather(16, 2, false));   // 64-byte slices
  EXPECT_TRUE(gather(32, -2, false));
  EXPECT_FALSE(gather(16, 1, true));   // a graph output is the caller's to write
  EXPECT_FALSE(gather(3, 1, false));   // a slice 12 bytes in: copied
}

TEST(OpsAMovement, ReshapeSqueezeUnsqueezeFlattenShape) {
  const Tensor x = make_tensor<float>(DataType::Float, {2, 1, 3, 4}, std::vector<float>(24, 1.f));
  auto reshape = [&](std::vector<int64_t> s, int64_t allowzero) {
    SingleNodeGraph g("Reshape", 14);
    g.input(x).input(make_tensor<int64_t>(DataType::Int64, {int64_t(s.size())}, s)).attr_int("allowzero", allowzero);
    return g.run()[0].tensor();
  };
  EXPECT_EQ(reshape({0, -1, 2}, 0).shape(), (Shape{2, 6, 2}));
  EXPECT_EQ(reshape({-1}, 0).shape(), (Shape{24}));
  EXPECT_EQ(reshape({0, 0, 12}, 0).raw(), x.raw());  // a view, not a copy
  EXPECT_THROW(reshape({0, 5}, 1), Error);

  SingleNodeGraph sq("Squeeze", 13);
  sq.input(x).input(make_tensor<int64_t>(DataType::Int64, {1}, std::vector<int64_t>{-3}));
  EXPECT_EQ(sq.run()[0].tensor().shape(), (Shape{2, 3, 4}));
  SingleNodeGraph sq11("Squeeze", 11);
  sq11.input(x);
  EXPECT_EQ(sq11.run()[0].tensor().shape(), (Shape{2, 3, 4}));

  SingleNodeGraph un("Unsqueeze", 11);
  un.input(x).attr_ints("axes", {-1, 0});
  EXPECT_EQ(un.run()[0].tensor().shape(), (Shape{1, 2, 1, 3, 4, 1}));

  SingleNodeGraph fl("Flatten", 13);
  fl.input(x).attr_int("axis", -2);
  EXPECT_EQ(fl.run()[0].tensor().shape(), (Shape{2, 12}));

  SingleNodeGraph sh("Shape", 15);
  sh.input(x).attr_int("start", -3).attr_int("end", 10);
  EXPECT_EQ(tensor_values<int64_t>(sh.run()[0].tensor()), (std::vector<int64_t>{1, 3, 4}));
}

TEST(OpsAMisc, ConstantAndIdentity) {
  SingleNodeGraph c("Constant", 13);
  c.attr_ints("value_ints", {4, 5, 6});
  const Tensor ct = c.run()[0].tensor();
  EXPECT_EQ(ct.dtype(), DataType::Int64);
  EXPECT_EQ(tensor_values<int64_t>(ct), (std::vector<int64_t>{4, 5, 6}));

  ir::TypeInfo seq_type;
  seq_type.kind = ir::TypeInfo::Kind::Sequence;
  SingleNodeGraph id("Identity", 16);
  const Tensor t = make_tensor<float>(DataType::Float, {1}, std::vector<float>{2});
  id.input(Value::sequence({Value(t), Value(t)}, DataType::Float), seq_type);
  const Value out = id.run()[0];
  ASSERT_TRUE(out.is_sequence());
  EXPECT_EQ(out.sequence().size(), 2u);
}

TEST(OpsAInference, SymbolicDimsPropagate) {
  SingleNodeGraph add("Add", 14);
  add.input(Tensor::allocate(DataType::Float, {1, 3})).input(Tensor::allocate(DataType::Float, {3}));
  add.node.inputs[0]->type = ir::TypeInfo::tensor(DataType::Float, ir::SymShape{ir::Dim::sym("N"), ir::Dim::of(3)});
  const ir::TypeInfo t = add.infer();
  ASSERT_EQ(t.shape.size(), 2u);
  EXPECT_EQ(t.shape[0].symbol, "N");
  EXPECT_EQ(t.shape[1].value, 3);

  SingleNodeGraph rs("Reshape", 14);
  rs.input(Tensor::allocate(DataType::Float, {1, 3, 4}))
      .constant_input(make_tensor<int64_t>(DataType::Int64, {2}, std::vector<int64_t>{0, -1}));
  rs.node.inputs[0]->type = ir::TypeInfo::tensor(DataType::Float, ir::SymShape{ir::Dim::sym("B"), ir::Dim::of(3), ir::Dim::of(4)});
  const ir::TypeInfo r = rs.infer();
  ASSERT_EQ(r.shape.size(), 2u);
  EXPECT_EQ(r.shape[0].symbol, "B");

  SingleNodeGraph fl("Flatten", 13);
  fl.input(Tensor::allocate(DataType::Float, {1, 3, 4}));
  fl.node.inputs[0]->type = rs.node.inputs[0]->type;
  const ir::TypeInfo f = fl.infer();
  EXPECT_EQ(f.shape[0].symbol, "B");
  EXPECT_EQ(f.shape[1].value, 12);
}

}  // namespace
}  // namespace onyxrt::ops::testing
