// LayerNormalization, GroupNormalization, ConvTranspose, Resize, Col2Im, Dropout and LSTM/GRU run
// through the registry on hand-built nodes and compared with naive loops written here, plus their
// shape inference with symbolic dims.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/ops/ops_b_context.h"

namespace onyxrt::ops::testing_b {
namespace {

TEST(OpsLayerNormTest, MatchesNaiveRowsAndStats) {
  std::mt19937 rng(3);
  Tensor X = random_tensor<float>(DataType::Float, {2, 3, 4}, rng);
  Tensor S = random_tensor<float>(DataType::Float, {3, 4}, rng);
  Tensor B = random_tensor<float>(DataType::Float, {4}, rng);  // broadcasts over the 3 rows
  NodeHarness h("LayerNormalization", 17, 3);
  h.add_input(X);
  h.add_input(S);
  h.add_input(B);
  h.attr_int("axis", 1);
  h.attr_float("epsilon", 1e-3f);
  auto out = h.run();
  std::vector<double> y, mean, inv;
  const float* x = X.data<float>();
  for (int r = 0; r < 2; ++r) {
    double m = 0, v = 0;
    for (int i = 0; i < 12; ++i) m += x[r * 12 + i];
    m /= 12;
    for (int i = 0; i < 12; ++i) v += (x[r * 12 + i] - m) * (x[r * 12 + i] - m);
    const double is = 1 / std::sqrt(v / 12 + 1e-3);
    for (int i = 0; i < 12; ++i) y.push_back((x[r * 12 + i] - m) * is * S.data<float>()[i] + B.data<float>()[i % 4]);
    mean.push_back(m);
    inv.push_back(is);
  }
  expect_close<float>(out[0].tensor(), y, {2, 3, 4}, 1e-5);
  expect_close<float>(out[1].tensor(), mean, {2, 1, 1}, 1e-5);
  expect_close<float>(out[2].tensor(), inv, {2, 1, 1}, 1e-5);
}

TEST(OpsLayerNormTest, InferenceKeepsSymbolicDims) {
  NodeHarness h("LayerNormalization", 17, 2);
  h.add_input(Tensor::allocate(DataType::Float, {1, 4}));
  h.add_input(Tensor::allocate(DataType::Float, {4}));
  h.set_input_type(0, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{ir::Dim::sym("batch"), ir::Dim::of(4)}));
  EXPECT_EQ(h.infer(0).shape[0].symbol, "batch");
  const ir::TypeInfo mean = h.infer(1);
  ASSERT_EQ(mean.shape.size(), 2u);
  EXPECT_EQ(mean.shape[0].symbol, "batch");
  EXPECT_EQ(mean.shape[1].value, 1);
}

TEST(OpsGroupNormTest, Opset18ScalesPerGroupOpset21PerChannel) {
  std::mt19937 rng(5);
  Tensor X = random_tensor<float>(DataType::Float, {1, 4, 3}, rng);
  for (int opset : {18, 21}) {
    const int64_t np = opset == 18 ? 2 : 4;
    Tensor S = random_tensor<float>(DataType::Float, {np}, rng), B = random_tensor<float>(DataType::Float, {np}, rng);
    NodeHarness h("GroupNormalization", opset);
    h.add_input(X);
    h.add_input(S);
    h.add_input(B);
    h.attr_int("num_groups", 2);
    auto out = h.run();
    std::vector<double> want;
    for (int g = 0; g < 2; ++g) {
      const float* xb = X.data<float>() + g * 6;
      double m = 0, v = 0;
      for (int i = 0; i < 6; ++i) m += xb[i];
      m /= 6;
      for (int i = 0; i < 6; ++i) v += (xb[i] - m) * (xb[i] - m);
      for (int i = 0; i < 6; ++i) {
        const int p = opset == 18 ? g : g * 2 + i / 3;
        want.push_back((xb[i] - m) / std::sqrt(v / 6 + 1e-5) * S.data<float>()[p] + B.data<float>()[p]);
      }
    }
    expect_close<float>(out[0].tensor(), want, {1, 4, 3}, 1e-5);
  }
}

// Direct definition of ConvTranspose: each input pixel scatters kernel * value onto the output.
TEST(OpsConvTransposeTest, MatchesDirectScatter2d) {
  std::mt19937 rng(7);
  Tensor X = random_tensor<float>(DataType::Float, {1, 4, 3, 2}, rng);
  Tensor W = random_tensor<float>(DataType::Float, {4, 3, 2, 3}, rng);  // group 2: M = 6
  NodeHarness h("ConvTranspose", 11);
  h.add_input(X);
  h.add_input(W);
  h.attr_int("group", 2);
  h.attr_ints("strides", {2, 1});
  h.attr_ints("dilations", {1, 2});
  h.attr_ints("pads", {1, 0, 0, 1});
  h.attr_ints("output_padding", {1, 0});
  auto out = h.run();
  const int64_t OH = 2 * 2 + 1 + 2 - 1, OW = 1 * 1 + 0 + 5 - 1;  // 6, 5
  std::vector<double> y(6 * OH * OW, 0.0);
  for (int c = 0; c < 4; ++c)
    for (int ih = 0; ih < 3; ++ih)
      for (int iw = 0; iw < 2; ++iw)
        for (int m = 0; m < 3; ++m)
          for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 3; ++kw) {
              const int oh = ih * 2 - 1 + kh, ow = iw - 0 + kw * 2;
              if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
              const int mo = (c / 2) * 3 + m;
              y[(mo * OH + oh) * OW + ow] +=
                  double(X.data<float>()[(c * 3 + ih) * 2 + iw]) * W.data<float>()[((c * 3 + m) * 2 + kh) * 3 + kw];
            }
  expect_close<float>(out[0].tensor(), y, {1, 6, OH, OW}, 1e-5);
  EXPECT_EQ(h.infer().shape[2].value, OH);
}

