// Element-wise math, activation, comparison, logic, bitwise, Pow, Mod, Clip, Where and variadic
// Max/Min/Sum/Mean kernels run through the registry on hand-built nodes and compared with naive
// loops over std:: functions written here (broadcast indexing done independently of the kernels).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "kernels/ref/float16.h"
#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> random_doubles(int64_t n, uint32_t seed, double lo = -3, double hi = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = d(rng);
  return v;
}

// Flat index into `shape` read by flat output index `flat` of broadcast output `out` (numpy rule).
int64_t source_index(const Shape& shape, const Shape& out, int64_t flat) {
  std::vector<int64_t> idx(out.size());
  for (size_t d = out.size(); d-- > 0;) {
    idx[d] = flat % out[d];
    flat /= out[d];
  }
  int64_t src = 0;
  const size_t lead = out.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) src = src * shape[d] + (shape[d] == 1 ? 0 : idx[lead + d]);
  return src;
}

bool same_or_both_nan(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

ErrorCode creation_error(const SingleNodeGraph& g) {
  try {
    g.create_kernel();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Fail;  // no error: the tests expect NotImplemented
}

TEST(OpsCUnaryMath, DoubleMatchesStdFunctions) {
  std::vector<double> xv = random_doubles(60, 1, -4, 4);
  xv.insert(xv.end(), {kNaN, kInf, -kInf, 0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5});
  const Shape shape{static_cast<int64_t>(xv.size())};
  const std::vector<std::pair<const char*, double (*)(double)>> ops = {
      {"Abs", [](double v) { return std::fabs(v); }},   {"Neg", [](double v) { return -v; }},
      {"Exp", [](double v) { return std::exp(v); }},    {"Log", [](double v) { return std::log(v); }},
      {"Sqrt", [](double v) { return std::sqrt(v); }},  {"Reciprocal", [](double v) { return 1 / v; }},
      {"Floor", [](double v) { return std::floor(v); }}, {"Ceil", [](double v) { return std::ceil(v); }},
      {"Erf", [](double v) { return std::erf(v); }},    {"Sin", [](double v) { return std::sin(v); }},
      {"Cos", [](double v) { return std::cos(v); }},    {"Tan", [](double v) { return std::tan(v); }},
      {"Asin", [](double v) { return std::asin(v); }},  {"Acos", [](double v) { return std::acos(v); }},
      {"Atan", [](double v) { return std::atan(v); }},  {"Sinh", [](double v) { return std::sinh(v); }},
      {"Cosh", [](double v) { return std::cosh(v); }},  {"Asinh", [](double v) { return std::asinh(v); }},
      {"Acosh", [](double v) { return std::acosh(v); }}, {"Atanh", [](double v) { return std::atanh(v); }},
      {"Sign", [](double v) { return (std::isnan(v) || v == 0) ? v : (v > 0 ? 1.0 : -1.0); }},
  };
  for (const auto& [op, fn] : ops) {
    SingleNodeGraph g(op, 13);
    g.input(make_tensor<double>(DataType::Double, shape, xv));
    const auto y = tensor_values<double>(g.run()[0].tensor());
    for (size_t i = 0; i < xv.size(); ++i) EXPECT_TRUE(same_or_both_nan(y[i], fn(xv[i]))) << op << "(" << xv[i] << ")";
  }
}

TEST(OpsCUnaryMath, RoundHalvesToEven) {
  const std::vector<double> xv{0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.7, 7.0};
  SingleNodeGraph g("Round", 11);
  g.input(make_tensor<double>(DataType::Double, {10}, xv));
  const auto y = tensor_values<double>(g.run()[0].tensor());
  for (size_t i = 0; i < xv.size(); ++i) {
    const double lo = std::floor(xv[i]), frac = xv[i] - lo;
    const double want = frac > 0.5 ? lo + 1 : frac < 0.5 ? lo : (std::fmod(lo, 2) == 0 ? lo : lo + 1);
    EXPECT_EQ(y[i], want) << xv[i];
  }
}

TEST(OpsCUnaryMath, IntegerAbsNegSignWrap) {
  const std::vector<int32_t> xv{-5, 0, 7, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  for (const char* op : {"Abs", "Neg", "Sign"}) {
    SingleNodeGraph g(op, 13);
    g.input(make_tensor<int32_t>(DataType::Int32, {5}, xv));
    const auto y = tensor_values<int32_t>(g.run()[0].tensor());
    for (size_t i = 0; i < xv.size(); ++i) {
      const int64_t v = xv[i];
      const int64_t want = std::string(op) == "Abs" ? (v < 0 ? -v : v) : std::string(op) == "Neg" ? -v : (v > 0) - (v < 0);
      EXPECT_EQ(y[i], static_cast<int32_t>(static_cast<uint32_t>(want))) << op << " " << v;
    }
  }
}

TEST(OpsCUnaryMath, Float16ComputesInFloatAndRoundsBack) {
  const auto xv = random_doubles(50, 2, -5, 5);
  Tensor x = Tensor::allocate(DataType::Float16, {50});
  for (int i = 0; i < 50; ++i) x.mutable_data<kernels::Float16>()[i] = kernels::float_to_half(static_cast<float>(xv[i]));
  SingleNodeGraph g("Exp", 13);
  g.input(x);
  const Tensor y = g.run()[0].tensor();
  for (int i = 0; i < 50; ++i) {
    const float in = kernels::half_to_float(x.data<kernels::Float16>()[i]);
    EXPECT_EQ(y.data<kernels::Float16>()[i].bits, kernels::float_to_half(std::exp(in)).bits) << in;
  }
}

TEST(OpsCUnaryMath, UnsupportedTypesFailAtCreation) {
  SingleNodeGraph sqrt_int("Sqrt", 13);
  sqrt_int.input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{4}));
  EXPECT_EQ(creation_error(sqrt_int), ErrorCode::NotImplemented);
  SingleNodeGraph neg_unsigned("Neg", 13);
  neg_unsigned.input(make_tensor<uint8_t>(DataType::UInt8, {1}, std::vector<uint8_t>{4}));
  EXPECT_EQ(creation_error(neg_unsigned), ErrorCode::NotImplemented);
  SingleNodeGraph shift_signed("BitShift", 11);
  shift_signed.input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{1}))
      .input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{1}))
      .attr_string("direction", "LEFT");
  EXPECT_EQ(creation_error(shift_signed), ErrorCode::NotImplemented);
}

