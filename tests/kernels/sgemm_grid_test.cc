// The SGEMM driver's task grid (sgemm_grid): it covers C exactly with blocks the micro-kernel and
// the caches take, and at two threads the transformer GEMMs' work splits evenly between them.
// Pure arithmetic on each variant's block sizes, so every variant is checked on any CPU.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "kernels/sgemm.h"
#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {
namespace {

std::string describe(const SgemmUkernel& uk, int64_t M, int64_t N, int threads) {
  return std::string(uk.name) + " " + std::to_string(M) + " x " + std::to_string(N) + " at " +
         std::to_string(threads) + " threads";
}

TEST(SgemmGrid, BlocksCoverCExactlyWithinTheCacheBlocks) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> dim(1, 3000);
  for (const SgemmUkernel& uk : sgemm_ukernels()) {
    for (int i = 0; i < 300; ++i) {
      const int64_t M = dim(rng), N = dim(rng);
      const int threads = 1 + i % 4;
      const SgemmGrid g = sgemm_grid(uk, M, N, threads);
      const std::string what = describe(uk, M, N, threads);
      ASSERT_GE(g.nm, 1) << what;
      ASSERT_GE(g.nn, 1) << what;
      EXPECT_LT((g.nm - 1) * g.mc, M) << what;  // the last M block is not empty
      EXPECT_GE(g.nm * g.mc + uk.mr, M) << what;  // and takes at most a partial tile more
      EXPECT_LE(g.mc, uk.mc + uk.mr) << what;
      EXPECT_EQ(g.nc % uk.nr, 0) << what;
      EXPECT_LE(g.nc, uk.nc) << what;
      EXPECT_LT((g.nn - 1) * g.nc, N) << what;
      EXPECT_GE(g.nn * g.nc, N) << what;
    }
  }
}

// The projections of BERT-base, GPT-2 small and ViT-B/16 (M = tokens, N = output features): no
// thread of two gets more than 2% over half of C. 2304 columns in 9 blocks of 256 (AVX2) had
// given one thread 5 blocks and the other 4, 11% over half.
TEST(SgemmGrid, TwoThreadsShareTransformerProjectionsEvenly) {
  for (const SgemmUkernel& uk : sgemm_ukernels()) {
    for (int64_t M : {128, 197}) {
      for (int64_t N : {768, 2304, 3072}) {
        const SgemmGrid g = sgemm_grid(uk, M, N, 2);
        const int64_t busiest = sgemm_busiest_share(M, N, g, 2);
        EXPECT_LE(busiest * 100, M * N / 2 * 102) << describe(uk, M, N, 2) << ": " << g.nm << " x " << g.nn
                                                  << " blocks of " << g.mc << " x " << g.nc;
      }
    }
  }
}

TEST(SgemmGrid, BusiestShareFollowsTheStaticSplit) {
  // 1 x 9 blocks of 256 over 2304 columns, 2 threads: runs of 5 and 4 blocks.
  const SgemmGrid g{.mc = 197, .nm = 1, .nc = 256, .nn = 9};
  EXPECT_EQ(sgemm_busiest_share(197, 2304, g, 2), 197 * 5 * 256);
  // The last M block takes the rest of the rows: 3 blocks of 10 rows, 25 rows in all.
  const SgemmGrid rows{.mc = 10, .nm = 3, .nc = 8, .nn = 1};
  EXPECT_EQ(sgemm_busiest_share(25, 8, rows, 3), 10 * 8);
  EXPECT_EQ(sgemm_busiest_share(35, 8, rows, 3), 15 * 8);
}

}  // namespace
}  // namespace onyxrt::kernels
