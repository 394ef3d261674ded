// Every 2-D pooling variant the CPU supports against the reference pooling (kernels/ref/pool.h) on
// random 1-D/2-D geometries: ragged widths, kernels 1 to 7, strides 1-3, dilations, asymmetric
// pads (as ceil_mode gives), count_include_pad both ways.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/pool_2d.h"
#include "kernels/ref/pool.h"

namespace onyxrt::kernels {
namespace {

class Pool2dVariantTest : public ::testing::TestWithParam<int> {
 protected:
  const Pool2dVariant& variant() const { return pool2d_variants()[GetParam()]; }
  void SetUp() override {
    if (!variant().supported(cpu_features()))
      GTEST_SKIP() << variant().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
};

Window3d random_window(std::mt19937& rng, bool one_d) {
  Window3d g;
  for (int d = one_d ? 2 : 1; d < 3; ++d) {
    for (;;) {
      g.in[d] = 1 + rng() % 40;
      g.kernel[d] = 1 + rng() % 7;
      g.stride[d] = 1 + rng() % 3;
      g.dilation[d] = rng() % 4 == 0 ? 2 : 1;
      // Pads stay below the kernel extent, as ONNX requires, so every window touches the input
      // for the reference's ceil_mode-free geometry; pad_end may exceed pad_begin (ceil_mode).
      g.pad_begin[d] = rng() % g.kernel[d];
      g.pad_end[d] = rng() % g.kernel[d];
      const int64_t span = g.in[d] + g.pad_begin[d] + g.pad_end[d] - g.dilation[d] * (g.kernel[d] - 1) - 1;
      if (span < 0) continue;
      g.out[d] = span / g.stride[d] + 1;
      break;
    }
  }
  return g;
}

TEST_P(Pool2dVariantTest, MatchesReferenceOnRandomGeometries) {
  std::mt19937 rng(99 + GetParam());
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  for (int i = 0; i < 800; ++i) {
    const Window3d g = random_window(rng, i % 4 == 0);
    ASSERT_TRUE(pool2d_supports(g));
    std::vector<float> x(g.in_size());
    for (float& v : x) v = value(rng);
    std::vector<float> want(g.out_size()), got(g.out_size(), NAN);
    maxpool_3d_ref<float>(g, x.data(), want.data(), nullptr, 0, false);
    variant().max_plane(g, x.data(), got.data());
    for (int64_t o = 0; o < g.out_size(); ++o) ASSERT_EQ(got[o], want[o]) << variant().name << " max case " << i << " at " << o;
    const bool include_pad = i % 2;
    avgpool_3d_ref<float>(g, x.data(), want.data(), include_pad);
    variant().avg_plane(g, x.data(), got.data(), include_pad);
    for (int64_t o = 0; o < g.out_size(); ++o)
      ASSERT_NEAR(got[o], want[o], 1e-6f * (1 + std::fabs(want[o])))
          << variant().name << " avg case " << i << " include_pad " << include_pad << " at " << o;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, Pool2dVariantTest, ::testing::Range(0, static_cast<int>(pool2d_variants().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(pool2d_variants()[info.param].name);
                         });

}  // namespace
}  // namespace onyxrt::kernels
