// SGEMM driver: cache blocking, packing and threading around a micro-kernel from sgemm_ukernels.h.
//
// Loop nest of one task (mc rows of C, a range of nc-column blocks):
//   for each K block (kc):       pack A block (mc x kc, MR-row panels, alpha applied)
//     for each nc block:         pack B block (kc x nc, NR-column panels) -> L2
//       for each MR panel of A:  its kc x MR micro-panel stays in L1
//         for each NR panel of B: micro-kernel on one MR x NR tile of C
// Tasks form a grid over M x N; at 2+ threads A is packed once for the call and the pool deals the
// tasks one at a time (parallel_for_chunks). Every C tile is computed by
// one micro-kernel call per K block in the same order whatever the grid, so the result does not
// depend on the thread count.
//
// Packed A layout (pack_a): for each K block starting at p0, at offset p0 * Mpad, the
// ceil(M / MR) panels of kc x MR floats, rows past M zero-filled (what run_task packs per block).
//
// Packed B layout (pack_b): for each K block starting at p0 (kc = min(KC, K - p0)), at offset
// p0 * Npad, the ceil(N / NR) panels of kc x NR floats, columns past N zero-filled.
#include "kernels/sgemm.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "onyxrt/status.h"
#include "kernels/prefetch_spread.h"
#include "kernels/sgemm_epilogue.h"
#include "kernels/sgemm_gemv.h"
#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {
namespace {

constexpr std::align_val_t kAlign{64};
constexpr int kMaxTile = 16 * 64;  // floats; every MR x NR in the list fits
constexpr int kMaxNr = 64;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

std::shared_ptr<float[]> aligned_floats(int64_t n) {
  float* p = static_cast<float*>(::operator new[](static_cast<size_t>(n) * sizeof(float), kAlign));
  return std::shared_ptr<float[]>(p, [](float* q) { ::operator delete[](q, kAlign); });
}

// Per-thread packing buffers, grown on demand and kept: a GEMM per op call must not page-fault
// megabytes of fresh memory every time.
float* scratch(int slot, int64_t n) {
  struct Buffer {
    std::shared_ptr<float[]> data;
    int64_t size = 0;
  };
  thread_local Buffer buffers[3];
  Buffer& b = buffers[slot];
  if (b.size < n) {
    b.data = aligned_floats(n);
    b.size = n;
  }
  return b.data.get();
}

// Rows [i0, i0 + mc) x columns [p0, p0 + kc) of alpha * op(A) into MR-row panels; rows past M
// are zero so that edge tiles need no special micro-kernel.
void pack_a(const SgemmUkernel& uk, bool trans_a, const float* A, int64_t lda, int64_t M, int64_t i0, int64_t mc,
            int64_t p0, int64_t kc, float alpha, float* dst) {
  const int MR = uk.mr;
  for (int64_t r = 0; r < mc; r += MR, dst += MR * kc) {
    const int64_t rows = std::min<int64_t>(MR, M - (i0 + r));
    if (!trans_a && uk.pack_a) {
      uk.pack_a(A + (i0 + r) * lda + p0, lda, rows, kc, alpha, dst);
      continue;
    }
    if (!trans_a) {
      for (int64_t i = 0; i < rows; ++i) {
        const float* src = A + (i0 + r + i) * lda + p0;
        for (int64_t k = 0; k < kc; ++k) dst[k * MR + i] = alpha * src[k];
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = A + (p0 + k) * lda + i0 + r;
        for (int64_t i = 0; i < rows; ++i) dst[k * MR + i] = alpha * src[i];
      }
    }
    for (int64_t i = rows; i < MR; ++i)
      for (int64_t k = 0; k < kc; ++k) dst[k * MR + i] = 0.0f;
  }
}

// Columns [j0, j0 + nc) x rows [p0, p0 + kc) of op(B) into NR-column panels, columns past N zero.
void pack_b_block(const SgemmUkernel& uk, bool trans_b, const float* B, int64_t ldb, int64_t N, int64_t j0,
                  int64_t nc, int64_t p0, int64_t kc, float* dst) {
  const int NR = uk.nr;
  for (int64_t q = 0; q < nc; q += NR, dst += NR * kc) {
    const int64_t cols = std::min<int64_t>(NR, N - (j0 + q));
    if (!trans_b) {
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = B + (p0 + k) * ldb + j0 + q;
        float* d = dst + k * NR;
        // Whole AVX2 and AVX-512 panels: fixed-size copies the compiler inlines. A libc call per
        // 128-byte row of a 32-wide panel was 5% of ShuffleNet, whose grouped 1x1 convolutions
        // pack their activations (K = 34-136) per call.
        if (cols == 16) {
          std::memcpy(d, src, 16 * sizeof(float));
          continue;
        }
        if (cols == 32) {
          std::memcpy(d, src, 32 * sizeof(float));
          continue;
        }
        std::memcpy(d, src, static_cast<size_t>(cols) * sizeof(float));
        for (int64_t j = cols; j < NR; ++j) d[j] = 0.0f;
      }
    } else {
      for (int64_t j = 0; j < cols; ++j) {
        const float* src = B + (j0 + q + j) * ldb + p0;
        for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = src[k];
      }
      for (int64_t j = cols; j < NR; ++j)
        for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = 0.0f;
    }
  }
}

