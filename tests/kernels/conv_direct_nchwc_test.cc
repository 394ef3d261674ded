// The direct convolution on NCHW8c tensors (ConvDirectArgs::nchwc, the layout pass's kernels):
// every variant against the double reference on random problems, including 1x1 stride-1 windows
// (read in place), NCHW inputs of any channel count written as blocks (nchw_x, a first layer),
// ragged input and output channel counts (padded to 8), residuals and each
// activation; the channels past M come out as act(0) and finite; pre-packing and threads change
// no bit. Depthwise and pooling on blocks equal the NCHW paths (themselves checked against the
// reference in conv_direct_test.cc); the reorders and the blocked global average pool against
// plain loops.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_direct_problem.h"
#include "kernels/nchwc_reorder.h"
#include "kernels/ref/pool.h"

namespace onyxrt::kernels {
namespace {

using namespace test;

constexpr int64_t B = kNchwcBlock;

float blocked_at(const std::vector<float>& y, int64_t Cp, int64_t P, int64_t n, int64_t c, int64_t q) {
  return y[((n * Cp + c / B * B) * P) + q * B + c % B];
}

std::vector<float> padded(const std::vector<float>& v, int64_t n) {
  std::vector<float> r(nchwc_padded_channels(n) + B, 0.0f);
  std::copy(v.begin(), v.end(), r.begin());
  return r;
}

// A random problem of conv_direct_test.cc's kind, every third one turned into a plain 1x1
// stride-1 window (which only the blocked path takes), in NCHW8c.
struct BlockedProblem {
  Problem p;
  std::vector<float> xb, zb, bias;
  bool nchw_x = false;  // x stays NCHW (ConvDirectArgs::nchw_x), y is blocked
};

BlockedProblem blocked_problem(std::mt19937& rng, int index) {
  BlockedProblem b{random_problem(rng, index), {}, {}, {}, false};
  ConvDirectArgs& a = b.p.args;
  b.nchw_x = index % 4 == 1;  // random_problem's windows are never plain 1x1 here
  if (index % 3 == 2) {
    Window3d& g = a.win;
    for (int d = 1; d < 3; ++d) {
      g.kernel[d] = g.stride[d] = g.dilation[d] = 1;
      g.pad_begin[d] = g.pad_end[d] = 0;
      g.out[d] = g.in[d];
    }
    b.p.w.resize(a.out_channels * a.in_channels);
    b.p.z.resize(b.p.z.empty() ? 0 : a.batch * a.out_channels * g.out_size());
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    for (auto* v : {&b.p.w, &b.p.z})
      for (float& e : *v) e = value(rng);
    a.w = b.p.w.data();
    a.z = b.p.z.empty() ? nullptr : b.p.z.data();
  }
  b.xb = to_blocked(b.p.x, a.batch, a.in_channels, a.win.in_size());
  if (a.z) b.zb = to_blocked(b.p.z, a.batch, a.out_channels, a.win.out_size());
  if (a.bias) b.bias = padded(b.p.bias, a.out_channels);
  return b;
}

std::vector<float> run_blocked(BlockedProblem& b, const ConvDirectVariant& variant, const ConvDirectWeights* packed,
                               ThreadPool* pool) {
  ConvDirectArgs a = b.p.args;
  std::vector<float> y(a.batch * nchwc_padded_channels(a.out_channels) * a.win.out_size(), NAN);
  a.x = b.nchw_x ? b.p.x.data() : b.xb.data();
  a.nchw_x = b.nchw_x;
  a.z = a.z ? b.zb.data() : nullptr;
  a.bias = a.bias ? b.bias.data() : nullptr;
  a.y = y.data();
  a.nchwc = true;
  a.variant = &variant;
  a.packed_w = packed;
  std::vector<float> ws(conv_direct_workspace_size(a), NAN);  // NaN: any unwritten read shows
  conv_direct_f32(a, ws.data(), pool);
  return y;
}

class ConvDirectNchwcTest : public ::testing::TestWithParam<int> {
 protected:
  const ConvDirectVariant& variant() const { return conv_direct_variants()[GetParam()]; }
  void SetUp() override {
    if (!variant().supported(cpu_features()))
      GTEST_SKIP() << variant().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
};

TEST_P(ConvDirectNchwcTest, MatchesReferenceOnRandomProblems) {
  std::mt19937 rng(5 + GetParam());
  for (int i = 0; i < 300; ++i) {
    BlockedProblem b = blocked_problem(rng, i);
    const ConvDirectArgs& a = b.p.args;
    ASSERT_TRUE(conv_direct_nchwc_supports(a.win)) << b.p.text;
    std::vector<double> want, magnitude;
    reference(b.p, want, magnitude);
    const std::vector<float> got = run_blocked(b, variant(), nullptr, nullptr);
    const int64_t K = a.in_channels * a.win.kernel_size(), P = a.win.out_size(), M = a.out_channels;
    const int64_t Mp = nchwc_padded_channels(M);
    for (int64_t n = 0; n < a.batch; ++n)
      for (int64_t m = 0; m < Mp; ++m)
        for (int64_t q = 0; q < P; ++q) {
          const float v = blocked_at(got, Mp, P, n, m, q);
          if (m >= M) {  // zero filters, bias and residual there
            ASSERT_EQ(v, float(activate(a.act, 0.0))) << variant().name << " " << b.p.text << " padded channel " << m;
            continue;
          }
          const size_t j = static_cast<size_t>((n * M + m) * P + q);
          ASSERT_NEAR(v, activate(a.act, want[j]), 4e-7 * (K + 2) * magnitude[j] + 1e-6)
              << variant().name << " " << b.p.text << " channel " << m << " pixel " << q;
        }
  }
}

TEST_P(ConvDirectNchwcTest, PrepackingAndThreadsDoNotChangeTheResult) {
  std::mt19937 rng(17 + GetParam());
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  for (int i = 0; i < 80; ++i) {
    BlockedProblem b = blocked_problem(rng, i);
    const ConvDirectArgs& a = b.p.args;
    const ConvDirectWeights packed = conv_direct_pack_weights(b.p.w.data(), a.out_channels, a.in_channels,
                                                              a.win.kernel[1], a.win.kernel[2], !b.nchw_x);
    const std::vector<float> base = run_blocked(b, variant(), nullptr, nullptr);
    const std::vector<float> prepacked = run_blocked(b, variant(), &packed, nullptr);
    const std::vector<float> threaded = run_blocked(b, variant(), &packed, &pool3);
    ASSERT_EQ(0, std::memcmp(base.data(), prepacked.data(), base.size() * sizeof(float))) << b.p.text;
    ASSERT_EQ(0, std::memcmp(base.data(), threaded.data(), base.size() * sizeof(float))) << b.p.text;
  }
}

// Long K in blocks, and the 1x1 paths: in place (stride 1, or fewer than 4 blocks of 16 output
// channels) and packed (strided with 4 or more, Plan::pack_a), K in one chunk or several with
// partial sums;
// a 3x3 window over 130 channels in chunks; 3x3 windows over 256 channels of an 11x11 map, whose
// filters outweigh the image (blocks of output channels run outer); 3 threads give the same bits.
TEST_P(ConvDirectNchwcTest, LongKAndPackedPointwise) {
  std::mt19937 rng(23);
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  struct Case { int64_t C, M, k, stride, size = 7; };
  for (const Case c : {Case{1024, 70, 1, 1}, Case{389, 70, 1, 1}, Case{389, 20, 1, 1}, Case{40, 64, 1, 1},
                       Case{96, 67, 1, 2}, Case{130, 20, 3, 1}, Case{64, 72, 1, 1, 23}, Case{48, 64, 1, 2, 31},
                       Case{256, 64, 3, 1, 11}, Case{256, 40, 3, 1, 11}}) {
    BlockedProblem b = blocked_problem(rng, 2);  // a 1x1 stride-1 window, reshaped below
    ConvDirectArgs& a = b.p.args;
    a.in_channels = c.C, a.out_channels = c.M;
    for (int d = 1; d < 3; ++d) {
      a.win.in[d] = c.size;  // 23x23: 89 tiles, packed in several groups and runs of 16 tiles
      a.win.kernel[d] = c.k, a.win.stride[d] = c.stride, a.win.dilation[d] = 1;
      a.win.pad_begin[d] = a.win.pad_end[d] = c.k / 2;
      a.win.out[d] = (c.size + 2 * (c.k / 2) - c.k) / c.stride + 1;
    }
    a.win.in[0] = a.win.out[0] = 1;
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    b.p.x.resize(a.batch * c.C * a.win.in_size());
    b.p.w.resize(c.M * c.C * c.k * c.k);
    b.p.bias.resize(c.M);
    b.p.z.resize(a.batch * c.M * a.win.out_size());
    for (auto* v : {&b.p.x, &b.p.w, &b.p.bias, &b.p.z})
      for (float& e : *v) e = value(rng);
    a.x = b.p.x.data(), a.w = b.p.w.data(), a.bias = b.p.bias.data(), a.z = b.p.z.data();
    b.xb = to_blocked(b.p.x, a.batch, c.C, a.win.in_size());
    b.zb = to_blocked(b.p.z, a.batch, c.M, a.win.out_size());
    b.bias = padded(b.p.bias, c.M);
    std::vector<double> want, magnitude;
    reference(b.p, want, magnitude);
    const std::vector<float> got = run_blocked(b, variant(), nullptr, nullptr);
    const std::vector<float> threaded = run_blocked(b, variant(), nullptr, &pool3);  // per-thread packing
    ASSERT_EQ(0, std::memcmp(got.data(), threaded.data(), got.size() * sizeof(float))) << "C " << c.C << " M " << c.M;
    const int64_t P = a.win.out_size(), M = c.M, Mp = nchwc_padded_channels(M);
    for (int64_t n = 0; n < a.batch; ++n)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t q = 0; q < P; ++q) {
          const size_t j = static_cast<size_t>((n * M + m) * P + q);
          ASSERT_NEAR(blocked_at(got, Mp, P, n, m, q), activate(a.act, want[j]),
                      4e-7 * (c.C * c.k * c.k + 2) * magnitude[j] + 1e-6)
              << variant().name << " C " << c.C << " M " << M << " kernel " << c.k << " stride " << c.stride;
        }
  }
}

// A variant's pointwise run (1x1 stride-1 windows read in place, K in one chunk or several with
// partial sums) gives the bits of the per-tile calls it replaces, with full and 8-channel last
// blocks, ragged last tiles,
// bias, residual and activations, at 1 and 3 threads; a counting wrapper shows it ran.
std::atomic<int64_t> pointwise_tiles{0};
ConvDirectPointwiseFn wrapped_pointwise = nullptr;
void counting_pointwise(const ConvDirectPointwiseRun& r) {
  pointwise_tiles += r.tiles;
  wrapped_pointwise(r);
}

TEST_P(ConvDirectNchwcTest, PointwiseRunEqualsPerTileCalls) {
  if (!variant().pointwise) GTEST_SKIP() << variant().name << " has no pointwise run";
  ConvDirectVariant per_tile = variant(), counted = variant();
  per_tile.pointwise = nullptr;
  wrapped_pointwise = variant().pointwise;
  counted.pointwise = counting_pointwise;
  std::mt19937 rng(31);
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  for (int i = 0; i < 60; ++i) {
    BlockedProblem b = blocked_problem(rng, 2);  // a 1x1 stride-1 window, resized below
    ConvDirectArgs& a = b.p.args;
    a.in_channels = 1 + rng() % (i % 3 == 0 ? 1100 : 200), a.out_channels = std::vector<int64_t>{8, 16, 24, 40, 64, 100}[rng() % 6];
    a.batch = 1 + rng() % 2;
    const int64_t side = 1 + rng() % 20;
    a.win.in[1] = a.win.out[1] = side, a.win.in[2] = a.win.out[2] = 1 + rng() % 20;
    b.p.bias.clear(), b.p.z.clear();  // fill_problem draws whether they exist
    fill_problem(b.p, rng, static_cast<int>(rng() % 5));
    b.xb = to_blocked(b.p.x, a.batch, a.in_channels, a.win.in_size());
    b.zb = a.z ? to_blocked(b.p.z, a.batch, a.out_channels, a.win.out_size()) : std::vector<float>();
    b.bias = a.bias ? padded(b.p.bias, a.out_channels) : std::vector<float>();
    pointwise_tiles = 0;
    const std::vector<float> want = run_blocked(b, per_tile, nullptr, nullptr);
    const std::vector<float> got = run_blocked(b, counted, nullptr, nullptr);
    const std::vector<float> threaded = run_blocked(b, counted, nullptr, &pool3);
    const int64_t whole_tiles = a.win.out_size() / kConvDirectPixels;
    if (whole_tiles > 0) {
      EXPECT_GT(pointwise_tiles.load(), 0) << b.p.text;
    }
    ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float))) << b.p.text;
    ASSERT_EQ(0, std::memcmp(want.data(), threaded.data(), want.size() * sizeof(float))) << b.p.text;
  }
}

