// Portable reference GEMM: C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T.
// The oracle that optimised GEMM kernels are tested against. beta == 0 overwrites C (NaNs already
// in C do not leak through), as BLAS does.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

// A is M x K (K x M when trans_a), B is K x N (N x K when trans_b), C is M x N; ld* are row strides.
template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
              const T* B, int64_t ldb, T beta, T* C, int64_t ldc);

inline void gemm_f32_ref(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                         int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm_ref<float>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
inline void gemm_f64_ref(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                         int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  gemm_ref<double>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

// Instantiated for float, double, int32_t, int64_t, uint32_t, uint64_t.
extern template void gemm_ref<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                                     int64_t, float, float*, int64_t);
extern template void gemm_ref<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                                      const double*, int64_t, double, double*, int64_t);

}  // namespace onyxrt::kernels