struct Problem {
  const SgemmUkernel* uk;
  bool trans_a, trans_b;
  int64_t M, N, K;
  float alpha;
  const float* A;
  int64_t lda;
  const float* B;  // null when packed is used
  int64_t ldb;
  const PackedB* packed;
  float beta;
  float* C;
  int64_t ldc;
  const SgemmEpilogue* epilogue;
  const SgemmPackB* custom_b = nullptr;  // set: B comes from this packer (sgemm_custom_b)
  const float* a_packed = nullptr;  // set: A in pack_a's layout (A, lda, alpha, trans_a unused)
  // B read in place (rows_b_in_place) rather than packed; b_tail: its last N % NR columns packed
  // as one panel of K rows (null when NR divides N).
  bool b_in_place = false;
  const float* b_tail = nullptr;
};

void apply_epilogue(const SgemmEpilogue& ep, float* c, int64_t ldc, int64_t rows, int64_t cols, int64_t i0,
                    int64_t j0) {
  static const SgemmEpilogueFn fn = sgemm_selected_epilogue();
  fn(ep, c, ldc, rows, cols, i0, j0);
}

bool has_epilogue(const SgemmEpilogue& ep) {
  return ep.activation != SgemmEpilogue::Activation::kNone || ep.sum || ep.bias_kind != SgemmEpilogue::Bias::kNone;
}

// A tile of fewer than NR columns (the last panel of N) through the kernel's rows companion: C's
// columns (when beta reads them), the column bias and the sum are copied into full-width tiles, the
// companion finishes the tile there in registers, and `cols` columns go back to C. The plain
// kernel and a separate epilogue pass over C cost ShuffleNet's 7x7 maps (N = 49: 17 of every 49
// columns) more than the copies.
void rows_partial_columns(const SgemmUkernel& uk, int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                          float beta, const SgemmEpilogue* ep, int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
  const int NR = uk.nr;
  alignas(64) float tile[kMaxTile], sum[kMaxTile], bias[kMaxNr];
  auto copy_in = [&](float* dst, const float* src, int64_t ld) {
    for (int64_t i = 0; i < rows; ++i) {
      std::copy(src + i * ld, src + i * ld + cols, dst + i * NR);
      std::fill(dst + i * NR + cols, dst + (i + 1) * NR, 0.0f);
    }
  };
  if (beta != 0.0f) copy_in(tile, c, ldc);
  SgemmEpilogue local;
  if (ep) {
    local = *ep;
    if (ep->bias_kind == SgemmEpilogue::Bias::kPerColumn) {
      std::copy(ep->bias + j0, ep->bias + j0 + cols, bias);
      std::fill(bias + cols, bias + NR, 0.0f);
      local.bias = bias;
    } else if (ep->bias_kind == SgemmEpilogue::Bias::kPerRow) {
      local.bias = ep->bias + i0;
    }
    if (ep->sum) {
      copy_in(sum, ep->sum + i0 * ep->ld_sum + j0, ep->ld_sum);
      local.sum = sum, local.ld_sum = NR;
    }
  }
  uk.rows(kc, a, b, tile, NR, beta, ep ? &local : nullptr, 0, 0, static_cast<int>(rows));
  for (int64_t i = 0; i < rows; ++i) std::copy(tile + i * NR, tile + i * NR + cols, c + i * ldc);
}

// One K block of columns [j0, j0 + ncur) with B read in place: panel by panel, every M tile
// reading the panel's kc rows while they are in L1, the next panel's rows fetched meanwhile (tile
// by tile across all panels, the kernel waited on L2 for B's scattered rows as long as packing
// them had taken). The last N % NR columns come from the packed tail.
void sweep_b_in_place(const Problem& p, const float* a_block, int64_t kc, int64_t p0, int64_t i0, int64_t mc,
                      int64_t j0, int64_t ncur, float beta, const SgemmEpilogue* ep) {
  const SgemmUkernel& uk = *p.uk;
  const int MR = uk.mr, NR = uk.nr;
  const float* rows_p0 = p.B + p0 * p.ldb;
  for (int64_t jr = 0; jr < ncur; jr += NR) {
    const int64_t cols = std::min<int64_t>(NR, ncur - jr), col = j0 + jr;
    if (jr + NR < ncur)
      for (int64_t k = 0; k < kc; ++k) {
        const float* next = rows_p0 + k * p.ldb + col + NR;
        __builtin_prefetch(next);
        __builtin_prefetch(next + NR - 1);
      }
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int rows = static_cast<int>(std::min<int64_t>(MR, mc - ir));
      const float* a = a_block + ir * kc;
      float* c = p.C + (i0 + ir) * p.ldc + col;
      if (cols == NR)
        uk.rows_b_in_place(kc, a, rows_p0 + col, p.ldb, c, p.ldc, beta, ep, i0 + ir, col, rows);
      else
        rows_partial_columns(uk, kc, a, p.b_tail + p0 * NR, c, p.ldc, beta, ep, i0 + ir, col, rows, cols);
    }
  }
}

