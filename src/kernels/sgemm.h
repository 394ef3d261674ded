// Optimised single-precision GEMM: C = act(alpha * op(A) * op(B) + beta * C + bias), row-major.
// Pure compute: no graph types. The micro-kernel is chosen once from cpu_features() (see
// sgemm_ukernels.h for the list of variants); kernels/ref/gemm.h is the oracle it is tested against.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

struct SgemmUkernel;

// Work done on each C tile right after its last K block, while the tile is still in L1, in this
// order: C += bias; C += sum; C = activation(C).
struct SgemmEpilogue {
  enum class Bias { kNone, kPerColumn, kPerRow };
  enum class Activation { kNone, kRelu, kClip, kLeakyRelu };
  Bias bias_kind = Bias::kNone;
  const float* bias = nullptr;  // N floats (kPerColumn) or M floats (kPerRow), added unscaled
  const float* sum = nullptr;   // M x N, row stride ld_sum: a residual added element-wise (Conv + Add)
  int64_t ld_sum = 0;
  Activation activation = Activation::kNone;
  float alpha = 0.0f;  // kClip: lower bound; kLeakyRelu: slope below zero
  float beta = 0.0f;   // kClip: upper bound
};

// B rearranged once into the micro-kernel's panel layout, for constant weights (MatMul/Gemm/Conv
// initializers packed at session creation). Valid only for the micro-kernel it was packed for;
// sgemm_packed uses that one. Copies share the packed data.
struct PackedB {
  int64_t K = 0;
  int64_t N = 0;
  const SgemmUkernel* ukernel = nullptr;
  std::shared_ptr<float[]> data;  // 64-byte aligned; layout described in sgemm.cc
  int64_t size = 0;               // floats in data

  bool empty() const { return !data; }
};

// How the driver cuts C into tasks for `threads` threads: nm blocks of mc rows (the last one taking
// the rest) by nn blocks of nc columns, which parallel_for deals out in row-major order, an equal
// run of tasks to each thread.
struct SgemmGrid {
  int64_t mc = 0, nm = 0, nc = 0, nn = 0;
};
SgemmGrid sgemm_grid(const SgemmUkernel& uk, int64_t M, int64_t N, int threads);
// The most elements of C that one thread computes under that split.
int64_t sgemm_busiest_share(int64_t M, int64_t N, const SgemmGrid& grid, int threads);

// A is M x K (K x M when trans_a), B is K x N (N x K when trans_b), C is M x N; ld* are row strides.
// beta == 0 overwrites C without reading it (NaNs in C do not leak through), as BLAS does.
// Results are bitwise identical whatever the pool's thread count.
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool,
           const SgemmEpilogue& epilogue = {});

PackedB pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb);

void sgemm_packed(bool trans_a, int64_t M, float alpha, const float* A, int64_t lda, const PackedB& B, float beta,
                  float* C, int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue = {});

// A rearranged once into the micro-kernel's MR-row panels, for constant weights that are the
// left operand (convolution filters: C = W * columns). Same rules as PackedB.
struct PackedA {
  int64_t M = 0;
  int64_t K = 0;
  const SgemmUkernel* ukernel = nullptr;
  std::shared_ptr<float[]> data;  // 64-byte aligned; layout described in sgemm.cc
  int64_t size = 0;               // floats in data

  bool empty() const { return !data; }
};

// A is M x K row-major (no transpose, alpha 1).
PackedA pack_a(int64_t M, int64_t K, const float* A, int64_t lda);

// C = A * B (+ epilogue) with A from pack_a and B a plain K x N row-major matrix (row stride ldb).
void sgemm_packed_a(const PackedA& A, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc, ThreadPool* pool,
                    const SgemmEpilogue& epilogue = {});

// Writes rows [p0, p0 + kc) x columns [j0, j0 + nc) of B as ceil(nc / nr) panels of kc x nr floats
// (row p0 + k of panel i at dst + i * kc * nr + k * nr), columns past nc zero. Lets a caller build
// B straight in the packed layout: a convolution packs its image patches without first unfolding
// them into a column matrix.
using SgemmPackB = std::function<void(int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst)>;

// C = A * B (+ epilogue), A row-major M x K, B (K x N) produced by `pack_b`.
void sgemm_custom_b(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const SgemmPackB& pack_b, float* C,
                    int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue = {});
// The same with A from pack_a.
void sgemm_custom_b(const PackedA& A, int64_t N, const SgemmPackB& pack_b, float* C, int64_t ldc, ThreadPool* pool,
                    const SgemmEpilogue& epilogue = {});

}  // namespace onyxrt::kernels
