// The direct convolution (kernels/conv_direct.h): every tile variant the CPU supports against the
// reference convolution in double, on random group-1 problems with ragged pixel counts (not
// multiples of 6), output channels (not multiples of 16), 1-D and 2-D windows, strides,
// dilations, asymmetric pads and strided 1x1 windows; pre-packed filters give the same bits as
// filters packed per call; threads do not change any bit; and which windows the path accepts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv_direct.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/pool.h"
#include "kernels/conv_direct_problem.h"

namespace onyxrt::kernels {
namespace {

using namespace test;

std::vector<float> run(Problem& p, const ConvDirectVariant& variant, const ConvDirectWeights* packed, ThreadPool* pool) {
  std::vector<float> y(p.args.batch * p.args.out_channels * p.args.win.out_size(), NAN);
  p.args.y = y.data();
  p.args.variant = &variant;
  p.args.packed_w = packed;
  std::vector<float> ws(conv_direct_workspace_size(p.args), NAN);  // NaN: any unwritten read shows
  conv_direct_f32(p.args, ws.data(), pool);
  return y;
}

class ConvDirectVariantTest : public ::testing::TestWithParam<int> {
 protected:
  const ConvDirectVariant& variant() const { return conv_direct_variants()[GetParam()]; }
  void SetUp() override {
    if (!variant().supported(cpu_features()))
      GTEST_SKIP() << variant().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
};

TEST_P(ConvDirectVariantTest, MatchesReferenceOnRandomProblems) {
  std::mt19937 rng(99 + GetParam());
  for (int i = 0; i < 300; ++i) {
    Problem p = random_problem(rng, i);
    std::vector<double> want, magnitude;
    reference(p, want, magnitude);
    const std::vector<float> got = run(p, variant(), nullptr, nullptr);
    const int64_t K = p.args.in_channels * p.args.win.kernel_size();
    for (size_t j = 0; j < got.size(); ++j)
      ASSERT_NEAR(got[j], activate(p.args.act, want[j]), 4e-7 * (K + 2) * magnitude[j] + 1e-6) << variant().name << " " << p.text << " at " << j;
  }
}

// Packed once (as at session creation) or per call, on one thread or several: the same bits.
TEST_P(ConvDirectVariantTest, PrepackingAndThreadsDoNotChangeTheResult) {
  std::mt19937 rng(7 + GetParam());
  ThreadPoolSettings s3;
  s3.num_threads = 3;
  ThreadPool pool3(s3);
  for (int i = 0; i < 80; ++i) {
    Problem p = random_problem(rng, i);
    const ConvDirectArgs& a = p.args;
    const ConvDirectWeights packed = conv_direct_pack_weights(
        p.w.data(), a.out_channels, a.in_channels, a.win.kernel[1], a.win.kernel[2]);
    const std::vector<float> base = run(p, variant(), nullptr, nullptr);
    const std::vector<float> prepacked = run(p, variant(), &packed, nullptr);
    const std::vector<float> threaded = run(p, variant(), &packed, &pool3);
    ASSERT_EQ(0, std::memcmp(base.data(), prepacked.data(), base.size() * sizeof(float))) << p.text;
    ASSERT_EQ(0, std::memcmp(base.data(), threaded.data(), base.size() * sizeof(float))) << p.text;
  }
}

// K past one L1 chunk: 3x3 windows over many channel blocks, and 1x1 runs cut into pieces (C
// with and without a multiple-of-8 piece length, and one whose only divisors make tiny pieces).
TEST_P(ConvDirectVariantTest, LongKIsRunInChunks) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  struct Case { int64_t C, M, k, stride, size; };
  for (const Case c : {Case{72, 20, 3, 1, 9}, Case{130, 17, 3, 2, 7}, Case{520, 18, 1, 1, 5}, Case{517, 16, 1, 2, 7},
                       Case{1024, 33, 1, 1, 4}, Case{389, 7, 1, 1, 6}}) {
    Problem p;
    ConvDirectArgs& a = p.args;
    a.batch = 1, a.in_channels = c.C, a.out_channels = c.M;
    a.win.in[1] = a.win.in[2] = c.size;
    a.win.kernel[1] = a.win.kernel[2] = c.k;
    a.win.stride[1] = a.win.stride[2] = c.stride;
    a.win.pad_begin[1] = a.win.pad_begin[2] = a.win.pad_end[1] = a.win.pad_end[2] = c.k / 2;
    a.win.out[1] = a.win.out[2] = (c.size + 2 * (c.k / 2) - c.k) / c.stride + 1;
    p.x.resize(c.C * a.win.in_size());
    p.w.resize(c.M * c.C * c.k * c.k);
    p.bias.resize(c.M);
    for (auto* v : {&p.x, &p.w, &p.bias})
      for (float& e : *v) e = value(rng);
    a.x = p.x.data(), a.w = p.w.data(), a.bias = p.bias.data();
    std::vector<double> want, magnitude;
    reference(p, want, magnitude);
    const std::vector<float> got = run(p, variant(), nullptr, nullptr);
    for (size_t j = 0; j < got.size(); ++j)
      ASSERT_NEAR(got[j], want[j], 4e-7 * (c.C * c.k * c.k + 2) * magnitude[j] + 1e-6)
          << variant().name << " C " << c.C << " kernel " << c.k << " stride " << c.stride << " at " << j;
  }
}

// conv_direct_dw_f32 (NCHW in and out) on `base`'s window with C channels redrawn, against the
// reference per channel.
void check_depthwise(Problem base, int64_t C, Kind kind, bool bias, bool z, std::mt19937& rng,
                     const ConvDirectVariant& variant) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  ConvDirectArgs& a = base.args;
  a.in_channels = a.out_channels = C;
  a.act.kind = kind;
  const int64_t P = a.win.out_size(), ks = a.win.kernel_size(), in_size = a.win.in_size();
  base.x.resize(a.batch * C * in_size);
  base.w.resize(C * ks);
  base.bias.resize(bias ? C : 0);
  base.z.resize(z ? a.batch * C * P : 0);
  for (auto* v : {&base.x, &base.w, &base.bias, &base.z})
    for (float& e : *v) e = value(rng);
  a.x = base.x.data(), a.w = base.w.data();
  a.bias = base.bias.empty() ? nullptr : base.bias.data();
  a.z = base.z.empty() ? nullptr : base.z.data();
  a.variant = &variant;
  std::vector<float> got(a.batch * C * P, NAN), ws(conv_direct_dw_workspace_size(a), NAN);
  a.y = got.data();
  conv_direct_dw_f32(a, ws.data(), nullptr);
  // Filters packed ahead (as a session packs them) give the same bits as packing per call.
  const ConvDirectWeights packed = conv_direct_pack_dw_weights(a.w, C, a.win.kernel[1], a.win.kernel[2]);
  std::vector<float> again(got.size(), NAN);
  ConvDirectArgs pa = a;
  pa.packed_w = &packed, pa.w = nullptr, pa.y = again.data();
  conv_direct_dw_f32(pa, ws.data(), nullptr);
  ASSERT_EQ(0, std::memcmp(got.data(), again.data(), sizeof(float) * got.size())) << variant.name << " " << base.text;
  std::vector<double> col(conv_col_size(a.win, 1)), want(P), mag(P);
  for (int64_t n = 0; n < a.batch; ++n)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<double> x(in_size), xa(in_size), w(ks), wa(ks);
      for (int64_t e = 0; e < in_size; ++e) x[e] = base.x[(n * C + c) * in_size + e], xa[e] = std::fabs(x[e]);
      for (int64_t e = 0; e < ks; ++e) w[e] = base.w[c * ks + e], wa[e] = std::fabs(w[e]);
      const double b = a.bias ? a.bias[c] : 0.0, ba = std::fabs(b);
      conv_3d_ref<double>(a.win, 1, 1, x.data(), w.data(), &b, want.data(), col.data());
      conv_3d_ref<double>(a.win, 1, 1, xa.data(), wa.data(), &ba, mag.data(), col.data());
      for (int64_t q = 0; q < P; ++q) {
        const int64_t at = (n * C + c) * P + q;
        const double zv = a.z ? a.z[at] : 0.0;
        ASSERT_NEAR(got[at], activate(a.act, want[q] + zv), 4e-7 * (ks + 2) * (mag[q] + std::fabs(zv)) + 1e-6)
            << variant.name << " " << base.text << " C " << C << " act " << int(a.act.kind) << " z " << z
            << " channel " << c << " pixel " << q;
      }
    }
}