// Tiles of at most this many rows run two panels at a time where the variant has rows_two_panels.
constexpr int64_t kTwoPanelRows = 3;

// Rows [i0, i0 + mc) of C, N blocks [jn_begin, jn_end) of width nc. The K loop is outermost so
// that the A block is packed once per K block and reused across all of the task's N blocks.
void run_task(const Problem& p, const float* bpack, int64_t i0, int64_t mc, int64_t jn_begin, int64_t jn_end,
              int64_t nc) {
  const SgemmUkernel& uk = *p.uk;
  const int MR = uk.mr, NR = uk.nr;
  const int64_t npad = round_up(p.N, NR);
  float* a_scratch = p.a_packed ? nullptr : scratch(0, round_up(mc, MR) * uk.kc);
  const int64_t mpad = round_up(p.M, MR);
  alignas(64) float tile[kMaxTile];
  const bool epilogue = has_epilogue(*p.epilogue);
  // A kernel with a rows companion writes partial-row tiles directly and applies the epilogue in
  // registers, before its one store: no scratch tile, no second pass.
  const SgemmRowsFn rows_fn = uk.rows;

  for (int64_t p0 = 0; p0 < p.K; p0 += uk.kc) {
    const int64_t kc = std::min(uk.kc, p.K - p0);
    const float* a_block = a_scratch;
    if (p.a_packed)
      a_block = p.a_packed + p0 * mpad + i0 * kc;
    else
      pack_a(uk, p.trans_a, p.A, p.lda, p.M, i0, mc, p0, kc, p.alpha, a_scratch);
    const float beta = p0 == 0 ? p.beta : 1.0f;
    const bool last = p0 + kc == p.K;
    for (int64_t jn = jn_begin; jn < jn_end; ++jn) {
      const int64_t j0 = jn * nc, ncur = std::min(nc, p.N - j0);
      if (p.b_in_place) {
        sweep_b_in_place(p, a_block, kc, p0, i0, mc, j0, ncur, beta, last && epilogue ? p.epilogue : nullptr);
        continue;
      }
      const float* b_block = bpack + p0 * npad + (j0 / NR) * kc * NR;
      // The task's next B block (the next N block, else the first one of the next K block) is
      // pulled into L2 a few lines per micro-kernel call while this one is swept, so that its
      // first sweep does not wait on L3 or memory for every panel. That sweep's calls ran at a
      // quarter of the kernel's speed (rdtsc per call, one thread): 11% of a 128 x 3072 x 768
      // GEMM (BERT's FFN up), whose blocks are swept only 22 times. The first sweep of the current
      // block is left alone: it is still fetching its own data.
      const bool next_n = jn + 1 < jn_end, next_k = p0 + kc < p.K;
      const int64_t next_p0 = next_n ? p0 : p0 + kc, next_j0 = next_n ? j0 + nc : jn_begin * nc;
      const int64_t next_kc = std::min(uk.kc, p.K - next_p0);
      const int64_t panels = ceil_div(ncur, NR), sweeps = ceil_div(mc, MR);
      PrefetchSpread prefetch(next_n || next_k ? bpack + next_p0 * npad + (next_j0 / NR) * next_kc * NR : nullptr,
                              next_kc * round_up(std::min(nc, p.N - next_j0), NR), (sweeps - 1) * panels);
      for (int64_t ir = 0; ir < mc; ir += MR) {
        const float* a = a_block + ir * kc;
        const int64_t rows = std::min<int64_t>(MR, mc - ir);
        const bool two_panels = uk.rows_two_panels && rows <= kTwoPanelRows;
        for (int64_t jr = 0; jr < ncur; jr += NR) {
          const int64_t cols = std::min<int64_t>(NR, ncur - jr);
          float* c = p.C + (i0 + ir) * p.ldc + j0 + jr;
          const float* b = b_block + jr * kc;
          if (ir > 0) prefetch.step();
          if (two_panels && jr + 2 * NR <= ncur) {
            if (ir > 0) prefetch.step();
            uk.rows_two_panels(kc, a, b, b + NR * kc, c, p.ldc, beta, last && epilogue ? p.epilogue : nullptr, i0 + ir,
                               j0 + jr, static_cast<int>(rows));
            jr += NR;
            continue;
          }
          if (rows_fn) {
            const SgemmEpilogue* ep = last && epilogue ? p.epilogue : nullptr;
            if (cols == NR)
              rows_fn(kc, a, b, c, p.ldc, beta, ep, i0 + ir, j0 + jr, static_cast<int>(rows));
            else
              rows_partial_columns(uk, kc, a, b, c, p.ldc, beta, ep, i0 + ir, j0 + jr, rows, cols);
            continue;
          }
          if (rows == MR && cols == NR) {
            uk.fn(kc, a, b, c, p.ldc, beta);
          } else {
            uk.fn(kc, a, b, tile, NR, 0.0f);
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                float& dst = c[i * p.ldc + j];
                dst = beta == 0.0f ? tile[i * NR + j] : tile[i * NR + j] + beta * dst;
              }
          }
          if (last && epilogue) apply_epilogue(*p.epilogue, c, p.ldc, rows, cols, i0 + ir, j0 + jr);
        }
      }
    }
  }
}