// A variant whose tile takes two 16-channel blocks at once (ConvDirectVariant::blocks) gives each
// block the bits its one-block calls give, through the NCHW and the NCHW8c stores, with and
// without the pointwise run, K in one chunk or several, at 1 and 3 threads.
TEST_P(ConvDirectNchwcTest, TwoBlockTilesEqualOneBlockTiles) {
  if (variant().blocks < 2) GTEST_SKIP() << variant().name << " takes one block of 16 channels a call";
  ConvDirectVariant one = variant();
  one.blocks = 1;
  std::mt19937 rng(53);
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  for (int i = 0; i < 120; ++i) {
    BlockedProblem b = blocked_problem(rng, i);
    ConvDirectArgs& a = b.p.args;
    if (i % 2 == 0) {  // wider outputs than random_problem draws: several pairs and a lone last block
      a.out_channels = std::vector<int64_t>{24, 40, 48, 72, 100}[rng() % 5];
      b.p.w.resize(a.out_channels * a.in_channels * a.win.kernel_size());
      b.p.bias.clear(), b.p.z.clear();
      fill_problem(b.p, rng, static_cast<int>(rng() % 5));
      b.xb = to_blocked(b.p.x, a.batch, a.in_channels, a.win.in_size());
      b.zb = a.z ? to_blocked(b.p.z, a.batch, a.out_channels, a.win.out_size()) : std::vector<float>();
      b.bias = a.bias ? padded(b.p.bias, a.out_channels) : std::vector<float>();
    }
    const std::vector<float> want = run_blocked(b, one, nullptr, nullptr);
    const std::vector<float> got = run_blocked(b, variant(), nullptr, &pool3);
    ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float))) << b.p.text;
    if (b.nchw_x) continue;
    Problem plain = b.p;  // NCHW in and out
    std::vector<float> y_one(a.batch * a.out_channels * a.win.out_size()), y_two(y_one.size());
    const std::pair<const ConvDirectVariant*, std::vector<float>*> runs[] = {{&one, &y_one}, {&variant(), &y_two}};
    for (auto [v, y] : runs) {
      ConvDirectArgs pa = plain.args;
      pa.y = y->data(), pa.variant = v;
      std::vector<float> ws(conv_direct_workspace_size(pa), NAN);
      conv_direct_f32(pa, ws.data(), nullptr);
    }
    ASSERT_EQ(0, std::memcmp(y_one.data(), y_two.data(), y_one.size() * sizeof(float))) << b.p.text << " NCHW";
  }
}

