#include "kernels/nchwc_reorder.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "kernels/conv_direct.h"

namespace onyxrt::kernels {
namespace {

// Pixels per task: one block's slice of them (8 KB) stays in L1 while its 8 channels move.
constexpr int64_t kPixelChunk = 256;

}  // namespace

void nchwc_reorder_in_f32(const float* x, int64_t N, int64_t C, int64_t HW, float* y, ThreadPool* pool) {
  const int64_t Cp = nchwc_padded_channels(C), Cb = Cp / kNchwcBlock, chunks = (HW + kPixelChunk - 1) / kPixelChunk;
  // The direct convolution's row copy is this transpose with the plane as one row. A task moves
  // one block's 8 planes, as many read streams as the way out has write streams: all C planes at
  // once took 75-89 us for 112 channels at 56x56, 65-68 us by blocks (no change at 28x28).
  const ConvDirectPackRowFn pack_row = conv_direct_selected_variant().pack_row;
  ThreadPool::parallel_for(pool, N * Cb * chunks, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t nb = t / chunks, n = nb / Cb, cb = nb % Cb;
      const int64_t p0 = t % chunks * kPixelChunk, len = std::min(kPixelChunk, HW - p0);
      const int64_t c0 = cb * kNchwcBlock, cn = std::min(kNchwcBlock, C - c0);
      pack_row(x + (n * C + c0) * HW + p0, HW, 1, cn, len, y + (nb * HW + p0) * kNchwcBlock, kNchwcBlock,
               HW * kNchwcBlock);
    }
  });
}

void nchwc_reorder_out_f32(const float* x, int64_t N, int64_t C, int64_t HW, float* y, ThreadPool* pool) {
  const int64_t Cb = nchwc_padded_channels(C) / kNchwcBlock, chunks = (HW + kPixelChunk - 1) / kPixelChunk;
  const ConvDirectUnpackFn unpack = conv_direct_selected_variant().unpack;
  ThreadPool::parallel_for(pool, N * Cb * chunks, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t nb = t / chunks, n = nb / Cb, cb = nb % Cb;
      const int64_t p0 = t % chunks * kPixelChunk, len = std::min(kPixelChunk, HW - p0);
      const float* src = x + (nb * HW + p0) * kNchwcBlock;
      const int64_t cn = std::min(kNchwcBlock, C - cb * kNchwcBlock);
      unpack(src, len, cn, y + (n * C + cb * kNchwcBlock) * HW + p0, HW);
    }
  });
}

void nchwc_global_avg_pool_f32(const float* x, int64_t N, int64_t Cp, int64_t HW, float* y, ThreadPool* pool) {
  const int64_t blocks = N * Cp / kNchwcBlock;
  ThreadPool::parallel_for(pool, blocks, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, HW)),
                           [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* src = x + b * HW * kNchwcBlock;
      float acc[kNchwcBlock] = {};
      for (int64_t p = 0; p < HW; ++p)
        for (int64_t j = 0; j < kNchwcBlock; ++j) acc[j] += src[p * kNchwcBlock + j];
      for (int64_t j = 0; j < kNchwcBlock; ++j) y[b * kNchwcBlock + j] = HW > 0 ? acc[j] / static_cast<float>(HW) : 0.0f;
    }
  });
}

}  // namespace onyxrt::kernels
