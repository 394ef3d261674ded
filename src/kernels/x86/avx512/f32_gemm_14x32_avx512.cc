// AVX-512 SGEMM micro-kernel, 14x32 tile: 28 zmm accumulators, 2 for the B row and 2 that take
// turns holding a broadcast A value (one load per two FMAs, where {1to16} operands take one each).
// 28 independent FMAs per k hide the FMA latency on Zen 4 (512-bit ops on 2x256-bit pipes) and on
// Intel cores with one or two 512-bit FMA units.
//
// The K loop is inline assembly because GCC 12, given the same loop in intrinsics, kept B's second
// vector on the stack (its address arithmetic took a zmm register): 1 store + 14 reloads per k,
// 60% of peak on a Xeon (Sapphire Rapids). The accumulators leave the
// loop through a tile in L1 (28 stores and reloads per 14 x 32 x KC tile, under 1% of its time).
#include <immintrin.h>

#include <cstdint>

#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {

void f32_gemm_14x32_avx512_sums(int64_t kc, const float* a, const float* b, const float* c, int64_t ldc, float* acc) {
  constexpr int MR = 14;
  // Start fetching the C tile now: it is only touched after the K loop (see the AVX2 kernel).
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 31), _MM_HINT_T0);
  }
  int64_t k = kc;
  // vbroadcastss into zmm30 / zmm31 by turns, then one FMA per B vector.
#define ONYXRT_ZERO(r) "vpxord %%zmm" #r ", %%zmm" #r ", %%zmm" #r "\n"
#define ONYXRT_ROW(i, bc, c0, c1)                                                                 \
  "vbroadcastss " #i "*4(%[a]), %%zmm" #bc "\n"                                                  \
  "vfmadd231ps %%zmm" #bc ", %%zmm28, %%zmm" #c0 "\n"                                            \
  "vfmadd231ps %%zmm" #bc ", %%zmm29, %%zmm" #c1 "\n"
#define ONYXRT_SAVE(r) "vmovaps %%zmm" #r ", " #r "*64(%[acc])\n"
  asm volatile(
      ONYXRT_ZERO(0) ONYXRT_ZERO(1) ONYXRT_ZERO(2) ONYXRT_ZERO(3) ONYXRT_ZERO(4) ONYXRT_ZERO(5)
      ONYXRT_ZERO(6) ONYXRT_ZERO(7) ONYXRT_ZERO(8) ONYXRT_ZERO(9) ONYXRT_ZERO(10) ONYXRT_ZERO(11)
      ONYXRT_ZERO(12) ONYXRT_ZERO(13) ONYXRT_ZERO(14) ONYXRT_ZERO(15) ONYXRT_ZERO(16) ONYXRT_ZERO(17)
      ONYXRT_ZERO(18) ONYXRT_ZERO(19) ONYXRT_ZERO(20) ONYXRT_ZERO(21) ONYXRT_ZERO(22) ONYXRT_ZERO(23)
      ONYXRT_ZERO(24) ONYXRT_ZERO(25) ONYXRT_ZERO(26) ONYXRT_ZERO(27)
      "test %[k], %[k]\n"
      "jle 2f\n"
      "1:\n"
      "vmovaps (%[b]), %%zmm28\n"
      "vmovaps 64(%[b]), %%zmm29\n"
      ONYXRT_ROW(0, 30, 0, 1)
      ONYXRT_ROW(1, 31, 2, 3)
      ONYXRT_ROW(2, 30, 4, 5)
      ONYXRT_ROW(3, 31, 6, 7)
      ONYXRT_ROW(4, 30, 8, 9)
      ONYXRT_ROW(5, 31, 10, 11)
      ONYXRT_ROW(6, 30, 12, 13)
      ONYXRT_ROW(7, 31, 14, 15)
      ONYXRT_ROW(8, 30, 16, 17)
      ONYXRT_ROW(9, 31, 18, 19)
      ONYXRT_ROW(10, 30, 20, 21)
      ONYXRT_ROW(11, 31, 22, 23)
      ONYXRT_ROW(12, 30, 24, 25)
      ONYXRT_ROW(13, 31, 26, 27)
      "add $56, %[a]\n"
      "add $128, %[b]\n"
      "dec %[k]\n"
      "jnz 1b\n"
      "2:\n"
      ONYXRT_SAVE(0) ONYXRT_SAVE(1) ONYXRT_SAVE(2) ONYXRT_SAVE(3) ONYXRT_SAVE(4) ONYXRT_SAVE(5)
      ONYXRT_SAVE(6) ONYXRT_SAVE(7) ONYXRT_SAVE(8) ONYXRT_SAVE(9) ONYXRT_SAVE(10) ONYXRT_SAVE(11)
      ONYXRT_SAVE(12) ONYXRT_SAVE(13) ONYXRT_SAVE(14) ONYXRT_SAVE(15) ONYXRT_SAVE(16) ONYXRT_SAVE(17)
      ONYXRT_SAVE(18) ONYXRT_SAVE(19) ONYXRT_SAVE(20) ONYXRT_SAVE(21) ONYXRT_SAVE(22) ONYXRT_SAVE(23)
      ONYXRT_SAVE(24) ONYXRT_SAVE(25) ONYXRT_SAVE(26) ONYXRT_SAVE(27)
      : [a] "+r"(a), [b] "+r"(b), [k] "+r"(k)
      : [acc] "r"(acc)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",
        "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "memory", "cc");
#undef ONYXRT_ZERO
#undef ONYXRT_ROW
#undef ONYXRT_SAVE
}

void f32_gemm_14x32_avx512(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta) {
  constexpr int MR = 14;
  alignas(64) float acc[MR * 32];
  f32_gemm_14x32_avx512_sums(kc, a, b, c, ldc, acc);
  if (beta == 0.0f) {
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      _mm512_storeu_ps(c + i * ldc, _mm512_load_ps(acc + 32 * i));
      _mm512_storeu_ps(c + i * ldc + 16, _mm512_load_ps(acc + 32 * i + 16));
    }
  } else {
    const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      float* row = c + i * ldc;
      _mm512_storeu_ps(row, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), _mm512_load_ps(acc + 32 * i)));
      _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), _mm512_load_ps(acc + 32 * i + 16)));
    }
  }
}

}  // namespace onyxrt::kernels