TEST(OpsCPredicates, IsNaNIsInfAndNot) {
  const std::vector<double> xv{1.0, kNaN, kInf, -kInf, -0.0, -2};
  SingleNodeGraph nan("IsNaN", 13);
  nan.input(make_tensor<double>(DataType::Double, {6}, xv));
  const auto yn = tensor_values<bool>(nan.run()[0].tensor());
  SingleNodeGraph inf("IsInf", 10);
  inf.input(make_tensor<double>(DataType::Double, {6}, xv)).attr_int("detect_positive", 0);
  const auto yi = tensor_values<bool>(inf.run()[0].tensor());
  for (size_t i = 0; i < xv.size(); ++i) {
    EXPECT_EQ(yn[i], std::isnan(xv[i]));
    EXPECT_EQ(yi[i], std::isinf(xv[i]) && xv[i] < 0);
  }
  // Float8 E5M2 is IEEE-like: 0x7c +inf, 0xfc -inf, 0x7d NaN; E4M3FN has NaN 0x7f and no inf.
  SingleNodeGraph f8("IsInf", 20);
  f8.input(make_tensor<uint8_t>(DataType::Float8E5M2, {4}, std::vector<uint8_t>{0x7c, 0xfc, 0x7d, 0x3c}));
  EXPECT_EQ(tensor_values<bool>(f8.run()[0].tensor()), (std::vector<bool>{true, true, false, false}));
  SingleNodeGraph f8n("IsNaN", 20);
  f8n.input(make_tensor<uint8_t>(DataType::Float8E4M3FN, {3}, std::vector<uint8_t>{0x7f, 0xff, 0x7e}));
  EXPECT_EQ(tensor_values<bool>(f8n.run()[0].tensor()), (std::vector<bool>{true, true, false}));
  SingleNodeGraph neg("Not", 1);
  neg.input(make_tensor<bool>(DataType::Bool, {2}, std::vector<bool>{true, false}));
  EXPECT_EQ(tensor_values<bool>(neg.run()[0].tensor()), (std::vector<bool>{false, true}));
}