// Room for a whole packed operand: the calling thread's scratch `slot`, kept for the next call,
// up to `keep_limit` floats; past that a buffer of its own in `owned`, freed after the call.
float* whole_operand_buffer(int slot, int64_t size, int64_t keep_limit, std::shared_ptr<float[]>& owned) {
  if (size <= keep_limit) return scratch(slot, size);
  owned = aligned_floats(size);
  return owned.get();
}

// The whole of op(B) in pack_b's layout, packed once per call by all threads together, so that
// no M block packs its own copy (which cost a quarter of the time at 1024^3 on one thread).
// Large B (over 64 MiB packed) gets a buffer of its own rather than a per-thread one kept forever.
const float* pack_whole_b(const Problem& p, ThreadPool* pool, std::shared_ptr<float[]>& owned) {
  const SgemmUkernel& uk = *p.uk;
  const int64_t npad = round_up(p.N, uk.nr);
  float* dst = whole_operand_buffer(1, p.K * npad, int64_t{16} << 20, owned);
  const int64_t k_blocks = ceil_div(p.K, uk.kc);
  const int64_t col_chunk = round_up(256, uk.nr), n_chunks = ceil_div(p.N, col_chunk);
  ThreadPool::parallel_for(pool, k_blocks * n_chunks, 4, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t p0 = (t / n_chunks) * uk.kc, j0 = (t % n_chunks) * col_chunk;
      const int64_t kc = std::min(uk.kc, p.K - p0), nc = std::min(col_chunk, p.N - j0);
      if (p.custom_b)
        (*p.custom_b)(p0, kc, j0, nc, uk.nr, dst + p0 * npad + j0 * kc);
      else
        pack_b_block(uk, p.trans_b, p.B, p.ldb, p.N, j0, nc, p0, kc, dst + p0 * npad + j0 * kc);
    }
  });
  return dst;
}

// Whether B is read where it lies instead of packed: a row-major B (a panel's row is NR contiguous
// floats) that few M tiles read, so that packing it costs more than reading it scattered.
// ShuffleNet's grouped 1x1 convolutions (B their activations) packed B per call, 6.8% of its samples
// at one thread; in place, per node at one thread: M = 34 (K 34, N 784) 6-10% faster, M = 68 (N 196)
// 1-2%, M = 136 (N 49, rows 196 bytes apart: most loads split a cache line) 2-5% slower, and K = 6
// (M 28, N 3136: six scattered rows per panel, for 30 multiply-add steps) 14% slower.
bool b_read_in_place(const Problem& p) {
  constexpr int64_t kMaxRows = 96, kMinDepth = 16;
  return p.uk->rows_b_in_place && p.uk->rows && !p.packed && !p.custom_b && !p.trans_b && p.M <= kMaxRows &&
         p.K >= kMinDepth && p.N >= p.uk->nr;
}

// The last N % NR columns of B as one packed panel of all K rows (K blocks at p0 * NR, as
// run_task reads them), in scratch slot 1, which pack_whole_b would have used.
const float* pack_b_tail(const Problem& p, std::shared_ptr<float[]>& owned) {
  const SgemmUkernel& uk = *p.uk;
  float* dst = whole_operand_buffer(1, p.K * uk.nr, int64_t{16} << 20, owned);
  const int64_t j0 = p.N / uk.nr * uk.nr;
  pack_b_block(uk, false, p.B, p.ldb, p.N, j0, p.N - j0, 0, p.K, dst);
  return dst;
}

