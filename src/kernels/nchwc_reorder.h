// The NCHW8c layout's boundary kernels: NCHW <-> [N][Cp / 8][spatial][8] with Cp the channel
// count rounded up to 8 (the channels past C are zero on the way in and dropped on the way out),
// and the global average pool that reads the blocks in place. The layout pass
// (opt/nchwc_layout.cc) puts the reorders where a chain of blocked operators starts and ends.
#pragma once
#include <cstdint>

namespace onyxrt {
class ThreadPool;
}

namespace onyxrt::kernels {

constexpr int64_t kNchwcBlock = 8;

inline int64_t nchwc_padded_channels(int64_t c) { return (c + kNchwcBlock - 1) / kNchwcBlock * kNchwcBlock; }

// y [N][Cp / 8][HW][8] = x [N][C][HW], zeros in the channels past C.
void nchwc_reorder_in_f32(const float* x, int64_t N, int64_t C, int64_t HW, float* y, ThreadPool* pool);
// y [N][C][HW] = the first C channels of x [N][Cp / 8][HW][8].
void nchwc_reorder_out_f32(const float* x, int64_t N, int64_t C, int64_t HW, float* y, ThreadPool* pool);
// y [N][Cp] = the mean over HW of each channel of x [N][Cp / 8][HW][8] (Cp a multiple of 8): y is
// both NCHW and NCHW8c for a 1x1 plane.
void nchwc_global_avg_pool_f32(const float* x, int64_t N, int64_t Cp, int64_t HW, float* y, ThreadPool* pool);

}  // namespace onyxrt::kernels
