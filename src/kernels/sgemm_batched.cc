#include "kernels/sgemm_batched.h"

#include "core/thread_pool.h"

namespace onyxrt::kernels {

void sgemm_batched(const SgemmBatch& batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                   const float* A, int64_t lda, const float* B, int64_t ldb, const PackedB* packed, float* C,
                   int64_t ldc, ThreadPool* pool) {
  const int64_t count = static_cast<int64_t>(batch.c_offsets.size());
  auto one = [&](int64_t i, ThreadPool* inner) {
    const float* a = A + batch.a_offsets[i];
    float* c = C + batch.c_offsets[i];
    if (packed)
      sgemm_packed(trans_a, M, alpha, a, lda, *packed, 0.0f, c, ldc, inner);
    else
      sgemm(trans_a, trans_b, M, N, K, alpha, a, lda, B + batch.b_offsets[i], ldb, 0.0f, c, ldc, inner);
  };
  const int threads = pool ? pool->num_threads() : 1;
  if (count >= threads && threads > 1) {
    // Dealt one product at a time: a thread the host slows hands its remaining heads to the others.
    ThreadPool::parallel_for_chunks(pool, count, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) one(i, nullptr);
    });
    return;
  }
  for (int64_t i = 0; i < count; ++i) one(i, pool);
}

}  // namespace onyxrt::kernels
