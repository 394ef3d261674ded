// Conv and the pooling ops run through the registry on hand-built nodes and compared with naive
// loops written from the ONNX spec.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "unit/ops/ops_b_context.h"

namespace onyxrt::ops::testing_b {
namespace {

// ---------------------------------------------------------------------------------------------
// Window geometry as the ONNX spec states it, padded to 3 spatial dims at the front.
struct Geo {
  int64_t in[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0}, out[3] = {1, 1, 1};
};

struct WindowCase {
  Shape in, kernel, strides, dilations, pads;  // empty strides/dilations/pads = defaults
  std::string auto_pad = "NOTSET";
  bool ceil = false;
};

Geo spec_geometry(const WindowCase& c) {
  Geo g;
  const size_t r = c.in.size(), off = 3 - r;
  for (size_t i = 0; i < r; ++i) {
    const size_t j = off + i;
    g.in[j] = c.in[i];
    g.k[j] = c.kernel[i];
    g.s[j] = c.strides.empty() ? 1 : c.strides[i];
    g.d[j] = c.dilations.empty() ? 1 : c.dilations[i];
    const int64_t dk = (g.k[j] - 1) * g.d[j] + 1;
    if (c.auto_pad == "SAME_UPPER" || c.auto_pad == "SAME_LOWER") {
      g.out[j] = (g.in[j] + g.s[j] - 1) / g.s[j];
      const int64_t total = std::max<int64_t>(0, (g.out[j] - 1) * g.s[j] + dk - g.in[j]);
      g.pb[j] = c.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.pe[j] = total - g.pb[j];
      continue;
    }
    if (c.auto_pad == "NOTSET" && !c.pads.empty()) {
      g.pb[j] = c.pads[i];
      g.pe[j] = c.pads[i + r];
    }
    const double span = double(g.in[j] + g.pb[j] + g.pe[j] - dk) / double(g.s[j]);
    g.out[j] = int64_t(c.ceil ? std::ceil(span) : std::floor(span)) + 1;
    if (c.ceil && (g.out[j] - 1) * g.s[j] >= g.in[j] + g.pb[j]) --g.out[j];
  }
  return g;
}

Shape spatial_out(const Geo& g, size_t r) { return Shape(g.out + 3 - r, g.out + 3); }

void set_window_attrs(NodeHarness& h, const WindowCase& c) {
  h.attr_ints("kernel_shape", c.kernel);
  if (!c.strides.empty()) h.attr_ints("strides", c.strides);
  if (!c.dilations.empty()) h.attr_ints("dilations", c.dilations);
  if (!c.pads.empty()) h.attr_ints("pads", c.pads);
  if (c.auto_pad != "NOTSET") h.attr_string("auto_pad", c.auto_pad);
  if (c.ceil) h.attr_int("ceil_mode", 1);
}

// ---------------------------------------------------------------------------------------------
// Conv

struct ConvCase {
  int64_t N, C, M, group;
  WindowCase w;
  bool bias;
};

std::vector<double> direct_conv(const ConvCase& c, const Geo& g, const Tensor& X, const Tensor& W, const Tensor* B) {
  const int64_t Cg = c.C / c.group, Mg = c.M / c.group;
  const int64_t in_size = g.in[0] * g.in[1] * g.in[2], out_size = g.out[0] * g.out[1] * g.out[2];
  const int64_t ksize = g.k[0] * g.k[1] * g.k[2];
  std::vector<double> y(c.N * c.M * out_size);
  const float* x = X.data<float>();
  const float* w = W.data<float>();
  for (int64_t n = 0; n < c.N; ++n)
    for (int64_t m = 0; m < c.M; ++m)
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            double acc = B ? B->data<float>()[m] : 0.0;
            const int64_t grp = m / Mg;
            for (int64_t ci = 0; ci < Cg; ++ci)
              for (int64_t kd = 0; kd < g.k[0]; ++kd)
                for (int64_t kh = 0; kh < g.k[1]; ++kh)
                  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                    const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                    const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                    const int64_t iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                    if (id < 0 || ih < 0 || iw < 0 || id >= g.in[0] || ih >= g.in[1] || iw >= g.in[2]) continue;
                    const int64_t c_in = grp * Cg + ci;
                    acc += double(x[(n * c.C + c_in) * in_size + (id * g.in[1] + ih) * g.in[2] + iw]) *
                           double(w[(m * Cg + ci) * ksize + (kd * g.k[1] + kh) * g.k[2] + kw]);
                  }
            y[((n * c.M + m) * g.out[0] + od) * g.out[1] * g.out[2] + oh * g.out[2] + ow] = acc;
          }
  return y;
}