// Depthwise on blocks gives the values of the NCHW blocked path, channel counts ragged or not;
// its padded channels are act(0).
TEST_P(ConvDirectNchwcTest, DepthwiseEqualsTheNchwPath) {
  std::mt19937 rng(41 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 120; ++i) {
    Problem base = random_problem(rng, i);
    ConvDirectArgs a = base.args;
    const int64_t C = 1 + rng() % 40, Cp = nchwc_padded_channels(C), P = a.win.out_size(), in = a.win.in_size();
    a.in_channels = a.out_channels = C;
    std::vector<float> x(a.batch * C * in), w(C * a.win.kernel_size()), bias(rng() % 2 ? C : 0),
        z(rng() % 2 ? a.batch * C * P : 0);
    for (auto* v : {&x, &w, &bias, &z})
      for (float& e : *v) e = value(rng);
    a.x = x.data(), a.w = w.data(), a.bias = bias.empty() ? nullptr : bias.data(), a.z = z.empty() ? nullptr : z.data();
    a.variant = &variant();
    std::vector<float> want(a.batch * C * P, NAN), ws(conv_direct_dw_workspace_size(a), NAN);
    a.y = want.data();
    conv_direct_dw_f32(a, ws.data(), nullptr);

    const std::vector<float> xb = to_blocked(x, a.batch, C, in), zb = to_blocked(z, z.empty() ? 0 : a.batch, C, P);
    const std::vector<float> bb = padded(bias, C);
    std::vector<float> got(a.batch * Cp * P, NAN);
    a.x = xb.data(), a.z = z.empty() ? nullptr : zb.data(), a.bias = bias.empty() ? nullptr : bb.data();
    a.y = got.data();
    a.nchwc = true;
    std::vector<float> ws2(conv_direct_dw_workspace_size(a), NAN);
    conv_direct_dw_f32(a, ws2.data(), nullptr);
    for (int64_t n = 0; n < a.batch; ++n)
      for (int64_t c = 0; c < Cp; ++c)
        for (int64_t q = 0; q < P; ++q)
          ASSERT_EQ(blocked_at(got, Cp, P, n, c, q), c < C ? want[(n * C + c) * P + q] : float(activate(a.act, 0.0)))
              << variant().name << " " << base.text << " C " << C << " channel " << c << " pixel " << q;
  }
}