TEST(OpsResizeTest, LinearAlignCornersMatchesBilinear) {
  std::mt19937 rng(9);
  Tensor X = random_tensor<float>(DataType::Float, {1, 1, 3, 4}, rng);
  NodeHarness h("Resize", 13);
  h.add_input(X);
  h.add_missing_input();
  h.add_missing_input();
  Tensor sizes = Tensor::allocate(DataType::Int64, {4});
  const int64_t sz[4] = {1, 1, 5, 7};
  for (int i = 0; i < 4; ++i) sizes.mutable_data<int64_t>()[i] = sz[i];
  h.add_input(sizes);
  h.attr_string("mode", "linear");
  h.attr_string("coordinate_transformation_mode", "align_corners");
  auto out = h.run();
  std::vector<double> want;
  const float* x = X.data<float>();
  for (int oy = 0; oy < 5; ++oy)
    for (int ox = 0; ox < 7; ++ox) {
      const double sy = oy * 2.0 / 4, sx = ox * 3.0 / 6;
      const int y0 = std::min(int(sy), 1), x0 = std::min(int(sx), 2);
      const double fy = sy - y0, fx = sx - x0;
      auto at = [&](int yy, int xx) { return double(x[yy * 4 + xx]); };
      want.push_back((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
                     fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1)));
    }
  expect_close<float>(out[0].tensor(), want, {1, 1, 5, 7}, 1e-5);
}

TEST(OpsCol2ImTest, FoldSumsOverlaps) {
  // 1 channel, image 3, block 2, stride 1: positions 2; every column entry is 1.
  NodeHarness h("Col2Im", 18);
  Tensor X = Tensor::allocate(DataType::Float, {1, 2, 2});
  for (int i = 0; i < 4; ++i) X.mutable_data<float>()[i] = 1.0f;
  Tensor img = Tensor::allocate(DataType::Int64, {1}), blk = Tensor::allocate(DataType::Int64, {1});
  img.mutable_data<int64_t>()[0] = 3;
  blk.mutable_data<int64_t>()[0] = 2;
  h.add_input(X);
  h.add_input(img);
  h.add_input(blk);
  auto out = h.run();
  expect_close<float>(out[0].tensor(), {1, 2, 1}, {1, 1, 3}, 0);
}

TEST(OpsDropoutTest, InferenceIsIdentityWithTrueMask) {
  std::mt19937 rng(1);
  Tensor X = random_tensor<float>(DataType::Float, {3, 5}, rng);
  NodeHarness h("Dropout", 13, 2);
  h.add_input(X);
  auto out = h.run();
  EXPECT_EQ(out[0].tensor().raw(), X.raw());  // a view, no copy
  const Tensor& m = out[1].tensor();
  ASSERT_EQ(m.dtype(), DataType::Bool);
  for (int64_t i = 0; i < m.size(); ++i) EXPECT_TRUE(m.data<bool>()[i]);
}

TEST(OpsRecurrentTest, LstmOneStepMatchesFormula) {
  std::mt19937 rng(11);
  const int64_t I = 3, H = 2;
  Tensor X = random_tensor<float>(DataType::Float, {1, 1, I}, rng);
  Tensor W = random_tensor<float>(DataType::Float, {1, 4 * H, I}, rng);
  Tensor R = random_tensor<float>(DataType::Float, {1, 4 * H, H}, rng);
  NodeHarness h("LSTM", 14, 3);
  h.add_input(X);
  h.add_input(W);
  h.add_input(R);
  h.attr_int("hidden_size", H);
  auto out = h.run();
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  std::vector<double> hy, cy;
  for (int j = 0; j < H; ++j) {
    double g[4];
    for (int k = 0; k < 4; ++k) {
      g[k] = 0;
      for (int q = 0; q < I; ++q) g[k] += double(W.data<float>()[(k * H + j) * I + q]) * X.data<float>()[q];
    }
    const double c = sig(g[0]) * std::tanh(g[3]);  // f * c_prev vanishes with c_prev = 0
    cy.push_back(c);
    hy.push_back(sig(g[1]) * std::tanh(c));
  }
  expect_close<float>(out[0].tensor(), hy, {1, 1, 1, H}, 1e-5);
  expect_close<float>(out[1].tensor(), hy, {1, 1, H}, 1e-5);
  expect_close<float>(out[2].tensor(), cy, {1, 1, H}, 1e-5);
}

TEST(OpsRecurrentTest, GruUnsupportedTypeFailsAtCreation) {
  NodeHarness h("GRU", 14, 2);
  h.add_input(Tensor::allocate(DataType::Int32, {1, 1, 2}));
  h.add_input(Tensor::allocate(DataType::Int32, {1, 3, 2}));
  h.add_input(Tensor::allocate(DataType::Int32, {1, 3, 1}));
  h.attr_int("hidden_size", 1);
  try {
    h.create();
    FAIL() << "expected NotImplemented";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotImplemented);
  }
}

}  // namespace
}  // namespace onyxrt::ops::testing_b