void check_conv(const ConvCase& c, ThreadPool* pool = nullptr, bool kernel_shape_attr = true) {
  std::mt19937 rng(42);
  Shape xs{c.N, c.C};
  xs.insert(xs.end(), c.w.in.begin(), c.w.in.end());
  Shape ws{c.M, c.C / c.group};
  ws.insert(ws.end(), c.w.kernel.begin(), c.w.kernel.end());
  Tensor X = random_tensor<float>(DataType::Float, xs, rng);
  Tensor W = random_tensor<float>(DataType::Float, ws, rng);
  Tensor B = random_tensor<float>(DataType::Float, {c.M}, rng);
  NodeHarness h("Conv", 13);
  h.add_input(X);
  h.add_input(W);
  if (c.bias) h.add_input(B);
  set_window_attrs(h, c.w);
  if (!kernel_shape_attr) h.node().attributes.erase("kernel_shape");
  if (c.group != 1) h.attr_int("group", c.group);
  const Geo g = spec_geometry(c.w);
  Shape ys{c.N, c.M};
  const Shape so = spatial_out(g, c.w.in.size());
  ys.insert(ys.end(), so.begin(), so.end());
  const auto want = direct_conv(c, g, X, W, c.bias ? &B : nullptr);
  auto out = h.run(pool);
  expect_close<float>(out[0].tensor(), want, ys, 1e-5);
}

TEST(OpsConvTest, Conv2dPadsStridesDilationsMatchDirectLoop) {
  check_conv({2, 3, 4, 1, {{7, 6}, {3, 2}, {2, 1}, {1, 2}, {1, 0, 2, 1}}, true});
}
TEST(OpsConvTest, Conv2dGroupsMatchDirectLoop) {
  check_conv({2, 4, 6, 2, {{5, 5}, {3, 3}, {1, 1}, {}, {1, 1, 1, 1}}, true});
}
TEST(OpsConvTest, DepthwiseConvMatchesDirectLoop) {
  check_conv({1, 5, 5, 5, {{6, 7}, {3, 3}, {2, 2}, {}, {1, 1, 1, 1}}, false});
}
TEST(OpsConvTest, DepthwiseMultiplierConvMatchesDirectLoop) {
  check_conv({2, 3, 6, 3, {{5, 4}, {2, 3}, {}, {2, 1}, {}}, true});
}
TEST(OpsConvTest, Conv1dMatchesDirectLoop) { check_conv({3, 2, 3, 1, {{11}, {4}, {3}, {2}, {2, 1}}, true}); }
TEST(OpsConvTest, Conv3dMatchesDirectLoop) {
  check_conv({1, 2, 3, 1, {{4, 5, 6}, {2, 3, 2}, {1, 2, 1}, {1, 1, 2}, {0, 1, 1, 1, 0, 1}}, true});
}
TEST(OpsConvTest, PointwiseConvMatchesDirectLoop) { check_conv({2, 6, 4, 2, {{3, 5}, {1, 1}, {}, {}, {}}, true}); }
TEST(OpsConvTest, AutoPadModesMatchSpecGeometry) {
  for (const char* mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    SCOPED_TRACE(mode);
    WindowCase w{{7, 8}, {4, 3}, {2, 3}, {1, 2}, {}, mode};
    check_conv({1, 2, 2, 1, w, true});
  }
}
TEST(OpsConvTest, KernelShapeComesFromWeightsWhenAbsent) {
  check_conv({1, 2, 3, 1, {{6, 6}, {3, 2}, {}, {}, {1, 0, 1, 0}}, true}, nullptr, /*kernel_shape_attr=*/false);
}
TEST(OpsConvTest, ThreadedPathsMatchDirectLoop) {
  ThreadPool pool(ThreadPoolSettings{.num_threads = 3});
  check_conv({1, 4, 8, 1, {{9, 9}, {3, 3}, {1, 1}, {}, {1, 1, 1, 1}}, true}, &pool);  // split over channels
  check_conv({4, 4, 4, 2, {{6, 5}, {3, 3}, {1, 2}, {}, {}}, true}, &pool);           // split over images
}
TEST(OpsConvTest, EmptyBatchGivesEmptyOutput) { check_conv({0, 2, 3, 1, {{5, 5}, {3, 3}, {}, {}, {}}, true}); }

