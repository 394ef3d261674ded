// The vector-math kernels compiled with this directory's AVX512 flags: 16 float lanes.
#define ONYXRT_VMATH_LANES 16
#include "kernels/vmath.h"

#include "kernels/vmath_kernels_body.h"

namespace onyxrt::kernels {

const VMathKernels& f32_vmath_avx512() {
  static const VMathKernels k = vmath_body::make_kernels();
  return k;
}

}  // namespace onyxrt::kernels