// Max and average pooling on blocks give the NCHW blocked paths' values, with NaN and -inf in x.
TEST_P(ConvDirectNchwcTest, PoolingEqualsTheNchwPath) {
  std::mt19937 rng(63 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 120; ++i) {
    const Window3d g = random_pool_window(rng);
    const int64_t N = 1 + rng() % 2, C = 8 * (1 + rng() % 4), P = g.out_size(), in = g.in_size();
    std::vector<float> x(N * C * in);
    for (float& e : x) {
      const unsigned r = rng() % 40;
      e = r == 0 ? NAN : r == 1 ? -INFINITY : value(rng);
    }
    const std::vector<float> xb = to_blocked(x, N, C, in);
    for (const bool max : {true, false}) {
      const bool include_pad = i % 2 == 1;
      std::vector<float> want(N * C * P, 12345.0f), got(N * C * P, 12345.0f);
      if (max) {
        max_pool_blocked_f32(g, N, C, x.data(), want.data(), nullptr, &variant());
        max_pool_blocked_f32(g, N, C, xb.data(), got.data(), nullptr, &variant(), /*nchwc=*/true);
      } else {
        avg_pool_blocked_f32(g, N, C, x.data(), want.data(), include_pad, nullptr, &variant());
        avg_pool_blocked_f32(g, N, C, xb.data(), got.data(), include_pad, nullptr, &variant(), /*nchwc=*/true);
      }
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c)
          for (int64_t q = 0; q < P; ++q) {
            const float w = want[(n * C + c) * P + q], v = blocked_at(got, C, P, n, c, q);
            ASSERT_TRUE(std::memcmp(&w, &v, sizeof w) == 0 || (std::isnan(w) && std::isnan(v)) || w == v)
                << variant().name << (max ? " max" : " avg") << " C " << C << " channel " << c << " pixel " << q
                << ": " << v << " vs " << w;
          }
    }
  }
}

