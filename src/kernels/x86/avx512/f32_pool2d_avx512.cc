// The pooling plane kernel bodies compiled with this directory's AVX512 flags.
#include "kernels/pool_2d.h"
#include "kernels/pool_2d_body.h"

namespace onyxrt::kernels {

void f32_pool2d_avx512_max(const Window3d& w, const float* x, float* y) { pool2d_body::plane<true>(w, x, y, false); }
void f32_pool2d_avx512_avg(const Window3d& w, const float* x, float* y, bool count_include_pad) {
  pool2d_body::plane<false>(w, x, y, count_include_pad);
}

}  // namespace onyxrt::kernels
