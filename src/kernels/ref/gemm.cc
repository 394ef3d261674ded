#include "kernels/ref/gemm.h"

namespace onyxrt::kernels {

template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
              const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    T* c = C + i * ldc;
    if (beta == T(0)) {
      for (int64_t j = 0; j < N; ++j) c[j] = T(0);
    } else if (beta != T(1)) {
      for (int64_t j = 0; j < N; ++j) c[j] *= beta;
    }
    if (!trans_b) {
      // i-k-j order: the inner loop streams a row of B and a row of C.
      for (int64_t k = 0; k < K; ++k) {
        const T a = alpha * (trans_a ? A[k * lda + i] : A[i * lda + k]);
        const T* b = B + k * ldb;
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      }
    } else {
      // B^T: row j of B is column j of op(B), so a dot product streams both operands.
      for (int64_t j = 0; j < N; ++j) {
        const T* b = B + j * ldb;
        T acc = T(0);
        if (!trans_a) {
          const T* a = A + i * lda;
          for (int64_t k = 0; k < K; ++k) acc += a[k] * b[k];
        } else {
          for (int64_t k = 0; k < K; ++k) acc += A[k * lda + i] * b[k];
        }
        c[j] += alpha * acc;
      }
    }
  }
}

#define ONYXRT_INSTANTIATE_GEMM_REF(T)                                                                       \
  template void gemm_ref<T>(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T, \
                            T*, int64_t);
ONYXRT_INSTANTIATE_GEMM_REF(float)
ONYXRT_INSTANTIATE_GEMM_REF(double)
ONYXRT_INSTANTIATE_GEMM_REF(int32_t)
ONYXRT_INSTANTIATE_GEMM_REF(int64_t)
ONYXRT_INSTANTIATE_GEMM_REF(uint32_t)
ONYXRT_INSTANTIATE_GEMM_REF(uint64_t)
#undef ONYXRT_INSTANTIATE_GEMM_REF

}  // namespace onyxrt::kernels