TEST(OpsCActivations, DoubleMatchesFormulas) {
  const auto xv = random_doubles(200, 3, -8, 8);
  const Tensor x = make_tensor<double>(DataType::Double, {200}, xv);
  struct Case {
    const char* op;
    int opset;
    std::function<double(double)> fn;
    std::function<void(SingleNodeGraph&)> attrs;
  };
  const double sp = 0.7978845608028654;
  const std::vector<Case> cases = {
      {"Elu", 6, [](double v) { return v < 0 ? double(0.7f) * (std::exp(v) - 1) : v; }, [](auto& g) { g.attr_float("alpha", 0.7f); }},
      {"Selu", 6, [](double v) { return double(1.05070102214813232421875f) * (v > 0 ? v : double(1.67326319217681884765625f) * (std::exp(v) - 1)); }, nullptr},
      {"Celu", 12, [](double v) { return std::max(0.0, v) + std::min(0.0, 2.0 * (std::exp(v / 2.0) - 1)); }, [](auto& g) { g.attr_float("alpha", 2.f); }},
      {"LeakyRelu", 16, [](double v) { return v >= 0 ? v : double(0.01f) * v; }, nullptr},
      {"HardSigmoid", 6, [](double v) { return std::clamp(double(0.2f) * v + 0.5, 0.0, 1.0); }, nullptr},
      {"HardSwish", 14, [](double v) { return v * std::clamp(v / 6 + 0.5, 0.0, 1.0); }, nullptr},
      {"Softplus", 1, [](double v) { return std::log(1 + std::exp(v)); }, nullptr},
      {"Mish", 18, [](double v) { return v * std::tanh(std::log(1 + std::exp(v))); }, nullptr},
      {"Softsign", 1, [](double v) { return v / (1 + std::abs(v)); }, nullptr},
      {"Gelu", 20, [](double v) { return v * 0.5 * std::erfc(-v / std::sqrt(2.0)); }, nullptr},
      {"Gelu", 20, [sp](double v) { return 0.5 * v * (1 + std::tanh(sp * (v + 0.044715 * v * v * v))); },
       [](auto& g) { g.attr_string("approximate", "tanh"); }},
      {"ThresholdedRelu", 10, [](double v) { return v > 1.5 ? v : 0; }, [](auto& g) { g.attr_float("alpha", 1.5f); }},
      {"Swish", 24, [](double v) { return v / (1 + std::exp(-0.5 * v)); }, [](auto& g) { g.attr_float("alpha", 0.5f); }},
  };
  for (const Case& c : cases) {
    SingleNodeGraph g(c.op, c.opset);
    g.input(x);
    if (c.attrs) c.attrs(g);
    const auto y = tensor_values<double>(g.run()[0].tensor());
    for (size_t i = 0; i < xv.size(); ++i) {
      const double want = c.fn(xv[i]);  // attribute values are floats: the oracle uses them as such
      EXPECT_NEAR(y[i], want, 1e-12 + 1e-12 * std::abs(want)) << c.op << "(" << xv[i] << ")";
    }
  }
}

TEST(OpsCActivations, PReluBroadcastsSlopePerChannel) {
  const Shape xs{2, 3, 2, 2};
  const auto xv = random_doubles(24, 4);
  const std::vector<float> slope{0.1f, 0.2f, 0.3f};
  std::vector<float> xf(xv.begin(), xv.end());
  SingleNodeGraph g("PRelu", 16);
  g.input(make_tensor<float>(DataType::Float, xs, xf)).input(make_tensor<float>(DataType::Float, {3, 1, 1}, slope));
  const auto y = tensor_values<float>(g.run()[0].tensor());
  for (int i = 0; i < 24; ++i) EXPECT_EQ(y[i], xf[i] < 0 ? slope[(i / 4) % 3] * xf[i] : xf[i]);
}