// alpha * op(A) in pack_a's layout (rows padded to whole MR panels), K blocks by row chunks split
// over the pool, for tasks that are dealt out dynamically and so cannot each pack their own A
// block once for a run of N blocks. Same pack_a calls on MR-aligned rows as run_task makes, so
// the floats are the same.
const float* pack_whole_a(const Problem& p, ThreadPool* pool, std::shared_ptr<float[]>& owned) {
  const SgemmUkernel& uk = *p.uk;
  const int64_t mpad = round_up(p.M, uk.mr);
  float* dst = whole_operand_buffer(2, p.K * mpad, int64_t{4} << 20, owned);
  const int64_t k_blocks = ceil_div(p.K, uk.kc);
  const int64_t row_chunk = round_up(64, uk.mr), m_chunks = ceil_div(p.M, row_chunk);
  ThreadPool::parallel_for(pool, k_blocks * m_chunks, 2, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t p0 = (t / m_chunks) * uk.kc, i0 = (t % m_chunks) * row_chunk;
      const int64_t kc = std::min(uk.kc, p.K - p0), rows = std::min(row_chunk, mpad - i0);
      pack_a(uk, p.trans_a, p.A, p.lda, p.M, i0, rows, p0, kc, p.alpha, dst + p0 * mpad + i0 * kc);
    }
  });
  return dst;
}

// K == 0: op(A) * op(B) is all zeros, C = beta * C + bias.
void scale_c_only(const Problem& p) {
  for (int64_t i = 0; i < p.M; ++i) {
    float* row = p.C + i * p.ldc;
    for (int64_t j = 0; j < p.N; ++j) row[j] = p.beta == 0.0f ? 0.0f : p.beta * row[j];
  }
  apply_epilogue(*p.epilogue, p.C, p.ldc, p.M, p.N, 0, 0);
}

// M == 1 (classifier heads, single-token decoding): a row vector times B is bound by reading B,
// and the MR-row micro-kernel would spend MR - 1 of its rows on zero padding. Each output column
// sums alpha * a[k] * b[k] in k order, the same order packed or not, so pack_b changes nothing;
// threads split N only, so the thread count changes nothing either.
template <int NR>
void gemv_columns(const Problem& p, const float* a, int64_t j0, int64_t j1) {
  const int64_t npad = round_up(p.N, NR);
  for (int64_t jb = j0; jb < j1; jb += NR) {
    const int64_t cols = std::min<int64_t>(NR, p.N - jb);
    float acc[NR] = {};
    if (p.packed) {
      for (int64_t p0 = 0; p0 < p.K; p0 += p.uk->kc) {
        const int64_t kc = std::min(p.uk->kc, p.K - p0);
        const float* panel = p.packed->data.get() + p0 * npad + (jb / NR) * kc * NR;
        for (int64_t k = 0; k < kc; ++k)
          for (int j = 0; j < NR; ++j) acc[j] += a[p0 + k] * panel[k * NR + j];
      }
    } else if (!p.trans_b && cols == NR) {
      for (int64_t k = 0; k < p.K; ++k)
        for (int j = 0; j < NR; ++j) acc[j] += a[k] * p.B[k * p.ldb + jb + j];
    } else {
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t step = p.trans_b ? 1 : p.ldb;
        const float* b = p.trans_b ? p.B + (jb + j) * p.ldb : p.B + jb + j;
        float sum = 0.0f;
        for (int64_t k = 0; k < p.K; ++k) sum += a[k] * b[k * step];
        acc[j] = sum;
      }
    }
    float* c = p.C + jb;
    for (int64_t j = 0; j < cols; ++j) c[j] = p.beta == 0.0f ? acc[j] : acc[j] + p.beta * c[j];
    if (has_epilogue(*p.epilogue)) apply_epilogue(*p.epilogue, c, p.ldc, 1, cols, 0, jb);
  }
}