TEST(OpsConvTest, IntegerInputIsRejectedAtCreation) {
  NodeHarness h("Conv", 13);
  h.add_input(Tensor::allocate(DataType::Int32, {1, 1, 3, 3}));
  h.add_input(Tensor::allocate(DataType::Int32, {1, 1, 2, 2}));
  try {
    h.create();
    FAIL() << "int32 Conv was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

TEST(OpsConvTest, ShapeInferenceKeepsSymbolicBatch) {
  NodeHarness h("Conv", 11);
  h.add_input(Tensor::allocate(DataType::Float, {1, 3, 10, 9}));
  h.add_input(Tensor::allocate(DataType::Float, {8, 3, 3, 3}));
  h.set_input_type(0, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{ir::Dim::sym("N"), ir::Dim::of(3),
                                                                         ir::Dim::of(10), ir::Dim{}}));
  h.attr_ints("strides", {2, 2});
  const ir::TypeInfo t = h.infer();
  ASSERT_EQ(t.shape.size(), 4u);
  EXPECT_EQ(t.shape[0].symbol, "N");
  EXPECT_EQ(t.shape[1].value, 8);
  EXPECT_EQ(t.shape[2].value, 4);  // floor((10 - 3) / 2) + 1
  EXPECT_FALSE(t.shape[3].known());
}

// ---------------------------------------------------------------------------------------------
// Pools

struct PoolRef {
  std::vector<double> y;
  std::vector<double> indices;
};

// Naive pooling per plane; `count_include_pad` counts window taps inside the padded input.
PoolRef naive_pool(const Tensor& X, const Geo& g, bool is_max, bool count_include_pad, bool column_major) {
  const int64_t planes = X.shape()[0] * X.shape()[1];
  const int64_t in_size = g.in[0] * g.in[1] * g.in[2];
  PoolRef r;
  const float* x = X.data<float>();
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t od = 0; od < g.out[0]; ++od)
      for (int64_t oh = 0; oh < g.out[1]; ++oh)
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          double best = -std::numeric_limits<double>::infinity(), sum = 0;
          int64_t best_idx = -1, valid = 0, padded = 0;
          for (int64_t kd = 0; kd < g.k[0]; ++kd)
            for (int64_t kh = 0; kh < g.k[1]; ++kh)
              for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                const int64_t i[3] = {od * g.s[0] - g.pb[0] + kd * g.d[0], oh * g.s[1] - g.pb[1] + kh * g.d[1],
                                      ow * g.s[2] - g.pb[2] + kw * g.d[2]};
                bool inside = true, inside_pad = true;
                for (int a = 0; a < 3; ++a) {
                  inside = inside && i[a] >= 0 && i[a] < g.in[a];
                  inside_pad = inside_pad && i[a] >= -g.pb[a] && i[a] < g.in[a] + g.pe[a];
                }
                padded += inside_pad;
                if (!inside) continue;
                ++valid;
                const double v = x[p * in_size + (i[0] * g.in[1] + i[1]) * g.in[2] + i[2]];
                sum += v;
                if (v > best) {
                  best = v;
                  best_idx = column_major ? i[0] + i[1] * g.in[0] + i[2] * g.in[0] * g.in[1]
                                          : (i[0] * g.in[1] + i[1]) * g.in[2] + i[2];
                }
              }
          r.y.push_back(is_max ? best : sum / double(count_include_pad ? padded : valid));
          r.indices.push_back(double(p * in_size + best_idx));
        }
  return r;
}

