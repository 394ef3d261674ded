// The SGEMM epilogue (bias, residual sum, activation; SgemmEpilogue in sgemm.h) applied to a block
// of C right after the micro-kernel stored it. The AVX2 body does the same float operations in the
// same order as the portable one, so the two give bitwise the same C.
#pragma once
#include <cstdint>

#include "kernels/sgemm.h"

namespace onyxrt::kernels {

// Rows [0, rows) x columns [0, cols) at c (row stride ldc), which are rows i0... and columns j0... of
// the whole C (what the bias and sum are indexed by).
using SgemmEpilogueFn = void (*)(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols,
                                 int64_t i0, int64_t j0);

void f32_gemm_epilogue_portable(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                                int64_t j0);
void f32_gemm_epilogue_avx2(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                            int64_t j0);

// The AVX2 6x16 micro-kernel (sgemm_ukernels.h) writing only the tile's first `rows` rows (the
// last M panel), with the epilogue `ep` (null: none) applied in registers: bitwise what the kernel
// followed by f32_gemm_epilogue_portable gives. i0, j0: the tile's first row and column in C.
void f32_gemm_6x16_avx2_rows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                             const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows);
// The same on 16 columns of a row-major B read in place, rows ldb floats apart (no packing).
void f32_gemm_6x16_avx2_rows_b_in_place(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                                        int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                        int rows);
// The same on two adjacent packed panels, b then b_next (32 columns), for rows <= 3.
void f32_gemm_6x16_avx2_rows_two_panels(int64_t kc, const float* a, const float* b, const float* b_next, float* c,
                                        int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                        int rows);
// The same for the AVX-512 14x32 kernel, which runs a kernel of `rows` rows for a partial tile.
void f32_gemm_14x32_avx512_rows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                                const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows);

// The best one cpu_features() supports; chosen once.
SgemmEpilogueFn sgemm_selected_epilogue();

}  // namespace onyxrt::kernels
