// Pre-packed A (convolution filters packed at session creation) and the vectorized epilogue:
// both must give bitwise what the unpacked driver and the portable epilogue give.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "kernels/sgemm.h"
#include "kernels/sgemm_epilogue.h"

namespace onyxrt::kernels {
namespace {

std::vector<float> random_floats(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

SgemmEpilogue relu_with_row_bias(const std::vector<float>& bias, const std::vector<float>& sum, int64_t ld_sum) {
  SgemmEpilogue ep;
  ep.bias_kind = SgemmEpilogue::Bias::kPerRow;
  ep.bias = bias.data();
  ep.sum = sum.data();
  ep.ld_sum = ld_sum;
  ep.activation = SgemmEpilogue::Activation::kRelu;
  return ep;
}

TEST(SgemmPackedA, PlainBGivesBitwiseTheUnpackedResult) {
  std::mt19937 rng(21);
  ThreadPool pool(ThreadPoolSettings{.num_threads = 2});
  // M not a multiple of any MR, K across the K block, M == 1 (no row-vector shortcut with packed A).
  for (auto [M, N, K] : {std::tuple<int64_t, int64_t, int64_t>{37, 53, 300}, {1, 40, 17}, {130, 49, 600}}) {
    const std::vector<float> A = random_floats(M * K, rng), B = random_floats(K * N, rng);
    const std::vector<float> bias = random_floats(M, rng), sum = random_floats(M * N, rng);
    const SgemmEpilogue ep = relu_with_row_bias(bias, sum, N);
    std::vector<float> want(M * N), got(M * N, std::numeric_limits<float>::quiet_NaN());
    sgemm(false, false, M, N, K, 1.0f, A.data(), K, B.data(), N, 0.0f, want.data(), N, &pool, ep);
    const PackedA packed = pack_a(M, K, A.data(), K);
    sgemm_packed_a(packed, N, B.data(), N, got.data(), N, &pool, ep);
    if (M > 1) {
      EXPECT_EQ(got, want) << "M=" << M << " N=" << N << " K=" << K;
    } else {  // the unpacked row vector takes the gemv path, which sums in another order
      for (int64_t j = 0; j < N; ++j) EXPECT_NEAR(got[j], want[j], 1e-5f * K) << "j=" << j;
    }
  }
}

TEST(SgemmPackedA, CustomBGivesBitwiseTheUnpackedResult) {
  std::mt19937 rng(22);
  const int64_t M = 70, N = 45, K = 520;
  const std::vector<float> A = random_floats(M * K, rng), B = random_floats(K * N, rng);
  const SgemmPackB pack = [&](int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst) {
    for (int64_t q = 0; q < nc; q += nr, dst += kc * nr)
      for (int64_t k = 0; k < kc; ++k)
        for (int j = 0; j < nr; ++j) dst[k * nr + j] = j0 + q + j < N ? B[(p0 + k) * N + j0 + q + j] : 0.0f;
  };
  std::vector<float> want(M * N), got(M * N);
  sgemm_custom_b(M, N, K, A.data(), K, pack, want.data(), N, nullptr);
  sgemm_custom_b(pack_a(M, K, A.data(), K), N, pack, got.data(), N, nullptr);
  EXPECT_EQ(got, want);
}

TEST(SgemmEpilogueVariants, Avx2MatchesPortableBitwise) {
  if (!cpu_features().has_avx2_fma()) GTEST_SKIP() << "needs AVX2+FMA";
  using Act = SgemmEpilogue::Activation;
  std::mt19937 rng(23);
  const int64_t rows = 7, cols = 29, ldc = 33;  // a ragged tail past the 8-wide vectors
  std::vector<float> c0 = random_floats(rows * ldc, rng), bias = random_floats(64, rng), sum = random_floats(rows * ldc, rng);
  c0[5] = std::numeric_limits<float>::quiet_NaN();
  c0[ldc + 27] = -std::numeric_limits<float>::infinity();
  for (auto kind : {SgemmEpilogue::Bias::kNone, SgemmEpilogue::Bias::kPerColumn, SgemmEpilogue::Bias::kPerRow})
    for (Act act : {Act::kNone, Act::kRelu, Act::kClip, Act::kLeakyRelu})
      for (bool with_sum : {false, true}) {
        SgemmEpilogue ep;
        ep.bias_kind = kind;
        ep.bias = bias.data();
        ep.sum = with_sum ? sum.data() : nullptr;
        ep.ld_sum = ldc;
        ep.activation = act;
        ep.alpha = act == Act::kClip ? -0.25f : 0.1f;
        ep.beta = 0.5f;
        std::vector<float> a = c0, b = c0;
        f32_gemm_epilogue_portable(ep, a.data() + ldc + 1, ldc, rows - 1, cols - 1, 1, 1);
        f32_gemm_epilogue_avx2(ep, b.data() + ldc + 1, ldc, rows - 1, cols - 1, 1, 1);
        for (size_t i = 0; i < a.size(); ++i) {
          const bool both_nan = std::isnan(a[i]) && std::isnan(b[i]);
          ASSERT_TRUE(both_nan || a[i] == b[i]) << "i=" << i << " act=" << int(act) << " kind=" << int(kind);
        }
      }
}

}  // namespace
}  // namespace onyxrt::kernels