void check_pool(const char* op, int64_t opset, const Shape& nc, const WindowCase& w, bool count_include_pad = false,
                bool storage_column_major = false) {
  std::mt19937 rng(7);
  Shape xs = nc;
  xs.insert(xs.end(), w.in.begin(), w.in.end());
  Tensor X = random_tensor<float>(DataType::Float, xs, rng);
  const bool is_max = std::string(op) == "MaxPool";
  NodeHarness h(op, opset, is_max ? 2 : 1);
  h.add_input(X);
  set_window_attrs(h, w);
  if (count_include_pad) h.attr_int("count_include_pad", 1);
  if (storage_column_major) h.attr_int("storage_order", 1);
  const Geo g = spec_geometry(w);
  Shape ys = nc;
  const Shape so = spatial_out(g, w.in.size());
  ys.insert(ys.end(), so.begin(), so.end());
  const PoolRef want = naive_pool(X, g, is_max, count_include_pad, storage_column_major);
  auto out = h.run();
  expect_close<float>(out[0].tensor(), want.y, ys, 1e-6);
  if (is_max) expect_close<int64_t>(out[1].tensor(), want.indices, ys, 0);
}

TEST(OpsPoolTest, MaxPool2dWithIndicesMatchesNaiveLoop) {
  check_pool("MaxPool", 12, {2, 3}, {{7, 8}, {3, 2}, {2, 2}, {}, {1, 0, 1, 1}});
}
TEST(OpsPoolTest, MaxPoolColumnMajorIndices) {
  check_pool("MaxPool", 12, {1, 2}, {{5, 6}, {2, 3}, {1, 2}, {}, {}}, false, true);
}
TEST(OpsPoolTest, MaxPoolDilationsAndCeilMode) {
  check_pool("MaxPool", 12, {1, 2}, {{9, 10}, {3, 2}, {2, 3}, {2, 2}, {1, 1, 0, 1}, "NOTSET", true});
}
TEST(OpsPoolTest, MaxPool1dAnd3d) {
  check_pool("MaxPool", 12, {2, 1}, {{13}, {3}, {2}, {}, {1, 1}, "NOTSET", true});
  check_pool("MaxPool", 12, {1, 2}, {{4, 5, 6}, {2, 2, 3}, {2, 1, 2}, {}, {}});
}
TEST(OpsPoolTest, MaxPoolAutoPadModes) {
  for (const char* mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    SCOPED_TRACE(mode);
    check_pool("MaxPool", 12, {1, 2}, {{8, 6}, {3, 2}, {2, 1}, {}, {}, mode});  // odd pad totals
  }
}
TEST(OpsPoolTest, AveragePoolCountIncludePadBothWays) {
  const WindowCase w{{6, 7}, {3, 3}, {2, 2}, {}, {1, 1, 1, 1}, "NOTSET", true};
  check_pool("AveragePool", 11, {2, 2}, w, false);
  check_pool("AveragePool", 11, {2, 2}, w, true);
}
TEST(OpsPoolTest, AveragePoolDilationsFromOpset19) {
  check_pool("AveragePool", 19, {1, 3}, {{8, 9}, {2, 3}, {1, 2}, {2, 2}, {1, 0, 0, 1}}, true);
  check_pool("AveragePool", 19, {1, 1}, {{10}, {3}, {2}, {3}, {2, 2}}, false);
}

TEST(OpsPoolTest, GlobalAveragePoolMatchesMean) {
  std::mt19937 rng(3);
  Tensor X = random_tensor<float>(DataType::Float, {2, 3, 4, 5}, rng);
  NodeHarness h("GlobalAveragePool", 1);
  h.add_input(X);
  std::vector<double> want(6, 0.0);
  for (int64_t i = 0; i < X.size(); ++i) want[i / 20] += X.data<float>()[i] / 20.0;
  auto out = h.run();
  expect_close<float>(out[0].tensor(), want, {2, 3, 1, 1}, 1e-6);
}

}  // namespace
}  // namespace onyxrt::ops::testing_b
