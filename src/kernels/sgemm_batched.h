// Many independent SGEMMs of one shape (attention's per-head products, a MatMul whose operands
// carry batch dims): C_i = alpha * op(A_i) * op(B_i), operands found by per-batch offsets.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/sgemm.h"

namespace onyxrt::kernels {

struct SgemmBatch {
  std::vector<int64_t> a_offsets, b_offsets, c_offsets;  // floats from A, B, C; one entry per batch
};

// With at least as many batches as threads, each thread takes whole batches and runs them single
// threaded (a small GEMM split further only pays the split's overhead); otherwise each batch is
// split inside sgemm. Either way every product is one sgemm whose result does not depend on the
// thread count. `packed`, when non-null, replaces B (and b_offsets) for every batch.
void sgemm_batched(const SgemmBatch& batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                   const float* A, int64_t lda, const float* B, int64_t ldb, const PackedB* packed, float* C,
                   int64_t ldc, ThreadPool* pool);

}  // namespace onyxrt::kernels
