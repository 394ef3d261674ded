// Winograd F(4x4, 3x3) on NCHW8c tensors: every variant against the double reference on random
// problems (ragged channel counts and map sizes, pads 0-2, batch, bias, residual, each
// activation), the channels past M written as act(0); the vector variant's transforms against
// the portable ones; threads change no bit; and where the engine prefers it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv_direct_problem.h"
#include "kernels/conv_winograd.h"
#include "kernels/nchwc_reorder.h"

namespace onyxrt::kernels {
namespace {

using namespace test;

constexpr int64_t B = kNchwcBlock;

// A 3x3 stride-1 problem of random size, channels and pads, in the shared Problem form.
Problem winograd_problem(std::mt19937& rng, int index) {
  Problem p;
  ConvDirectArgs& a = p.args;
  Window3d& g = a.win;
  for (int d = 1; d < 3; ++d) {
    g.kernel[d] = 3;
    g.pad_begin[d] = rng() % 3, g.pad_end[d] = rng() % 3;
    g.in[d] = std::max<int64_t>(1 + rng() % 23, 3 - g.pad_begin[d] - g.pad_end[d]);
    g.out[d] = g.in[d] + g.pad_begin[d] + g.pad_end[d] - 2;
  }
  a.batch = 1 + rng() % 2;
  a.in_channels = 1 + rng() % 40, a.out_channels = 1 + rng() % 40;
  fill_problem(p, rng, index % 5);
  return p;
}

std::vector<float> run_winograd(const Problem& p, const WinogradVariant& variant, ThreadPool* pool, int tile) {
  const ConvDirectArgs& d = p.args;
  const int64_t Mp = nchwc_padded_channels(d.out_channels);
  const std::vector<float> xb = to_blocked(p.x, d.batch, d.in_channels, d.win.in_size());
  const std::vector<float> zb = d.z ? to_blocked(p.z, d.batch, d.out_channels, d.win.out_size()) : std::vector<float>{};
  std::vector<float> bias(Mp, 0.0f);
  std::copy(p.bias.begin(), p.bias.end(), bias.begin());
  const WinogradWeights wt = winograd_pack_weights(p.w.data(), d.out_channels, d.in_channels, tile);
  std::vector<float> y(d.batch * Mp * d.win.out_size(), NAN);
  WinogradArgs a;
  a.win = d.win, a.batch = d.batch, a.in_channels = d.in_channels, a.out_channels = d.out_channels;
  a.x = xb.data(), a.bias = d.bias ? bias.data() : nullptr, a.z = d.z ? zb.data() : nullptr, a.y = y.data();
  a.act = d.act, a.weights = &wt, a.variant = &variant;
  // The portable variant with the portable GEMM tiles: all of it runs on any CPU.
  if (&variant == &winograd_variants().back()) a.direct = &conv_direct_variants().back();
  // NaN: any unwritten read shows.
  std::vector<float> ws(conv_winograd_workspace_size(a, pool ? pool->num_threads() : 1), NAN);
  conv_winograd_f32(a, ws.data(), pool);
  return y;
}

// (variant, tile side)
class WinogradTest : public ::testing::TestWithParam<std::tuple<int, int>> {
 protected:
  const WinogradVariant& variant() const { return winograd_variants()[std::get<0>(GetParam())]; }
  int tile() const { return std::get<1>(GetParam()); }
  void SetUp() override {
    if (!variant().supported(cpu_features()))
      GTEST_SKIP() << variant().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
};

TEST_P(WinogradTest, MatchesReferenceOnRandomProblems) {
  std::mt19937 rng(11 + std::get<0>(GetParam()) + 7 * tile());
  for (int i = 0; i < 150; ++i) {
    const Problem p = winograd_problem(rng, i);
    ASSERT_TRUE(winograd_supports(p.args.win)) << p.text;
    std::vector<double> want, magnitude;
    reference(p, want, magnitude);
    const std::vector<float> got = run_winograd(p, variant(), nullptr, tile());
    const ConvDirectArgs& a = p.args;
    const int64_t P = a.win.out_size(), M = a.out_channels, Mp = nchwc_padded_channels(M);
    for (int64_t n = 0; n < a.batch; ++n)
      for (int64_t m = 0; m < Mp; ++m)
        for (int64_t q = 0; q < P; ++q) {
          const float v = got[((n * Mp + m / B * B) * P) + q * B + m % B];
          if (m >= M) {  // zero filters, bias and residual there
            ASSERT_EQ(v, float(activate(a.act, 0.0))) << variant().name << " " << p.text << " padded channel " << m;
            continue;
          }
          // Four times the direct convolution's bound: the transforms scale partial sums by up to
          // 100 before they cancel (the direct bound itself held on these problems).
          const size_t j = static_cast<size_t>((n * M + m) * P + q);
          ASSERT_NEAR(v, activate(a.act, want[j]), 1.6e-6 * (9 * a.in_channels + 2) * magnitude[j] + 1e-5)
              << variant().name << " " << p.text << " channel " << m << " pixel " << q;
        }
  }
}

TEST_P(WinogradTest, ThreadsAndTileBlocksDoNotChangeTheResult) {
  std::mt19937 rng(23 + std::get<0>(GetParam()) + 7 * tile());
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  for (int i = 0; i < 20; ++i) {
    Problem p = winograd_problem(rng, i);
    // Maps of up to 45x45: more than one block of 64 tiles.
    for (int d = 1; d < 3; ++d) p.args.win.in[d] += 22, p.args.win.out[d] += 22;
    p.x.resize(p.args.batch * p.args.in_channels * p.args.win.in_size());
    p.z.resize(p.z.empty() ? 0 : p.args.batch * p.args.out_channels * p.args.win.out_size());
    p.args.x = p.x.data(), p.args.z = p.z.empty() ? nullptr : p.z.data();
    const std::vector<float> one = run_winograd(p, variant(), nullptr, tile());
    const std::vector<float> three = run_winograd(p, variant(), &pool3, tile());
    ASSERT_EQ(0, std::memcmp(one.data(), three.data(), one.size() * sizeof(float))) << p.text;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, WinogradTest,
                         ::testing::Combine(::testing::Range(0, static_cast<int>(winograd_variants().size())),
                                            ::testing::Values(4, 2)),
                         [](const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
                           return std::string(winograd_variants()[std::get<0>(info.param)].name) + "_F" +
                                  std::to_string(std::get<1>(info.param));
                         });

// The vector transforms equal the portable ones to the bit (the same operations in the same order).
TEST(WinogradVariants, VectorTransformsEqualPortable) {
  const WinogradVariant& portable = winograd_variants().back();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-2.0f, 2.0f);
  std::vector<float> x(7 * 9 * 8), z(5 * 6 * 8), m(36 * 8), bias(8);
  for (auto* v : {&x, &z, &m, &bias})
    for (float& e : *v) e = value(rng);
  for (const WinogradVariant& v : winograd_variants()) {
    if (&v == &portable || !v.supported(cpu_features())) continue;
    for (int tile : {4, 2}) {
      for (int64_t r0 = -2; r0 <= 3; ++r0)
        for (int64_t c0 = -2; c0 <= 5; ++c0) {
          std::vector<float> vp(36 * 8), vv(36 * 8);
          WinogradInputTile in{x.data(), 7, 9, r0, c0, vp.data(), 8, tile};
          portable.input(in);
          in.v = vv.data();
          v.input(in);
          ASSERT_EQ(0, std::memcmp(vp.data(), vv.data(), vp.size() * sizeof(float)))
              << v.name << " input " << r0 << "," << c0 << " tile " << tile;
        }
      for (Kind kind : {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu})
        for (int64_t r0 : {0, 4})
          for (int64_t c0 : {0, 4}) {
            std::vector<float> yp(5 * 6 * 8, 7.0f), yv(yp);
            const ConvActivation act{kind, -0.5f, 0.5f};
            WinogradOutputTile out{m.data(), 8, bias.data(), z.data(), yp.data(), 5, 6, r0, c0, act, tile};
            portable.output(out);
            out.y = yv.data();
            v.output(out);
            ASSERT_EQ(0, std::memcmp(yp.data(), yv.data(), yp.size() * sizeof(float)))
                << v.name << " output " << r0 << "," << c0 << " act " << int(kind) << " tile " << tile;
          }
    }
  }
}

}  // namespace
}  // namespace onyxrt::kernels

namespace onyxrt::kernels {
namespace {

Window3d square_3x3(int64_t size, int64_t stride = 1) {
  Window3d w;
  for (int d = 1; d < 3; ++d) {
    w.in[d] = size, w.kernel[d] = 3, w.stride[d] = stride, w.pad_begin[d] = w.pad_end[d] = 1;
    w.out[d] = (size + 2 - 3) / stride + 1;
  }
  return w;
}

// Where the engine takes Winograd: enough input channels and tiles, filters of bounded size.
TEST(WinogradTile, ChannelsTilesStrideAndFilterSize) {
  if (&winograd_selected_variant() == &winograd_variants().back()) GTEST_SKIP() << "no vector variant on this CPU";
  EXPECT_EQ(4, winograd_tile(square_3x3(56), 64, 64));
  EXPECT_EQ(4, winograd_tile(square_3x3(13), 48, 192));
  EXPECT_EQ(0, winograd_tile(square_3x3(56), 8, 64));       // one block of input channels
  EXPECT_EQ(2, winograd_tile(square_3x3(7), 192, 320));     // 4 tiles of 4x4, 16 of 2x2
  EXPECT_EQ(0, winograd_tile(square_3x3(7), 512, 512));     // 16.8 MB of F(2x2) filters on 49 pixels
  EXPECT_EQ(2, winograd_tile(square_3x3(9), 128, 128));     // 9 tiles of 16 pixels for 81
  EXPECT_EQ(0, winograd_tile(square_3x3(4), 128, 128));     // 4 tiles of 2x2
  EXPECT_EQ(0, winograd_tile(square_3x3(56, 2), 64, 64));   // strided
  EXPECT_EQ(0, winograd_tile(square_3x3(28), 1024, 1024));  // 151 MB of transformed filters
}

}  // namespace
}  // namespace onyxrt::kernels