// Depthwise on the blocked copy: channel counts around the block of 8 (a ragged last block),
// every in-tile activation and a post-pass one, residual, strides, dilations, asymmetric pads,
// pixel counts that leave the last 8-pixel tile ragged; against the reference per channel.
TEST_P(ConvDirectVariantTest, DepthwiseMatchesReference) {
  std::mt19937 rng(31 + GetParam());
  const Kind kinds[] = {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu, Kind::kSigmoid};
  for (int i = 0; i < 150; ++i) {
    Problem base = random_problem(rng, i);  // its window; channels and filters are redrawn
    const int64_t C = 8 + rng() % 33;
    const bool bias = rng() % 2, z = rng() % 2;
    check_depthwise(base, C, kinds[i % 5], bias, z, rng, variant());
  }
}

// 3x3 windows (ShuffleNet's and MobileNet's) wide enough for whole output rows, which an NCHW y
// takes through a row buffer, and tall enough for several bands of input rows; strides 1 and 2,
// pads 1 and asymmetric, ragged channel blocks, with and without a residual (which the rows leave
// to the tiles).
TEST_P(ConvDirectVariantTest, Depthwise3x3RowsMatchReference) {
  std::mt19937 rng(37 + GetParam());
  const Kind kinds[] = {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu, Kind::kSigmoid};
  const int64_t sizes[][2] = {{9, 9}, {7, 20}, {28, 28}, {14, 14}, {100, 60}, {3, 17}};
  int i = 0;
  for (const auto& hw : sizes)
    for (int64_t stride : {1, 2})
      for (int64_t pad_end : {1, 0}) {
        Problem base;
        Window3d& g = base.args.win;
        for (int d = 1; d < 3; ++d) {
          g.in[d] = hw[d - 1], g.kernel[d] = 3, g.stride[d] = stride, g.pad_begin[d] = 1, g.pad_end[d] = pad_end;
          g.out[d] = (g.in[d] + 1 + pad_end - 3) / stride + 1;
        }
        base.args.batch = 1 + i % 2;
        base.text = "in " + std::to_string(hw[0]) + "x" + std::to_string(hw[1]) + " stride " + std::to_string(stride) +
                    " pad_end " + std::to_string(pad_end);
        for (int64_t C : {8, 13, 24}) {
          check_depthwise(base, C, kinds[i % 5], i % 3 != 0, i % 4 == 1, rng, variant());
          ++i;
        }
      }
}