// A micro-kernel's own row-vector panel (kernels/sgemm_gemv.h), NR columns at a time.
void gemv_columns_panel(const Problem& p, const float* a, int64_t j0, int64_t j1) {
  const int NR = p.uk->nr;
  GemvPanelArgs g;
  g.K = p.K;
  g.a = a;
  if (p.packed) {
    g.packed = p.packed->data.get();
    g.kc = p.uk->kc;
    g.npad = round_up(p.N, NR);
  } else {
    g.B = p.B;
    g.ldb = p.ldb;
    g.trans_b = p.trans_b;
  }
  const bool epilogue = has_epilogue(*p.epilogue);
  auto store = [&](int64_t jb, const float* acc) {
    const int64_t cols = std::min<int64_t>(NR, p.N - jb);
    float* c = p.C + jb;
    for (int64_t j = 0; j < cols; ++j) c[j] = p.beta == 0.0f ? acc[j] : acc[j] + p.beta * c[j];
    if (epilogue) apply_epilogue(*p.epilogue, c, p.ldc, 1, cols, 0, jb);
  };
  if (p.packed) {
    // K block by K block over all of the range's panels, the sums kept in `acc` between blocks:
    // the packed panels of one K block lie side by side, so B is read front to back. Panel by
    // panel it was read 16 KB at a time with a jump of a whole K block's panels between reads,
    // which the prefetchers restart after. One thread: VGG-19's 25088 -> 4096 layer (411 MB)
    // 10.8 -> 12.8 GB/s (onnxruntime 13.1), AlexNet's 9216 -> 4096 11.7 -> 14.7 (13.9), ResNet-50's
    // 2048 -> 1000 17 -> 29.
    const int64_t first = j0 / NR, panels = ceil_div(j1 - j0, NR);
    std::vector<float> partials(static_cast<size_t>(panels * 4 * NR), 0.0f);
    for (int64_t p0 = 0; p0 < p.K; p0 += g.kc) {
      GemvPanelArgs block = g;
      block.K = block.kc = std::min(g.kc, p.K - p0);
      block.a = a + p0;
      block.packed = g.packed + p0 * g.npad;
      for (int64_t q = 0; q < panels; ++q) {
        block.partials = partials.data() + q * 4 * NR;
        p.uk->gemv_panel(block, (first + q) * NR, NR, nullptr);
      }
    }
    for (int64_t q = 0; q < panels; ++q) {
      float acc[kGemvMaxPanel];
      gemv_panel_total(partials.data() + q * 4 * NR, NR, NR, acc);
      store((first + q) * NR, acc);
    }
    return;
  }
  for (int64_t jb = j0; jb < j1; jb += NR) {
    float acc[kGemvMaxPanel];
    p.uk->gemv_panel(g, jb, std::min<int64_t>(NR, p.N - jb), acc);
    store(jb, acc);
  }
}

void run_gemv(const Problem& p, ThreadPool* pool) {
  // alpha * op(A) as one contiguous row, rounded as pack_a rounds it.
  std::vector<float> a(static_cast<size_t>(p.K));
  const int64_t step = p.trans_a ? p.lda : 1;
  for (int64_t k = 0; k < p.K; ++k) a[k] = p.alpha * p.A[k * step];
  const int NR = p.uk->nr;
  auto columns = [&](int64_t j0, int64_t j1) {
    if (p.uk->gemv_panel && NR <= kGemvMaxPanel) return gemv_columns_panel(p, a.data(), j0, j1);
    if (NR == 8) return gemv_columns<8>(p, a.data(), j0, j1);
    if (NR == 32) return gemv_columns<32>(p, a.data(), j0, j1);
    throw_error(ErrorCode::Fail, std::string("sgemm: no row-vector path for the panel width of ") + p.uk->name);
  };
  // Blocks of whole panels, each worth at least ~32K multiply-adds.
  const int64_t panels = ceil_div(p.N, NR);
  const int64_t min_panels = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, p.K * NR));
  ThreadPool::parallel_for(pool, panels, min_panels,
                           [&](int64_t b, int64_t e) { columns(b * NR, std::min(p.N, e * NR)); });
}

void run(const Problem& p, ThreadPool* pool) {
  if (p.M <= 0 || p.N <= 0) return;
  if (p.K <= 0) return scale_c_only(p);
  if (p.M == 1 && !p.custom_b && !p.a_packed) return run_gemv(p, pool);
  const SgemmUkernel& uk = *p.uk;
  if (uk.mr * uk.nr > kMaxTile || uk.nr > kMaxNr) throw_error(ErrorCode::Fail, std::string("sgemm: tile of ") + uk.name + " too large");
  const int threads = pool ? pool->num_threads() : 1;
  const SgemmGrid grid = sgemm_grid(uk, p.M, p.N, threads);
  const int64_t mc = grid.mc, nm = grid.nm, nc = grid.nc, nn = grid.nn;
  std::shared_ptr<float[]> owned;
  Problem in_place = p;
  in_place.b_in_place = b_read_in_place(p);
  if (in_place.b_in_place && p.N % uk.nr != 0) in_place.b_tail = pack_b_tail(p, owned);
  const float* bpack = p.packed ? p.packed->data.get() : in_place.b_in_place ? nullptr : pack_whole_b(p, pool, owned);
  auto tasks = [&](const Problem& q, int64_t begin, int64_t end) {
    // Consecutive tasks in one M block share its packed A: run them as one N range.
    for (int64_t t = begin; t < end;) {
      const int64_t im = t / nn, jn_end = std::min(end - im * nn, nn);
      const int64_t i0 = im * mc;
      run_task(q, bpack, i0, im == nm - 1 ? p.M - i0 : mc, t % nn, jn_end, nc);
      t = im * nn + jn_end;
    }
  };
  if (threads <= 1 || nm * nn <= 1) return tasks(in_place, 0, nm * nn);
  // Two or more threads: the tasks are dealt one at a time from per-thread home ranges, so that a
  // thread the host slows down hands its remaining tasks to the others instead of holding the
  // node (a static equal split waited on the slowest thread every time). A task dealt alone cannot
  // share an A block packed for its neighbours, so A is packed once for the call first, which also
  // ends each thread packing all of A when the grid splits N only (each packed every row before).
  Problem q = in_place;
  std::shared_ptr<float[]> a_owned;
  if (!q.a_packed) q.a_packed = pack_whole_a(p, pool, a_owned);
  ThreadPool::parallel_for_chunks(pool, nm * nn, 1, [&](int64_t begin, int64_t end) { tasks(q, begin, end); });
}

}  // namespace