// Planes larger than one band of rows (the drivers copy ~48 KB of rows at a time): depthwise
// 3x3 at strides 1 and 2 and 3x3 max / average pooling against the reference, NCHW and blocked.
TEST_P(ConvDirectNchwcTest, LargePlanesRunInBands) {
  std::mt19937 rng(77);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (const int64_t stride : {1, 2}) {
    Window3d g;
    g.in[1] = 97, g.in[2] = 83;
    for (int d = 1; d < 3; ++d) {
      g.kernel[d] = 3, g.stride[d] = stride, g.pad_begin[d] = g.pad_end[d] = 1;
      g.out[d] = (g.in[d] + 2 - 3) / stride + 1;
    }
    const int64_t C = 16, P = g.out_size(), in = g.in_size(), ks = g.kernel_size();
    std::vector<float> x(C * in), w(C * ks);
    for (auto* v : {&x, &w})
      for (float& e : *v) e = value(rng);
    const std::vector<float> xb = to_blocked(x, 1, C, in);
    std::vector<double> col(conv_col_size(g, 1)), want(P);
    for (const bool blocked : {false, true}) {
      ConvDirectArgs a;
      a.win = g, a.batch = 1, a.in_channels = a.out_channels = C;
      a.x = blocked ? xb.data() : x.data(), a.w = w.data(), a.nchwc = blocked, a.variant = &variant();
      std::vector<float> got(C * P, NAN), ws(conv_direct_dw_workspace_size(a), NAN), mx(C * P, NAN), av(C * P, NAN);
      a.y = got.data();
      conv_direct_dw_f32(a, ws.data(), nullptr);
      max_pool_blocked_f32(g, 1, C, a.x, mx.data(), nullptr, &variant(), blocked);
      avg_pool_blocked_f32(g, 1, C, a.x, av.data(), false, nullptr, &variant(), blocked);
      std::vector<float> want_max(P), want_avg(P);
      for (int64_t c = 0; c < C; ++c) {
        std::vector<double> xc(x.begin() + c * in, x.begin() + (c + 1) * in), wc(w.begin() + c * ks, w.begin() + (c + 1) * ks);
        conv_3d_ref<double>(g, 1, 1, xc.data(), wc.data(), nullptr, want.data(), col.data());
        maxpool_3d_ref<float>(g, x.data() + c * in, want_max.data(), nullptr, 0, false);
        avgpool_3d_ref<float>(g, x.data() + c * in, want_avg.data(), false);
        for (int64_t q = 0; q < P; ++q) {
          const int64_t at = blocked ? (c / B * B) * P + q * B + c % B : c * P + q;
          ASSERT_NEAR(got[at], want[q], 1e-5) << "stride " << stride << " blocked " << blocked << " channel " << c;
          ASSERT_EQ(mx[at], want_max[q]) << "stride " << stride << " blocked " << blocked << " channel " << c;
          ASSERT_EQ(av[at], want_avg[q]) << "stride " << stride << " blocked " << blocked << " channel " << c;
        }
      }
    }
  }
}