// Max pooling on the blocked copy against the reference, per plane: strides, asymmetric pads
// under the kernel, ragged channel blocks, sparse NaN and -inf
// (a NaN never wins; a window of only NaNs is -inf here and lowest() in the reference).
TEST_P(ConvDirectVariantTest, MaxPoolMatchesReference) {
  std::mt19937 rng(57 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 150; ++i) {
    const Window3d g = random_pool_window(rng);
    const int64_t N = 1 + rng() % 2, C = 8 + rng() % 20, P = g.out_size(), in_size = g.in_size();
    std::vector<float> x(N * C * in_size), want(N * C * P), got(N * C * P, 12345.0f);
    for (float& e : x) {
      const unsigned r = rng() % 40;
      e = r == 0 ? NAN : r == 1 ? -INFINITY : value(rng);
    }
    for (int64_t p = 0; p < N * C; ++p) maxpool_3d_ref<float>(g, x.data() + p * in_size, want.data() + p * P, nullptr, 0, false);
    max_pool_blocked_f32(g, N, C, x.data(), got.data(), nullptr, &variant());
    for (size_t j = 0; j < got.size(); ++j) {
      if (want[j] == std::numeric_limits<float>::lowest() && got[j] == -INFINITY) continue;  // all-NaN window
      ASSERT_EQ(std::memcmp(&got[j], &want[j], sizeof(float)), 0)
          << variant().name << " in " << g.in[1] << "x" << g.in[2] << " kernel " << g.kernel[1] << "x" << g.kernel[2]
          << " stride " << g.stride[1] << "," << g.stride[2] << " C " << C << " at " << j << ": " << got[j] << " vs "
          << want[j];
    }
  }
}

