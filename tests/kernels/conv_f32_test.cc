// kernels/conv_f32 (the float Conv / FusedConv path) against the portable reference convolution
// (kernels/ref/conv.h in double) plus bias, residual and activation on random problems: 1-3
// spatial dims, groups and depthwise, ragged channel counts, pads, strides, dilations, every
// activation, with and without Z; and the column unfolding against the reference im2col.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv_f32.h"
#include "kernels/conv_im2col.h"
#include "kernels/ref/conv.h"

namespace onyxrt::kernels {
namespace {

using Kind = ConvActivation::Kind;

struct Problem {
  ConvF32Args args;
  std::vector<float> x, w, bias, z;
  std::string text;
};

double activate(const ConvActivation& a, double v) {
  switch (a.kind) {
    case Kind::kNone: return v;
    case Kind::kRelu: return std::max(v, 0.0);
    case Kind::kClip: return std::min(std::max(v, double(a.alpha)), double(a.beta));
    case Kind::kLeakyRelu: return v >= 0 ? v : a.alpha * v;
    case Kind::kSigmoid: return 1 / (1 + std::exp(-v));
    case Kind::kTanh: return std::tanh(v);
    case Kind::kHardSigmoid: return std::clamp(a.alpha * v + a.beta, 0.0, 1.0);
  }
  return v;
}

// Spatial rank `rank` (1-3) geometry padded to Window3d the way ops/common/conv_geometry does.
Window3d random_window(std::mt19937& rng, int rank) {
  Window3d g;
  for (int d = 3 - rank; d < 3; ++d) {
    for (;;) {
      g.in[d] = 1 + rng() % (rank == 3 ? 7 : 19);
      g.kernel[d] = std::vector<int64_t>{1, 1, 2, 3, 3, 5, 7}[rng() % 7];
      g.stride[d] = 1 + rng() % 3;
      g.dilation[d] = rng() % 4 == 0 ? 2 : 1;
      g.pad_begin[d] = rng() % (g.kernel[d] / 2 + 2);
      g.pad_end[d] = rng() % (g.kernel[d] / 2 + 2);
      const int64_t span = g.in[d] + g.pad_begin[d] + g.pad_end[d] - g.dilation[d] * (g.kernel[d] - 1) - 1;
      if (span < 0) continue;
      g.out[d] = span / g.stride[d] + 1;
      break;
    }
  }
  return g;
}

Problem random_problem(std::mt19937& rng, int index) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  Problem p;
  ConvF32Args& a = p.args;
  const int rank = index % 5 == 0 ? 3 : index % 5 == 1 ? 1 : 2;
  a.win = random_window(rng, rank);
  if (index % 7 == 3) {  // pointwise: x is the column matrix
    for (int d = 0; d < 3; ++d) {
      a.win.kernel[d] = a.win.stride[d] = a.win.dilation[d] = 1;
      a.win.pad_begin[d] = a.win.pad_end[d] = 0;
      a.win.out[d] = a.win.in[d];
    }
  }
  a.batch = 1 + rng() % 3;
  const int shape = index % 4;
  if (shape == 0) {  // depthwise
    a.group = a.in_channels = a.out_channels = 1 + rng() % 9;
  } else {
    a.group = shape == 1 ? 1 + rng() % 4 : 1;
    a.in_channels = a.group * (1 + rng() % 7);
    a.out_channels = a.group * (1 + rng() % 23);
  }
  const Kind kinds[] = {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu, Kind::kSigmoid, Kind::kTanh,
                        Kind::kHardSigmoid};
  a.act.kind = kinds[rng() % 7];
  a.act.alpha = a.act.kind == Kind::kClip ? -0.5f : a.act.kind == Kind::kHardSigmoid ? 0.2f : 0.1f;
  a.act.beta = a.act.kind == Kind::kClip ? 0.7f : 0.5f;
  const int64_t P = a.win.out_size();
  p.x.resize(a.batch * a.in_channels * a.win.in_size());
  p.w.resize(a.out_channels * (a.in_channels / a.group) * a.win.kernel_size());
  if (rng() % 2) p.bias.resize(a.out_channels);
  if (rng() % 2) p.z.resize(a.batch * a.out_channels * P);
  for (auto* v : {&p.x, &p.w, &p.bias, &p.z})
    for (float& e : *v) e = value(rng);
  a.x = p.x.data(), a.w = p.w.data();
  a.bias = p.bias.empty() ? nullptr : p.bias.data();
  a.z = p.z.empty() ? nullptr : p.z.data();
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "N %ld C %ld M %ld group %ld in %ldx%ldx%ld kernel %ldx%ldx%ld stride %ld,%ld,%ld dil %ld,%ld,%ld "
                "pads %ld,%ld,%ld/%ld,%ld,%ld act %d bias %d z %d",
                long(a.batch), long(a.in_channels), long(a.out_channels), long(a.group), long(a.win.in[0]),
                long(a.win.in[1]), long(a.win.in[2]), long(a.win.kernel[0]), long(a.win.kernel[1]),
                long(a.win.kernel[2]), long(a.win.stride[0]), long(a.win.stride[1]), long(a.win.stride[2]),
                long(a.win.dilation[0]), long(a.win.dilation[1]), long(a.win.dilation[2]), long(a.win.pad_begin[0]),
                long(a.win.pad_begin[1]), long(a.win.pad_begin[2]), long(a.win.pad_end[0]), long(a.win.pad_end[1]),
                long(a.win.pad_end[2]), int(a.act.kind), a.bias != nullptr, a.z != nullptr);
  p.text = buf;
  return p;
}

