// The SGEMM micro-kernel variants. ONYXRT_SGEMM_UKERNELS is the one list: it declares the
// kernels, builds the dispatch table (best first), and the tests and benchmark iterate it, so a
// new variant is dispatched, tested and benchmarked by adding one line here and its file.
#pragma once
#include <cstdint>
#include <span>

#include "core/cpu_features.h"
#include "kernels/sgemm.h"

namespace onyxrt::kernels {

// c[MR x NR] (row stride ldc) = a * b + beta * c, where a is a packed MR-row panel (kc steps of MR
// floats) and b a packed NR-column panel (kc steps of NR floats). beta == 0 never reads c.
using SgemmUkernelFn = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta);

// Optional companions of a micro-kernel (null when it has none; sgemm.cc then takes the generic
// path). rows: the same tile writing only its first `rows` rows of C, with the epilogue `ep`
// (null: none) applied in registers before its one store (kernels/sgemm_epilogue.h).
using SgemmRowsFn = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float beta,
                             const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows);
// rows_b_in_place: rows on NR columns of a row-major B read where it lies, its rows ldb apart, for
// callers that skip packing B (small M, where each panel is read a few times only).
using SgemmRowsInPlaceFn = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                                    float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0, int rows);
// rows_two_panels: rows on two adjacent packed NR-column panels (b, then b_next: C columns
// [j0, j0 + 2 NR)), for tiles of at most 3 rows. Such a tile has too few accumulators per panel to
// cover the FMA latency (2 rows x 2 vectors: 4 FMAs per k where 8 are in flight at full speed),
// so M = 128 (BERT, GPT-2: 21 tiles of 6 and one of 2) spent on its last 2 rows 0.8 of a 6-row
// tile's time; on two panels at once the same rows take half as long per panel.
using SgemmRowsTwoPanelsFn = void (*)(int64_t kc, const float* a, const float* b, const float* b_next, float* c,
                                      int64_t ldc, float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0,
                                      int rows);
// pack_a: rows [0, rows) x columns [0, kc) of alpha * a (row stride lda, not transposed) as one
// MR-row panel, dst[k * MR + i], rows past `rows` zero; the same floats as the generic packing.
using SgemmPackAFn = void (*)(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst);
// gemv_panel: a row vector times one NR-column panel of B, plain or packed (kernels/sgemm_gemv.h).
struct GemvPanelArgs;
using SgemmGemvPanelFn = void (*)(const GemvPanelArgs& args, int64_t jb, int64_t cols, float* out);

// X(name, MR, NR, KC, MC, NC, cpu_predicate, rows, gemv_panel, pack_a, rows_b_in_place,
// rows_two_panels). KC sizes the A micro-panel (MR x KC) to stay in L1; the packed B block (KC x NC)
// and A block (MC x KC) share L2 (Zen 4: 1 MiB, Zen 3: 512 KiB): an A block much larger than L2
// streaming past the B block cost ~10% in a macro-kernel test on Zen 3. The AVX-512 KC of 384 (A
// micro-panel 21 KB of a 48 KB L1, B block 768 KB of a 1 MiB L2) against 256, one thread on a Zen 5
// EPYC, alternate builds minutes apart:
// 1024^3 B pre-packed 222 -> 228-234 GFLOP/s, BERT's 128x768x768 225 -> 232, GPT-2's 128x2304x768
// 224 -> 228, others within 1%.
#define ONYXRT_SGEMM_UKERNELS(X)                                                                                   \
  X(f32_gemm_14x32_avx512, 14, 32, 384, 336, 512, [](const CpuFeatures& f) { return f.has_avx512_core() && f.fma; }, \
    f32_gemm_14x32_avx512_rows, f32_gemv_panel32_avx512, f32_gemm_pack_a14_avx2, nullptr, nullptr)                    \
  X(f32_gemm_6x16_avx2, 6, 16, 256, 498, 256, [](const CpuFeatures& f) { return f.has_avx2_fma(); },              \
    f32_gemm_6x16_avx2_rows, f32_gemv_panel16_avx2, f32_gemm_pack_a6_avx2, f32_gemm_6x16_avx2_rows_b_in_place,    \
    f32_gemm_6x16_avx2_rows_two_panels)                                                                            \
  X(f32_gemm_4x8_portable, 4, 8, 256, 512, 256, [](const CpuFeatures&) { return true; }, nullptr, nullptr, nullptr, nullptr, \
    nullptr)

void f32_gemm_pack_a6_avx2(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst);
void f32_gemm_pack_a14_avx2(const float* a, int64_t lda, int64_t rows, int64_t kc, float alpha, float* dst);
// The 14x32 AVX-512 kernel's K loop alone: acc[i * 32 + j] (64-byte aligned) = the sum over k of
// a * b, in the kernel's order, for callers that finish the tile themselves. c and ldc locate the
// C tile, which it starts fetching.
void f32_gemm_14x32_avx512_sums(int64_t kc, const float* a, const float* b, const float* c, int64_t ldc, float* acc);

#define ONYXRT_DECLARE_SGEMM_UKERNEL(name, mr, nr, kc, mc, nc, pred, rows, gemv, pack, in_place, two) \
  void name(int64_t kc_, const float* a, const float* b, float* c, int64_t ldc, float beta);
ONYXRT_SGEMM_UKERNELS(ONYXRT_DECLARE_SGEMM_UKERNEL)
#undef ONYXRT_DECLARE_SGEMM_UKERNEL

struct SgemmUkernel {
  const char* name;
  int mr;
  int nr;
  int64_t kc;  // K block
  int64_t mc;  // largest M block (multiple of mr)
  int64_t nc;  // largest N block (multiple of nr)
  bool (*supported)(const CpuFeatures&);
  SgemmUkernelFn fn;
  SgemmRowsFn rows = nullptr;
  SgemmGemvPanelFn gemv_panel = nullptr;
  SgemmPackAFn pack_a = nullptr;
  SgemmRowsInPlaceFn rows_b_in_place = nullptr;
  SgemmRowsTwoPanelsFn rows_two_panels = nullptr;
};

// Every variant compiled in, best first.
std::span<const SgemmUkernel> sgemm_ukernels();
// The first variant cpu_features() supports; chosen once.
const SgemmUkernel& sgemm_selected_ukernel();

// The same as sgemm / pack_b with an explicit variant: for tests and the benchmark.
void sgemm_with_ukernel(const SgemmUkernel& uk, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                        float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                        int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue = {});
PackedB pack_b_with_ukernel(const SgemmUkernel& uk, bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb);

}  // namespace onyxrt::kernels