TEST(OpsCCompare, BroadcastRank6WithNaN) {
  const Shape as{2, 1, 3, 1, 2, 1}, bs{3, 4, 1, 2};
  auto av = random_doubles(shape_size(as), 5, -2, 2), bv = random_doubles(shape_size(bs), 6, -2, 2);
  av[1] = kNaN;
  bv[0] = av[0];
  const Shape out{2, 1, 3, 4, 2, 2};
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) {
    SingleNodeGraph g(op, 16);
    g.input(make_tensor<double>(DataType::Double, as, av)).input(make_tensor<double>(DataType::Double, bs, bv));
    const Tensor y = g.run()[0].tensor();
    ASSERT_EQ(y.shape(), out);
    const std::string o = op;
    for (int64_t i = 0; i < y.size(); ++i) {
      const double a = av[source_index(as, out, i)], b = bv[source_index(bs, out, i)];
      const bool want = o == "Equal" ? a == b : o == "Less" ? a < b : o == "Greater" ? a > b : o == "LessOrEqual" ? a <= b : a >= b;
      ASSERT_EQ(y.data<bool>()[i], want) << op << " " << a << " " << b;
    }
  }
  SingleNodeGraph s("Equal", 19);
  s.input(make_tensor<std::string>(DataType::String, {3}, std::vector<std::string>{"a", "bb", ""}))
      .input(make_tensor<std::string>(DataType::String, {}, std::vector<std::string>{"bb"}));
  EXPECT_EQ(tensor_values<bool>(s.run()[0].tensor()), (std::vector<bool>{false, true, false}));
}

TEST(OpsCLogical, LegacyBroadcastAndXor) {
  const std::vector<bool> av{true, false, true, true, false, false};
  const std::vector<bool> bv{true, false};
  SingleNodeGraph g("Xor", 6);
  g.input(make_tensor<bool>(DataType::Bool, {2, 3}, av)).input(make_tensor<bool>(DataType::Bool, {2}, bv));
  g.attr_int("broadcast", 1).attr_int("axis", 0);
  const auto y = tensor_values<bool>(g.run()[0].tensor());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], av[i] != bv[i / 3]);
}

TEST(OpsCBitwise, ShiftOutOfRangeAndSigned) {
  const std::vector<int8_t> xv{1, -64, -1, 100, 5, -5};
  const std::vector<int8_t> sv{3, 1, 9, -1, 7, 8};
  for (const char* dir : {"LEFT", "RIGHT"}) {
    SingleNodeGraph g("BitShift", 28);
    g.input(make_tensor<int8_t>(DataType::Int8, {6}, xv)).input(make_tensor<int8_t>(DataType::Int8, {6}, sv));
    g.attr_string("direction", dir);
    const auto y = tensor_values<int8_t>(g.run()[0].tensor());
    for (size_t i = 0; i < xv.size(); ++i) {
      const int x = xv[i], s = sv[i];
      int want;
      if (s < 0 || s >= 8) want = std::string(dir) == "LEFT" ? 0 : (x < 0 ? -1 : 0);
      else want = std::string(dir) == "LEFT" ? static_cast<int8_t>(static_cast<uint8_t>(x * (1 << s))) : static_cast<int>(std::floor(x / double(1 << s)));
      EXPECT_EQ(y[i], want) << dir << " " << x << " by " << s;
    }
  }
  SingleNodeGraph a("BitwiseXor", 18);
  a.input(make_tensor<uint16_t>(DataType::UInt16, {2}, std::vector<uint16_t>{0xff00, 0x0f0f}))
      .input(make_tensor<uint16_t>(DataType::UInt16, {}, std::vector<uint16_t>{0x00ff}));
  EXPECT_EQ(tensor_values<uint16_t>(a.run()[0].tensor()), (std::vector<uint16_t>{0xffff, 0x0ff0}));
}

TEST(OpsCPow, MixedBaseAndExponentTypes) {
  const std::vector<float> base{2.f, -3.f, 0.5f, 0.f};
  SingleNodeGraph g("Pow", 15);
  g.input(make_tensor<float>(DataType::Float, {4}, base)).input(make_tensor<int64_t>(DataType::Int64, {}, std::vector<int64_t>{3}));
  const auto y = tensor_values<float>(g.run()[0].tensor());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(y[i], base[i] * base[i] * base[i]);

  const std::vector<int64_t> ib{3, -2, 7, 1, -1};
  const std::vector<int64_t> ie{4, 3, 0, -5, -3};
  SingleNodeGraph gi("Pow", 15);
  gi.input(make_tensor<int64_t>(DataType::Int64, {5}, ib)).input(make_tensor<int64_t>(DataType::Int64, {5}, ie));
  const auto yi = tensor_values<int64_t>(gi.run()[0].tensor());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(yi[i], static_cast<int64_t>(std::pow(double(ib[i]), double(ie[i])))) << i;

  SingleNodeGraph gf("Pow", 15);
  gf.input(make_tensor<int32_t>(DataType::Int32, {3}, std::vector<int32_t>{4, 9, 10}))
      .input(make_tensor<float>(DataType::Float, {}, std::vector<float>{0.5f}));
  EXPECT_EQ(tensor_values<int32_t>(gf.run()[0].tensor()), (std::vector<int32_t>{2, 3, 3}));
}

