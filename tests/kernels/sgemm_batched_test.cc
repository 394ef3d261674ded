// sgemm_batched (kernels/sgemm_batched.h) against one sgemm per batch: the same products, bitwise,
// whether batches are spread over the pool or each split inside, and with a shared packed B.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/sgemm.h"
#include "kernels/sgemm_batched.h"

namespace onyxrt::kernels {
namespace {

struct BatchedCase {
  int64_t batch, M, N, K;
  bool trans_b;
  bool shared_b;  // every batch reads the same B (the pre-packed case)
};

class SgemmBatched : public ::testing::TestWithParam<BatchedCase> {};

TEST_P(SgemmBatched, MatchesOneSgemmPerBatchAtEveryThreadCount) {
  const BatchedCase c = GetParam();
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t b_count = c.shared_b ? 1 : c.batch;
  std::vector<float> A(c.batch * c.M * c.K), B(b_count * c.K * c.N);
  for (float& x : A) x = dist(rng);
  for (float& x : B) x = dist(rng);
  const int64_t ldb = c.trans_b ? c.K : c.N;
  SgemmBatch batch;
  for (int64_t i = 0; i < c.batch; ++i) {
    batch.a_offsets.push_back(i * c.M * c.K);
    batch.b_offsets.push_back(c.shared_b ? 0 : i * c.K * c.N);
    batch.c_offsets.push_back(i * c.M * c.N);
  }
  std::vector<float> want(c.batch * c.M * c.N);
  for (int64_t i = 0; i < c.batch; ++i)
    sgemm(false, c.trans_b, c.M, c.N, c.K, 0.5f, A.data() + batch.a_offsets[i], c.K, B.data() + batch.b_offsets[i],
          ldb, 0.0f, want.data() + batch.c_offsets[i], c.N, nullptr);
  const PackedB packed = pack_b(c.trans_b, c.K, c.N, B.data(), ldb);
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
    std::vector<float> got(want.size(), -7.0f);
    sgemm_batched(batch, false, c.trans_b, c.M, c.N, c.K, 0.5f, A.data(), c.K, B.data(), ldb, nullptr, got.data(), c.N,
                  &pool);
    EXPECT_EQ(got, want) << threads << " thread(s), unpacked";
    if (!c.shared_b) continue;
    std::vector<float> got_packed(want.size(), -7.0f);
    sgemm_batched(batch, false, c.trans_b, c.M, c.N, c.K, 0.5f, A.data(), c.K, nullptr, 0, &packed,
                  got_packed.data(), c.N, &pool);
    EXPECT_EQ(got_packed, want) << threads << " thread(s), packed";
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SgemmBatched,
                         ::testing::Values(BatchedCase{12, 33, 29, 16, false, false},  // attention-like, ragged
                                           BatchedCase{12, 20, 33, 40, true, false},
                                           BatchedCase{2, 70, 45, 300, false, false},  // fewer batches than threads
                                           BatchedCase{7, 9, 50, 31, false, true},
                                           BatchedCase{1, 1, 100, 64, true, true}));

}  // namespace
}  // namespace onyxrt::kernels
