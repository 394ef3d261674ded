// Random problems for the direct convolution's tests (conv_direct_test.cc for NCHW,
// conv_direct_nchwc_test.cc for the blocked layout) and their double reference.
#pragma once
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/conv_direct.h"
#include "kernels/nchwc_reorder.h"
#include "kernels/ref/conv.h"

namespace onyxrt::kernels::test {

using Kind = ConvActivation::Kind;

inline double activate(const ConvActivation& a, double v) {
  switch (a.kind) {
    case Kind::kRelu: return std::max(v, 0.0);
    case Kind::kClip: return std::min(std::max(v, double(a.alpha)), double(a.beta));
    case Kind::kLeakyRelu: return v >= 0 ? v : a.alpha * v;
    case Kind::kSigmoid: return 1 / (1 + std::exp(-v));
    default: return v;
  }
}

struct Problem {
  ConvDirectArgs args;
  std::vector<float> x, w, bias, z;
  std::string text;
};

// Given a problem's window, batch and channels: activation kind `kind` (an index into the kinds
// below), random x, w and maybe bias and residual, and the text that names the problem.
inline void fill_problem(Problem& p, std::mt19937& rng, int kind) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  ConvDirectArgs& a = p.args;
  const Window3d& g = a.win;
  // In-tile kinds and one (Sigmoid) that runs as a pass after the tiles.
  const Kind kinds[] = {Kind::kNone, Kind::kRelu, Kind::kClip, Kind::kLeakyRelu, Kind::kSigmoid};
  a.act.kind = kinds[kind];
  a.act.alpha = a.act.kind == Kind::kClip ? -0.3f : 0.1f;
  a.act.beta = 0.4f;
  p.x.resize(a.batch * a.in_channels * g.in_size());
  p.w.resize(a.out_channels * a.in_channels * g.kernel_size());
  if (rng() % 2) p.bias.resize(a.out_channels);
  if (rng() % 2) p.z.resize(a.batch * a.out_channels * g.out_size());
  for (auto* v : {&p.x, &p.w, &p.bias, &p.z})
    for (float& e : *v) e = value(rng);
  a.x = p.x.data(), a.w = p.w.data();
  a.bias = p.bias.empty() ? nullptr : p.bias.data();
  a.z = p.z.empty() ? nullptr : p.z.data();
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "N %ld C %ld M %ld in %ldx%ld kernel %ldx%ld stride %ld,%ld dil %ld,%ld pads %ld,%ld/%ld,%ld act %d "
                "bias %d z %d",
                long(a.batch), long(a.in_channels), long(a.out_channels), long(g.in[1]), long(g.in[2]),
                long(g.kernel[1]), long(g.kernel[2]), long(g.stride[1]), long(g.stride[2]), long(g.dilation[1]),
                long(g.dilation[2]), long(g.pad_begin[1]), long(g.pad_begin[2]), long(g.pad_end[1]),
                long(g.pad_end[2]), int(a.act.kind), a.bias != nullptr, a.z != nullptr);
  p.text = buf;
}

inline Problem random_problem(std::mt19937& rng, int index) {
  Problem p;
  ConvDirectArgs& a = p.args;
  Window3d& g = a.win;
  const int first = index % 3 == 0 ? 2 : 1;  // a third are 1-D
  const bool strided_1x1 = index % 5 == 4;
  for (;;) {
    for (int d = first; d < 3; ++d) {
      g.in[d] = 1 + rng() % 17;
      g.kernel[d] = strided_1x1 ? 1 : std::vector<int64_t>{1, 2, 3, 3, 5, 7}[rng() % 6];
      g.stride[d] = strided_1x1 ? 2 + rng() % 2 : 1 + rng() % 3;
      g.dilation[d] = !strided_1x1 && rng() % 4 == 0 ? 2 : 1;
      const int64_t reach = (g.kernel[d] - 1) * g.dilation[d];
      g.pad_begin[d] = int64_t(rng() % (reach + 1));
      g.pad_end[d] = int64_t(rng() % (reach + 1));
    }
    bool ok = true;
    for (int d = first; d < 3; ++d) {
      const int64_t span = g.in[d] + g.pad_begin[d] + g.pad_end[d] - g.dilation[d] * (g.kernel[d] - 1) - 1;
      ok = ok && span >= 0;
      g.out[d] = ok ? span / g.stride[d] + 1 : 1;
    }
    if (ok && conv_direct_supports(g)) break;
  }
  a.batch = 1 + rng() % 2;
  a.in_channels = index % 4 == 0 ? 3 : 1 + rng() % 40;
  a.out_channels = 1 + rng() % 40;
  fill_problem(p, rng, index % 5 == 4 ? int(rng() % 5) : index % 5);
  return p;
}

// NCHW -> [N][Cp / 8][P][8] with `pad` in the channels past C (a test-side loop, independent of
// the reorder kernels).
inline std::vector<float> to_blocked(const std::vector<float>& x, int64_t N, int64_t C, int64_t P, float pad = 0.0f) {
  const int64_t Cp = nchwc_padded_channels(C), B = kNchwcBlock;
  std::vector<float> y(N * Cp * P, pad);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t q = 0; q < P; ++q) y[(n * Cp + c / B * B) * P + q * B + c % B] = x[(n * C + c) * P + q];
  return y;
}

// conv + bias + z in double, before the activation, and the magnitude sum |w x| + |b| + |z| that
// bounds its rounding (every activation here is 1-Lipschitz).
inline void reference(const Problem& p, std::vector<double>& want, std::vector<double>& magnitude) {
  const ConvDirectArgs& a = p.args;
  const int64_t P = a.win.out_size(), in_size = a.win.in_size();
  want.assign(a.batch * a.out_channels * P, 0.0);
  magnitude.assign(want.size(), 0.0);
  std::vector<double> col(conv_col_size(a.win, a.in_channels));
  for (int abs_pass = 0; abs_pass < 2; ++abs_pass) {
    auto widen = [&](const std::vector<float>& v) {
      std::vector<double> r(v.size());
      for (size_t i = 0; i < v.size(); ++i) r[i] = abs_pass ? std::fabs(v[i]) : v[i];
      return r;
    };
    const std::vector<double> x = widen(p.x), w = widen(p.w), b = widen(p.bias), z = widen(p.z);
    std::vector<double>& out = abs_pass ? magnitude : want;
    for (int64_t n = 0; n < a.batch; ++n) {
      double* yn = out.data() + n * a.out_channels * P;
      conv_3d_ref<double>(a.win, a.in_channels, a.out_channels, x.data() + n * a.in_channels * in_size, w.data(),
                          b.empty() ? nullptr : b.data(), yn, col.data());
      if (!z.empty())
        for (int64_t i = 0; i < a.out_channels * P; ++i) yn[i] += z[n * a.out_channels * P + i];
    }
  }
}

// A pooling window of the blocked paths: 1x1 to 4x4, strides 1-3, asymmetric pads under the kernel.
inline Window3d random_pool_window(std::mt19937& rng) {
  Window3d g;
  for (int d = 1; d < 3; ++d) {
    g.kernel[d] = 1 + rng() % 4;
    g.stride[d] = 1 + rng() % 3;
    g.in[d] = g.kernel[d] + rng() % 15;
    g.pad_begin[d] = rng() % g.kernel[d];
    g.pad_end[d] = rng() % g.kernel[d];
    g.out[d] = (g.in[d] + g.pad_begin[d] + g.pad_end[d] - g.kernel[d]) / g.stride[d] + 1;
  }
  return g;
}

}  // namespace onyxrt::kernels::test