TEST(OpsCMod, IntegerSignRulesAndFloatFmod) {
  const std::vector<int32_t> a{7, -7, 7, -7, 0, 5};
  const std::vector<int32_t> b{3, 3, -3, -3, 4, -1};
  for (int fmod : {0, 1}) {
    SingleNodeGraph g("Mod", 13);
    g.input(make_tensor<int32_t>(DataType::Int32, {6}, a)).input(make_tensor<int32_t>(DataType::Int32, {6}, b)).attr_int("fmod", fmod);
    const auto y = tensor_values<int32_t>(g.run()[0].tensor());
    for (size_t i = 0; i < a.size(); ++i) {
      const double q = fmod ? std::trunc(double(a[i]) / b[i]) : std::floor(double(a[i]) / b[i]);
      EXPECT_EQ(y[i], static_cast<int32_t>(a[i] - q * b[i])) << a[i] << " mod " << b[i] << " fmod=" << fmod;
    }
  }
  const auto fa = random_doubles(20, 7, -10, 10), fb = random_doubles(20, 8, -3, 3);
  SingleNodeGraph f("Mod", 13);
  f.input(make_tensor<double>(DataType::Double, {20}, fa)).input(make_tensor<double>(DataType::Double, {20}, fb)).attr_int("fmod", 1);
  const auto fy = tensor_values<double>(f.run()[0].tensor());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(fy[i], std::fmod(fa[i], fb[i]));

  SingleNodeGraph z("Mod", 13);
  z.input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{1})).input(make_tensor<int32_t>(DataType::Int32, {1}, std::vector<int32_t>{0}));
  EXPECT_THROW(z.run(), Error);
}

TEST(OpsCVariadic, MaxMinSumMeanBroadcastAndNaN) {
  const Shape s0{2, 1, 3}, s1{}, s2{4, 1};
  auto v0 = random_doubles(6, 9), v1 = random_doubles(1, 10), v2 = random_doubles(4, 11);
  v0[2] = kNaN;
  const Shape out{2, 4, 3};
  for (const char* op : {"Max", "Min", "Sum", "Mean"}) {
    SingleNodeGraph g(op, 13);
    g.input(make_tensor<double>(DataType::Double, s0, v0)).input(make_tensor<double>(DataType::Double, s1, v1))
        .input(make_tensor<double>(DataType::Double, s2, v2));
    const Tensor y = g.run()[0].tensor();
    ASSERT_EQ(y.shape(), out);
    const std::string o = op;
    for (int64_t i = 0; i < y.size(); ++i) {
      const double a = v0[source_index(s0, out, i)], b = v1[0], c = v2[source_index(s2, out, i)];
      const double want = o == "Max" ? (std::isnan(a) ? a : std::max({a, b, c})) : o == "Min" ? (std::isnan(a) ? a : std::min({a, b, c}))
                          : o == "Sum" ? a + b + c : (a + b + c) / 3;
      EXPECT_TRUE(same_or_both_nan(y.data<double>()[i], want)) << op << " at " << i;
    }
  }
  SingleNodeGraph one("Max", 13);
  one.input(make_tensor<int64_t>(DataType::Int64, {0, 2}, std::vector<int64_t>{}));
  EXPECT_EQ(one.run()[0].tensor().shape(), (Shape{0, 2}));
}

TEST(OpsCClip, AttributesAndInputs) {
  const std::vector<float> xv{-5, -1, 0, 1, 5, NAN};
  SingleNodeGraph g6("Clip", 6);
  g6.input(make_tensor<float>(DataType::Float, {6}, xv)).attr_float("min", -1.5f).attr_float("max", 2.f);
  const auto y6 = tensor_values<float>(g6.run()[0].tensor());
  for (size_t i = 0; i < xv.size(); ++i) {
    const float want = std::isnan(xv[i]) ? xv[i] : std::min(std::max(xv[i], -1.5f), 2.f);
    EXPECT_TRUE(same_or_both_nan(y6[i], want)) << xv[i];
  }
  const std::vector<int32_t> iv{-100, -3, 0, 4, 100};
  SingleNodeGraph g13("Clip", 13);
  g13.input(make_tensor<int32_t>(DataType::Int32, {5}, iv)).missing_input().input(make_tensor<int32_t>(DataType::Int32, {}, std::vector<int32_t>{3}));
  const auto y13 = tensor_values<int32_t>(g13.run()[0].tensor());
  for (size_t i = 0; i < iv.size(); ++i) EXPECT_EQ(y13[i], std::min(iv[i], 3));
}