// Average pooling on the blocked copy against the reference, with and without counting the pads;
// the same order of summation, so equal values (only the sign of a zero sum may differ).
TEST_P(ConvDirectVariantTest, AvgPoolMatchesReference) {
  std::mt19937 rng(71 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 150; ++i) {
    const Window3d g = random_pool_window(rng);
    const bool include_pad = i % 2 == 1;
    const int64_t N = 1 + rng() % 2, C = 8 + rng() % 20, P = g.out_size(), in_size = g.in_size();
    std::vector<float> x(N * C * in_size), want(N * C * P), got(N * C * P, 12345.0f);
    for (float& e : x) e = value(rng);
    for (int64_t p = 0; p < N * C; ++p) avgpool_3d_ref<float>(g, x.data() + p * in_size, want.data() + p * P, include_pad);
    avg_pool_blocked_f32(g, N, C, x.data(), got.data(), include_pad, nullptr, &variant());
    for (size_t j = 0; j < got.size(); ++j)
      ASSERT_EQ(got[j], want[j]) << variant().name << " in " << g.in[1] << "x" << g.in[2] << " kernel " << g.kernel[1]
                                 << "x" << g.kernel[2] << " stride " << g.stride[1] << "," << g.stride[2] << " pads "
                                 << g.pad_begin[1] << "," << g.pad_begin[2] << "/" << g.pad_end[1] << ","
                                 << g.pad_end[2] << " include_pad " << include_pad << " at " << j;
  }
}

// The copy into channel blocks: every variant writes what the portable one writes, bit for bit,
// for RGB images (3 channels, one block of 3: the vector interleave), blocks of 8 and ragged C.
TEST_P(ConvDirectVariantTest, PackRowEqualsPortable) {
  const ConvDirectVariant& portable = conv_direct_variants().back();
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  struct Shape {
    int64_t C, CB, step;
  };
  for (const Shape sh : {Shape{3, 3, 1}, Shape{3, 3, 2}, Shape{3, 8, 1}, Shape{16, 8, 1}, Shape{16, 8, 2}, Shape{5, 5, 1}}) {
    for (int64_t width : {1, 7, 8, 9, 23, 112, 225}) {
      const int64_t plane = width * sh.step + 3, blocks = (sh.C + sh.CB - 1) / sh.CB, block_stride = width * sh.CB + 5;
      std::vector<float> src(static_cast<size_t>(sh.C * plane));
      for (float& v : src) v = dist(rng);
      std::vector<float> want(static_cast<size_t>(blocks * block_stride), NAN), got = want;
      portable.pack_row(src.data(), plane, sh.step, sh.C, width, want.data(), sh.CB, block_stride);
      variant().pack_row(src.data(), plane, sh.step, sh.C, width, got.data(), sh.CB, block_stride);
      ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)))
          << variant().name << " C " << sh.C << " CB " << sh.CB << " step " << sh.step << " width " << width;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, ConvDirectVariantTest,
                         ::testing::Range(0, static_cast<int>(conv_direct_variants().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(conv_direct_variants()[info.param].name);
                         });