int64_t sgemm_busiest_share(int64_t M, int64_t N, const SgemmGrid& g, int threads) {
  const int64_t mc = g.mc, nm = g.nm, nc = g.nc, nn = g.nn;
  const int64_t tasks = nm * nn, per_thread = ceil_div(tasks, threads);
  int64_t worst = 0;
  for (int64_t b = 0; b < tasks; b += per_thread) {
    int64_t sum = 0;
    for (int64_t t = b; t < std::min(tasks, b + per_thread); ++t) {
      const int64_t im = t / nn, jn = t % nn;
      sum += (im == nm - 1 ? M - im * mc : mc) * std::min(nc, N - jn * nc);
    }
    worst = std::max(worst, sum);
  }
  return worst;
}

SgemmGrid sgemm_grid(const SgemmUkernel& uk, int64_t M, int64_t N, int threads) {
  const int MR = uk.mr, NR = uk.nr;
  // Grid of tasks: start from the cache-sized blocks, then split the dimension with more tiles per
  // block until every thread has eight tasks (one task each left a thread idle whenever the other
  // ran slower: ResNet-50 at 2 threads spent ~11% of its samples in idle workers), and even
  // out block sizes so no thread gets a sliver.
  int64_t nm = ceil_div(M, uk.mc), nn = ceil_div(N, uk.nc);
  const int64_t tiles_m = ceil_div(M, MR), tiles_n = ceil_div(N, NR);
  // Rows that fit one M block are not split while N can be: every thread then packs the same few
  // rows of A and reads only its share of B (the weights, megabytes), where an M split had each
  // thread stream all of B. Two threads, alternating runs: ViT-B/16 100.2 -> 97.0 ms, BERT-base
  // 64.9 -> 62.3 (its 768-column GEMMs had split M), ViT's 197 x 768 x 3072 2.43 -> 2.25 ms.
  // Eight tasks per thread: the tasks are dealt as threads free up (run() below), and a thread the
  // VM slows down leaves the other idle for at most one task at the end. With a floor of four
  // per thread, stopping at two once the threads divided the count, BERT-base's 768-column
  // GEMMs made 4 tasks and 6% of a 2-thread run's samples were workers waiting or yielding;
  // at eight per thread, alternating runs, BERT-base 170 -> 155 ms, GPT-2 237 -> 229, ViT-B/16
  // 260 -> 250 (A is packed once per call at 2+ threads and B ahead, so a task costs little).
  while (nm * nn < 8 * threads && threads > 1 && (nm < tiles_m || nn < tiles_n)) {
    const bool split_n = nn < tiles_n && (nm == 1 || nm >= tiles_m || tiles_n * nm >= tiles_m * nn);
    (split_n ? nn : nm)++;
  }
  // M blocks of whole MR-row tiles, as even as the tiles allow, the last one also taking the rows
  // of a final partial tile (which runs a kernel of its own row count where the variant has one),
  // rather than each block rounded up to whole tiles: M = 197 (ViT) in two blocks was 112 + 85
  // rows (8 tiles, and 6 tiles + 1 row), so one of 2 threads had 57% of the work; now 98 + 99.
  const int64_t full_m = M / MR;
  int64_t mc;
  if (full_m >= nm) {
    mc = ceil_div(full_m, nm) * MR;
    nm = ceil_div(full_m, mc / MR);
  } else {
    mc = round_up(ceil_div(M, nm), MR);
    nm = ceil_div(M, mc);
  }
  int64_t nc = round_up(ceil_div(N, nn), NR);
  nn = ceil_div(N, nc);
  // parallel_for hands each thread an equal run of tasks, so a task count that threads do not
  // divide leaves one thread a task more: 2304 columns (GPT-2's and ViT's QKV projections) made
  // 9 blocks of 256 on AVX2, 5 for one thread of two and 4 for the other. Narrower blocks, up to
  // twice as many, where they cut the busiest thread's share (here 12 blocks of 192).
  // The search runs only while the busiest share is 2% or more over an even split (not for the
  // hundreds of blocks of GPT-2's 50257-column head), and stops once it is within that.
  if (threads > 1) {
    const int64_t even = ceil_div(M * N, threads);
    int64_t best = sgemm_busiest_share(M, N, SgemmGrid{mc, nm, nc, nn}, threads);
    for (int64_t want = nn + 1; want <= 2 * nn && want <= tiles_n && best * 50 > even * 51; ++want) {
      const int64_t nc2 = round_up(ceil_div(N, want), NR), nn2 = ceil_div(N, nc2);
      const int64_t share = sgemm_busiest_share(M, N, SgemmGrid{mc, nm, nc2, nn2}, threads);
      if (share * 50 < best * 49) best = share, nc = nc2, nn = nn2;  // 2% or more: fewer blocks otherwise
    }
  }
  return SgemmGrid{mc, nm, nc, nn};
}

