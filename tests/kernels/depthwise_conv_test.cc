// Every depthwise convolution variant the CPU supports against the portable reference convolution
// (kernels/ref/conv.h, in double) on random geometries: ragged widths, kernels 1x1 to 7x7, strides,
// dilations, asymmetric pads, with and without bias.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/depthwise_conv.h"
#include "kernels/ref/conv.h"
#include "kernels/sgemm.h"

namespace onyxrt::kernels {
namespace {

Window3d make_geometry(int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                       int64_t pt, int64_t pl, int64_t pb, int64_t pr) {
  Window3d g;
  g.in[1] = H, g.in[2] = W;
  g.kernel[1] = kh, g.kernel[2] = kw;
  g.stride[1] = sh, g.stride[2] = sw;
  g.dilation[1] = dh, g.dilation[2] = dw;
  g.pad_begin[1] = pt, g.pad_begin[2] = pl;
  g.pad_end[1] = pb, g.pad_end[2] = pr;
  g.out[1] = (H + pt + pb - dh * (kh - 1) - 1) / sh + 1;
  g.out[2] = (W + pl + pr - dw * (kw - 1) - 1) / sw + 1;
  return g;
}

std::string describe(const Window3d& g) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "in %ldx%ld kernel %ldx%ld stride %ld,%ld dilation %ld,%ld pads %ld,%ld,%ld,%ld",
                long(g.in[1]), long(g.in[2]), long(g.kernel[1]), long(g.kernel[2]), long(g.stride[1]),
                long(g.stride[2]), long(g.dilation[1]), long(g.dilation[2]), long(g.pad_begin[1]),
                long(g.pad_begin[2]), long(g.pad_end[1]), long(g.pad_end[2]));
  return buf;
}

// The reference result and, per output, the sum of |w x| + |b|: the scale of its rounding error.
void reference_plane(const Window3d& g, const std::vector<float>& x, const std::vector<float>& k, const float* bias,
                     std::vector<double>& y, std::vector<double>& magnitude) {
  auto as_double = [](const std::vector<float>& v, bool absolute) {
    std::vector<double> r(v.size());
    for (size_t i = 0; i < v.size(); ++i) r[i] = absolute ? std::fabs(v[i]) : v[i];
    return r;
  };
  std::vector<double> col(conv_col_size(g, 1));
  const double b = bias ? *bias : 0.0, b_abs = std::fabs(b);
  y.assign(g.out_size(), 0.0);
  magnitude.assign(g.out_size(), 0.0);
  conv_3d_ref<double>(g, 1, 1, as_double(x, false).data(), as_double(k, false).data(), bias ? &b : nullptr,
                      y.data(), col.data());
  conv_3d_ref<double>(g, 1, 1, as_double(x, true).data(), as_double(k, true).data(), &b_abs, magnitude.data(),
                      col.data());
}