// The depthwise 3x3 row of every vector variant gives the bits of the first one the CPU takes
// after it (AVX-512's pixel pairs against AVX2's single pixels): rows of any length, stride 1 and
// 2, padded or read in place with edges, bias, residual and activations.
TEST(ConvDirect, Depthwise3x3RowsOfEveryVariantAgree) {
  std::vector<const ConvDirectVariant*> vector_variants;
  for (const ConvDirectVariant& v : conv_direct_variants())
    if (v.supported(cpu_features()) && &v != &conv_direct_variants().back()) vector_variants.push_back(&v);
  if (vector_variants.size() < 2) GTEST_SKIP() << "fewer than two vector variants on this CPU";
  std::mt19937 rng(61);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  const ConvActivation::Kind kinds[] = {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu};
  for (int i = 0; i < 400; ++i) {
    const int stride = 1 + i % 2;
    const int64_t count = 1 + rng() % 40, width = i % 3 == 0 ? 0 : 1 + rng() % 50;
    const int64_t col0 = width == 0 ? 0 : -int64_t(rng() % 2);
    const int64_t cols = width == 0 ? (count - 1) * stride + 3 : std::max<int64_t>(width, 1);
    std::vector<float> rows(3 * cols * 8), w(72), bias(8), z(count * 8);
    for (auto* v : {&rows, &w, &bias, &z})
      for (float& e : *v) e = value(rng);
    ConvDirectDwRow r;
    for (int kh = 0; kh < 3; ++kh) r.rows[kh] = rows.data() + kh * cols * 8;
    r.count = count, r.stride = stride, r.w = w.data(), r.col0 = col0, r.width = width;
    r.bias = rng() % 2 ? bias.data() : nullptr;
    r.z = rng() % 2 ? z.data() : nullptr;
    r.act.kind = kinds[i % 4], r.act.alpha = r.act.kind == Kind::kClip ? -0.3f : 0.1f, r.act.beta = 0.4f;
    std::vector<float> want(count * 8, NAN);
    r.y = want.data();
    vector_variants.back()->dw3x3_row(r);
    for (const ConvDirectVariant* v : vector_variants) {
      std::vector<float> got(count * 8, NAN);
      r.y = got.data();
      v->dw3x3_row(r);
      ASSERT_EQ(0, std::memcmp(want.data(), got.data(), sizeof(float) * got.size()))
          << v->name << " count " << count << " stride " << stride << " width " << width << " col0 " << col0;
    }
  }
}

TEST(ConvDirect, SupportsWindowsThatAreNotPlainPointwise) {
  Window3d g;
  g.in[1] = g.in[2] = g.out[1] = g.out[2] = 8;
  EXPECT_FALSE(conv_direct_supports(g)) << "1x1 stride 1 is a GEMM on x itself";
  g.kernel[1] = g.kernel[2] = 3;
  g.pad_begin[1] = g.pad_begin[2] = g.pad_end[1] = g.pad_end[2] = 1;
  EXPECT_TRUE(conv_direct_supports(g));
  g.pad_end[2] = 3;  // past the window's reach: the copy would be mostly padding
  EXPECT_FALSE(conv_direct_supports(g));
  g.pad_end[2] = 1;
  g.in[0] = g.out[0] = 2;  // 3-D
  EXPECT_FALSE(conv_direct_supports(g));
  Window3d s;
  s.in[1] = s.in[2] = 8;
  s.out[1] = s.out[2] = 4;
  s.stride[1] = s.stride[2] = 2;
  EXPECT_TRUE(conv_direct_supports(s)) << "a strided 1x1 window";
}

}  // namespace
}  // namespace onyxrt::kernels