// The reference in double: y before the activation and the magnitude sum |w x| + |b| + |z|.
void reference(const Problem& p, std::vector<double>& pre, std::vector<double>& magnitude) {
  const ConvF32Args& a = p.args;
  const int64_t Cg = a.in_channels / a.group, Mg = a.out_channels / a.group, P = a.win.out_size();
  const int64_t in_size = a.win.in_size(), wg_size = Mg * Cg * a.win.kernel_size();
  pre.assign(a.batch * a.out_channels * P, 0.0);
  magnitude.assign(pre.size(), 0.0);
  std::vector<double> col(conv_col_size(a.win, Cg));
  for (int abs_pass = 0; abs_pass < 2; ++abs_pass) {
    auto conv = [&](const std::vector<float>& v) {
      std::vector<double> r(v.size());
      for (size_t i = 0; i < v.size(); ++i) r[i] = abs_pass ? std::fabs(v[i]) : v[i];
      return r;
    };
    const std::vector<double> x = conv(p.x), w = conv(p.w), b = conv(p.bias), z = conv(p.z);
    std::vector<double>& out = abs_pass ? magnitude : pre;
    for (int64_t n = 0; n < a.batch; ++n)
      for (int64_t g = 0; g < a.group; ++g) {
        const int64_t y_off = (n * a.out_channels + g * Mg) * P;
        conv_3d_ref<double>(a.win, Cg, Mg, x.data() + (n * a.in_channels + g * Cg) * in_size, w.data() + g * wg_size,
                            b.empty() ? nullptr : b.data() + g * Mg, out.data() + y_off, col.data());
        if (!z.empty())
          for (int64_t i = 0; i < Mg * P; ++i) out[y_off + i] += z[y_off + i];
      }
  }
}

std::vector<float> run(Problem& p, ThreadPool* pool) {
  std::vector<float> y(p.args.batch * p.args.out_channels * p.args.win.out_size(), NAN);
  p.args.y = y.data();
  std::vector<float> ws(conv_f32_workspace_size(p.args, pool ? pool->num_threads() : 1));
  conv_f32(p.args, ws.data(), pool);
  return y;
}

TEST(ConvF32, MatchesReferenceOnRandomProblems) {
  std::mt19937 rng(2024);
  for (int i = 0; i < 600; ++i) {
    Problem p = random_problem(rng, i);
    std::vector<double> pre, magnitude;
    reference(p, pre, magnitude);
    const std::vector<float> got = run(p, nullptr);
    const int64_t K = p.args.in_channels / p.args.group * p.args.win.kernel_size();
    for (size_t j = 0; j < got.size(); ++j) {
      // Every activation here is 1-Lipschitz (HardSigmoid 0.2), so the pre-activation bound holds.
      const double tol = 4e-7 * (K + 2) * magnitude[j] + 1e-6;
      ASSERT_NEAR(got[j], activate(p.args.act, pre[j]), tol) << p.text << " at " << j;
    }
  }
}

// Splitting over threads (whole jobs or each job's unfold and GEMM) does not change any bit.
TEST(ConvF32, ThreadCountDoesNotChangeTheResult) {
  std::mt19937 rng(77);
  ThreadPoolSettings s2, s3;
  s2.num_threads = 2, s3.num_threads = 3;
  ThreadPool pool2(s2), pool3(s3);
  for (int i = 0; i < 120; ++i) {
    Problem p = random_problem(rng, i);
    const std::vector<float> one = run(p, nullptr);
    for (ThreadPool* pool : {&pool2, &pool3}) {
      const std::vector<float> many = run(p, pool);
      for (size_t j = 0; j < one.size(); ++j)
        ASSERT_EQ(std::memcmp(&one[j], &many[j], sizeof(float)), 0)
            << p.text << " threads " << pool->num_threads() << " at " << j << ": " << one[j] << " vs " << many[j];
    }
  }
}

TEST(Im2Col2dF32, MatchesReferenceIm2Col) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int i = 0; i < 300; ++i) {
    const Window3d g = random_window(rng, 1 + i % 2);
    ASSERT_TRUE(im2col_2d_supports(g));
    const int64_t C = 1 + rng() % 5;
    std::vector<float> x(C * g.in_size());
    for (float& v : x) v = value(rng);
    std::vector<float> want(conv_col_size(g, C)), got(want.size(), NAN);
    im2col_3d_ref<float>(g, C, x.data(), want.data());
    const int64_t rows = C * g.kernel_size(), split = rng() % (rows + 1);
    im2col_2d_f32(g, 0, split, x.data(), got.data());  // in two pieces, as threads would
    im2col_2d_f32(g, split, rows, x.data(), got.data());
    ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float))) << "case " << i;
  }
}

}  // namespace
}  // namespace onyxrt::kernels