// Blocked pooling reads rows in place (ConvDirectPoolRow): wide rows, where the vector rows take
// their pixels eight, four and two at a time between the edges, against the reference, for kernel
// widths with a row of their own (3 at strides 1 and 2, 2 at stride 2) and the rest, with and
// without counting the pads; NaN and -inf in the max pool's input.
TEST_P(ConvDirectNchwcTest, PoolingOfWideRowsMatchesReference) {
  std::mt19937 rng(83 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 80; ++i) {
    Window3d g;
    // Along the row: 2 at stride 2, 3 at strides 1 and 2, then any.
    const int64_t kernels[] = {2, 3, 3, 1 + int64_t(rng() % 5)}, strides[] = {2, 2, 1, 1 + int64_t(rng() % 3)};
    for (int d = 1; d < 3; ++d) {
      g.kernel[d] = d == 2 ? kernels[i % 4] : 1 + rng() % 5;
      g.stride[d] = d == 2 ? strides[i % 4] : 1 + rng() % 3;
      g.in[d] = g.kernel[d] + (d == 1 ? rng() % 5 : 16 + rng() % 60);
      g.pad_begin[d] = rng() % g.kernel[d];
      g.pad_end[d] = rng() % g.kernel[d];
      g.out[d] = (g.in[d] + g.pad_begin[d] + g.pad_end[d] - g.kernel[d]) / g.stride[d] + 1;
    }
    const bool include_pad = i % 3 == 1;
    const int64_t C = 8 * (1 + rng() % 3), P = g.out_size(), in = g.in_size();
    std::vector<float> x(C * in);
    for (float& e : x) {
      const unsigned r = rng() % 50;
      e = r == 0 ? NAN : r == 1 ? -INFINITY : value(rng);
    }
    const std::vector<float> xb = to_blocked(x, 1, C, in);
    std::vector<float> mx(C * P, 12345.0f), av(C * P, 12345.0f), want_max(P), want_avg(P);
    max_pool_blocked_f32(g, 1, C, xb.data(), mx.data(), nullptr, &variant(), /*nchwc=*/true);
    std::vector<float> xf = x;  // the average pool's input without NaN and -inf
    for (float& e : xf)
      if (!std::isfinite(e)) e = 0.5f;
    const std::vector<float> xfb = to_blocked(xf, 1, C, in);
    avg_pool_blocked_f32(g, 1, C, xfb.data(), av.data(), include_pad, nullptr, &variant(), /*nchwc=*/true);
    for (int64_t c = 0; c < C; ++c) {
      maxpool_3d_ref<float>(g, x.data() + c * in, want_max.data(), nullptr, 0, false);
      avgpool_3d_ref<float>(g, xf.data() + c * in, want_avg.data(), include_pad);
      for (int64_t q = 0; q < P; ++q) {
        const float m = blocked_at(mx, C, P, 0, c, q), a = blocked_at(av, C, P, 0, c, q);
        const bool all_nan = want_max[q] == std::numeric_limits<float>::lowest() && m == -INFINITY;
        ASSERT_TRUE(all_nan || std::memcmp(&m, &want_max[q], sizeof m) == 0)
            << variant().name << " max kernel " << g.kernel[1] << "x" << g.kernel[2] << " stride " << g.stride[2]
            << " width " << g.in[2] << " channel " << c << " pixel " << q << ": " << m << " vs " << want_max[q];
        ASSERT_EQ(a, want_avg[q]) << variant().name << " avg kernel " << g.kernel[1] << "x" << g.kernel[2]
                                  << " stride " << g.stride[2] << " width " << g.in[2] << " include_pad "
                                  << include_pad << " channel " << c << " pixel " << q;
      }
    }
  }
}