class DwConvVariantTest : public ::testing::TestWithParam<int> {
 protected:
  const DwConvVariant& variant() const { return dwconv2d_variants()[GetParam()]; }
  void SetUp() override {
    if (!variant().supported(cpu_features()))
      GTEST_SKIP() << variant().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
};

TEST_P(DwConvVariantTest, MatchesReferenceOnRandomGeometries) {
  std::mt19937 rng(1234 + GetParam());
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  auto pick = [&](std::initializer_list<int64_t> options) {
    return options.begin()[std::uniform_int_distribution<size_t>(0, options.size() - 1)(rng)];
  };
  int cases = 0;
  while (cases < 400) {
    const int64_t k = pick({1, 3, 5, 7});
    const int64_t kh = rng() % 8 == 0 ? pick({1, 3, 5}) : k;  // mostly square, sometimes not
    const int64_t s = pick({1, 2}), sh = rng() % 4 == 0 ? pick({1, 2, 3}) : s;
    const int64_t d = pick({1, 1, 2}), dh = pick({1, 2});
    const int64_t H = 1 + rng() % 20, W = 1 + rng() % 70;  // ragged widths: not multiples of 8 or 16
    auto pad = [&](int64_t kk) { return int64_t(rng() % (kk / 2 + 2)); };
    const Window3d g = make_geometry(H, W, kh, k, sh, s, dh, d, pad(kh), pad(k), pad(kh), pad(k));
    if (g.out[1] < 1 || g.out[2] < 1) continue;
    ++cases;
    std::vector<float> x(g.in_size()), kernel(g.kernel_size());
    for (float& v : x) v = value(rng);
    for (float& v : kernel) v = value(rng);
    const float bias_value = value(rng);
    const float* bias = cases % 2 ? &bias_value : nullptr;
    std::vector<double> want, magnitude;
    reference_plane(g, x, kernel, bias, want, magnitude);
    std::vector<float> got(g.out_size(), NAN);
    variant().fn(g, x.data(), kernel.data(), bias ? *bias : 0.0f, got.data());
    for (int64_t i = 0; i < g.out_size(); ++i) {
      const double tol = 4e-7 * (g.kernel_size() + 1) * magnitude[i] + 1e-30;
      ASSERT_NEAR(got[i], want[i], tol) << variant().name << " " << describe(g) << " bias " << (bias != nullptr)
                                        << " at output " << i / g.out[2] << "," << i % g.out[2];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, DwConvVariantTest,
                         ::testing::Range(0, static_cast<int>(dwconv2d_variants().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(dwconv2d_variants()[info.param].name);
                         });

// The plane loop indexes the kernel and bias by channel and x / y by plane across images.
TEST(DwConv2dF32, PlanesUseTheirChannelsKernelAndBias) {
  const Window3d g = make_geometry(9, 13, 3, 3, 2, 2, 1, 1, 1, 0, 1, 2);
  const int64_t N = 2, C = 3;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> x(N * C * g.in_size()), kernel(C * g.kernel_size()), bias(C);
  for (auto* v : {&x, &kernel, &bias})
    for (float& e : *v) e = value(rng);
  std::vector<float> got(N * C * g.out_size());
  dwconv2d_f32(g, C, 0, N * C, x.data(), kernel.data(), bias.data(), got.data());
  for (int64_t p = 0; p < N * C; ++p) {
    const int64_t c = p % C;
    const std::vector<float> xp(x.begin() + p * g.in_size(), x.begin() + (p + 1) * g.in_size());
    const std::vector<float> kp(kernel.begin() + c * g.kernel_size(), kernel.begin() + (c + 1) * g.kernel_size());
    std::vector<double> want, magnitude;
    reference_plane(g, xp, kp, &bias[c], want, magnitude);
    for (int64_t i = 0; i < g.out_size(); ++i)
      ASSERT_NEAR(got[p * g.out_size() + i], want[i], 1e-5 * magnitude[i]) << "plane " << p << " output " << i;
  }
}

// A MobileNetV2 depthwise layer (1x144x56x56, 3x3, pad 1) on one thread: the im2col + one-row SGEMM
// per channel that Conv used before against each variant. Run with --gtest_also_run_disabled_tests.
TEST(DwConv2dF32, DISABLED_MobileNetV2LayerTiming) {
  const int64_t C = 144;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int64_t stride : {1, 2}) {
    const Window3d g = make_geometry(56, 56, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
    std::vector<float> x(C * g.in_size()), kernel(C * 9), bias(C);
    for (auto* v : {&x, &kernel, &bias})
      for (float& e : *v) e = value(rng);
    std::vector<float> y_gemm(C * g.out_size()), y_direct(C * g.out_size());
    std::vector<float> col(conv_col_size(g, 1));
    auto time_ms = [](auto&& fn) {
      fn();
      std::vector<double> t;
      for (int rep = 0; rep < 50; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(t.begin(), t.end());
      return t[t.size() / 2];
    };
    const double gemm_ms = time_ms([&] {
      for (int64_t c = 0; c < C; ++c) {
        im2col_3d_ref<float>(g, 1, x.data() + c * g.in_size(), col.data());
        SgemmEpilogue epilogue;
        epilogue.bias_kind = SgemmEpilogue::Bias::kPerRow;
        epilogue.bias = &bias[c];
        sgemm(false, false, 1, g.out_size(), 9, 1.0f, kernel.data() + c * 9, 9, col.data(), g.out_size(), 0.0f,
              y_gemm.data() + c * g.out_size(), g.out_size(), nullptr, epilogue);
      }
    });
    std::printf("stride %ld: im2col + sgemm %.3f ms\n", long(stride), gemm_ms);
    for (const DwConvVariant& v : dwconv2d_variants()) {
      if (!v.supported(cpu_features())) continue;
      const double direct_ms = time_ms([&] {
        for (int64_t c = 0; c < C; ++c)
          v.fn(g, x.data() + c * g.in_size(), kernel.data() + c * 9, bias[c], y_direct.data() + c * g.out_size());
      });
      std::printf("stride %ld: %-22s %.3f ms (%.1fx)\n", long(stride), v.name, direct_ms, gemm_ms / direct_ms);
      for (size_t i = 0; i < y_gemm.size(); ++i) ASSERT_NEAR(y_direct[i], y_gemm[i], 1e-4) << v.name << " at " << i;
    }
  }
}

}  // namespace
}  // namespace onyxrt::kernels