void sgemm_with_ukernel(const SgemmUkernel& uk, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                        float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                        int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue) {
  run(Problem{&uk, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, nullptr, beta, C, ldc, &epilogue}, pool);
}

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool,
           const SgemmEpilogue& epilogue) {
  sgemm_with_ukernel(sgemm_selected_ukernel(), trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool,
                     epilogue);
}

PackedB pack_b_with_ukernel(const SgemmUkernel& uk, bool trans_b, int64_t K, int64_t N, const float* B,
                            int64_t ldb) {
  PackedB packed;
  packed.K = K;
  packed.N = N;
  packed.ukernel = &uk;
  const int64_t npad = round_up(std::max<int64_t>(N, 1), uk.nr);
  packed.size = std::max<int64_t>(K, 1) * npad;
  packed.data = aligned_floats(packed.size);
  for (int64_t p0 = 0; p0 < K; p0 += uk.kc)
    pack_b_block(uk, trans_b, B, ldb, N, 0, npad, p0, std::min(uk.kc, K - p0), packed.data.get() + p0 * npad);
  return packed;
}

PackedB pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb) {
  return pack_b_with_ukernel(sgemm_selected_ukernel(), trans_b, K, N, B, ldb);
}

void sgemm_packed(bool trans_a, int64_t M, float alpha, const float* A, int64_t lda, const PackedB& B, float beta,
                  float* C, int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue) {
  if (B.empty() || !B.ukernel) throw_error(ErrorCode::InvalidArgument, "sgemm_packed: B was not packed by pack_b");
  run(Problem{B.ukernel, trans_a, false, M, B.N, B.K, alpha, A, lda, nullptr, 0, &B, beta, C, ldc, &epilogue}, pool);
}

void sgemm_custom_b(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const SgemmPackB& pack_b, float* C,
                    int64_t ldc, ThreadPool* pool, const SgemmEpilogue& epilogue) {
  Problem p{&sgemm_selected_ukernel(), false, false, M, N, K, 1.0f, A, lda, nullptr, 0, nullptr, 0.0f, C, ldc, &epilogue};
  p.custom_b = &pack_b;
  run(p, pool);
}

PackedA pack_a(int64_t M, int64_t K, const float* A, int64_t lda) {
  const SgemmUkernel& uk = sgemm_selected_ukernel();
  PackedA packed;
  packed.M = M;
  packed.K = K;
  packed.ukernel = &uk;
  const int64_t mpad = round_up(std::max<int64_t>(M, 1), uk.mr);
  packed.size = std::max<int64_t>(K, 1) * mpad;
  packed.data = aligned_floats(packed.size);
  for (int64_t p0 = 0; p0 < K; p0 += uk.kc)
    pack_a(uk, false, A, lda, M, 0, mpad, p0, std::min(uk.kc, K - p0), 1.0f, packed.data.get() + p0 * mpad);
  return packed;
}

namespace {

Problem packed_a_problem(const PackedA& A, int64_t N, float* C, int64_t ldc, const SgemmEpilogue& epilogue) {
  if (A.empty() || !A.ukernel) throw_error(ErrorCode::InvalidArgument, "sgemm: A was not packed by pack_a");
  Problem p{A.ukernel, false, false, A.M, N, A.K, 1.0f, nullptr, 0, nullptr, 0, nullptr, 0.0f, C, ldc, &epilogue};
  p.a_packed = A.data.get();
  return p;
}

}  // namespace

void sgemm_packed_a(const PackedA& A, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc, ThreadPool* pool,
                    const SgemmEpilogue& epilogue) {
  Problem p = packed_a_problem(A, N, C, ldc, epilogue);
  p.B = B;
  p.ldb = ldb;
  run(p, pool);
}

void sgemm_custom_b(const PackedA& A, int64_t N, const SgemmPackB& pack_b, float* C, int64_t ldc, ThreadPool* pool,
                    const SgemmEpilogue& epilogue) {
  Problem p = packed_a_problem(A, N, C, ldc, epilogue);
  p.custom_b = &pack_b;
  run(p, pool);
}

}  // namespace onyxrt::kernels
