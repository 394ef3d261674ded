// The depthwise plane kernel body compiled with this directory's AVX2 flags: the compiler
// vectorizes the loops over output width with AVX2 registers.
#include "kernels/depthwise_conv.h"
#include "kernels/depthwise_conv_body.h"

namespace onyxrt::kernels {

void f32_dwconv2d_avx2(const Window3d& w, const float* x, const float* kernel, float bias, float* y) {
  dwconv_body::plane(w, x, kernel, bias, y);
}

}  // namespace onyxrt::kernels