// The reorder's step back to NCHW: full and partial blocks, pixel counts around the 8 a vector
// transposes at once.
TEST_P(ConvDirectNchwcTest, UnpackMatchesAPlainLoop) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (const int64_t count : {1, 7, 8, 9, 31, 64})
    for (int64_t cn = 1; cn <= B; ++cn) {
      std::vector<float> src(count * B), got(B * 70, 7.0f), want(B * 70, 7.0f);
      for (float& e : src) e = value(rng);
      for (int64_t j = 0; j < cn; ++j)
        for (int64_t q = 0; q < count; ++q) want[j * 70 + q] = src[q * B + j];
      variant().unpack(src.data(), count, cn, got.data(), 70);
      ASSERT_EQ(got, want) << variant().name << " count " << count << " channels " << cn;
    }
}

INSTANTIATE_TEST_SUITE_P(Variants, ConvDirectNchwcTest,
                         ::testing::Range(0, static_cast<int>(conv_direct_variants().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(conv_direct_variants()[info.param].name);
                         });

// The reorders invert each other, zero the padded channels on the way in, and match a plain
// index loop; the blocked global average pool matches the mean per channel.
TEST(NchwcReorder, RoundTripAndGlobalAveragePool) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  ThreadPoolSettings s2;
  s2.num_threads = 2;
  ThreadPool pool2(s2);
  for (const int64_t C : {1, 3, 8, 13, 16, 61})
    for (const int64_t P : {1, 7, 300, 1000}) {
      const int64_t N = 2, Cp = nchwc_padded_channels(C);
      std::vector<float> x(N * C * P);
      for (float& e : x) e = value(rng);
      std::vector<float> blocked(N * Cp * P, NAN), back(N * C * P, NAN), mean(N * Cp, NAN);
      nchwc_reorder_in_f32(x.data(), N, C, P, blocked.data(), &pool2);
      ASSERT_EQ(blocked, to_blocked(x, N, C, P)) << "C " << C << " P " << P;
      nchwc_reorder_out_f32(blocked.data(), N, C, P, back.data(), &pool2);
      ASSERT_EQ(back, x) << "C " << C << " P " << P;
      nchwc_global_avg_pool_f32(blocked.data(), N, Cp, P, mean.data(), &pool2);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < Cp; ++c) {
          double sum = 0;
          for (int64_t q = 0; q < P; ++q) sum += c < C ? x[(n * C + c) * P + q] : 0.0;
          ASSERT_NEAR(mean[n * Cp + c], sum / P, 1e-6 * (1 + std::sqrt(double(P)))) << "C " << C << " P " << P;
        }
    }
}

}  // namespace
}  // namespace onyxrt::kernels