TEST(OpsCWhere, ThreeWayBroadcastStrings) {
  const Shape cs{2, 1}, xs{3}, ys{2, 3};
  const std::vector<bool> cv{true, false};
  const std::vector<std::string> xv{"a", "b", "c"}, yv{"p", "q", "r", "s", "t", "u"};
  SingleNodeGraph g("Where", 16);
  g.input(make_tensor<bool>(DataType::Bool, cs, cv)).input(make_tensor<std::string>(DataType::String, xs, xv))
      .input(make_tensor<std::string>(DataType::String, ys, yv));
  const Tensor z = g.run()[0].tensor();
  ASSERT_EQ(z.shape(), (Shape{2, 3}));
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(z.data<std::string>()[i], cv[i / 3] ? xv[i % 3] : yv[i]);
}

TEST(OpsCInference, BroadcastKeepsSymbolsAndSetsTypes) {
  SingleNodeGraph g("Where", 16);
  g.input(make_tensor<bool>(DataType::Bool, {1}, std::vector<bool>{true}))
      .input(make_tensor<float>(DataType::Float, {1}, std::vector<float>{1}))
      .input(make_tensor<float>(DataType::Float, {1}, std::vector<float>{1}));
  g.node.inputs[0]->type = ir::TypeInfo::tensor(DataType::Bool, ir::SymShape{ir::Dim::sym("N"), ir::Dim::of(1)});
  g.node.inputs[1]->type = ir::TypeInfo::tensor(DataType::Float, ir::SymShape{ir::Dim::of(4)});
  g.node.inputs[2]->type = ir::TypeInfo::tensor(DataType::Float, ir::SymShape{});
  const ir::TypeInfo t = g.infer();
  EXPECT_EQ(t.elem, DataType::Float);
  ASSERT_TRUE(t.has_shape);
  EXPECT_EQ(t.shape, (ir::SymShape{ir::Dim::sym("N"), ir::Dim::of(4)}));

  SingleNodeGraph c("Less", 13);
  c.input(make_tensor<float>(DataType::Float, {2, 1}, std::vector<float>{1, 2})).input(make_tensor<float>(DataType::Float, {3}, std::vector<float>{1, 2, 3}));
  const ir::TypeInfo ct = c.infer();
  EXPECT_EQ(ct.elem, DataType::Bool);
  EXPECT_EQ(ct.shape, (ir::SymShape{ir::Dim::of(2), ir::Dim::of(3)}));
}

TEST(OpsCThreaded, LargeBroadcastsSplitAcrossThePool) {
  ThreadPool pool(ThreadPoolSettings{.num_threads = 3});
  const Shape as{97, 1, 131}, bs{1, 53, 131};
  const auto av = random_doubles(shape_size(as), 12), bv = random_doubles(shape_size(bs), 13);
  const Shape out{97, 53, 131};
  SingleNodeGraph g("Sum", 13);
  g.input(make_tensor<double>(DataType::Double, as, av)).input(make_tensor<double>(DataType::Double, bs, bv));
  const Tensor y = g.run(&pool)[0].tensor();
  ASSERT_EQ(y.shape(), out);
  for (int64_t i = 0; i < y.size(); ++i)
    ASSERT_EQ(y.data<double>()[i], av[source_index(as, out, i)] + bv[source_index(bs, out, i)]) << i;

  std::vector<int32_t> divisors(100000, 3);
  divisors[77777] = 0;
  SingleNodeGraph m("Mod", 13);
  m.input(make_tensor<int32_t>(DataType::Int32, {100000}, std::vector<int32_t>(100000, 5)))
      .input(make_tensor<int32_t>(DataType::Int32, {100000}, divisors));
  EXPECT_THROW(m.run(&pool), Error);  // raised on a worker, rethrown to the caller
}

}  // namespace
}  // namespace onyxrt::ops::testing
