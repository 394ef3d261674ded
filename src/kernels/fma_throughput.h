// Tight FMA loops that measure this machine's FP32 peak, so GEMM speed can be reported as a share
// of it. Each runs `iterations` rounds of independent FMA chains and returns the flops done.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

int64_t f32_fma_throughput_avx2(int64_t iterations, float* sink);
int64_t f32_fma_throughput_avx512(int64_t iterations, float* sink);

}  // namespace onyxrt::kernels
