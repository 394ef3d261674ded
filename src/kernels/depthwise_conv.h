// Direct depthwise convolution for float, NCHW, channel multiplier 1: each output plane is one
// input plane convolved with that channel's own kh x kw kernel, plus that channel's bias. Avoids
// the im2col copy and the one-row GEMM per channel that the general Conv path would do.
//
// The variants are one plain C++ body (depthwise_conv_body.h) compiled once per ISA with that ISA's
// flags, so the compiler vectorizes the loop over output width for each; ONYXRT_DWCONV_VARIANTS
// is the one list that declares them, dispatches among them and drives their tests.
#pragma once
#include <cstdint>
#include <span>

#include "core/cpu_features.h"
#include "kernels/conv_activation.h"
#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// y[out_h, out_w] = conv(x[in_h, in_w], kernel[kh, kw]) + bias for one channel. The geometry uses
// dims 1 (height) and 2 (width) of `w`; dim 0 must be trivial (in, out and kernel 1, no pad), as
// Window3d gives it for 1-D and 2-D convolutions. Any kernel size, stride, dilation and padding.
using DwConvPlaneFn = void (*)(const Window3d& w, const float* x, const float* kernel, float bias, float* y);

// X(name, cpu_predicate)
#define ONYXRT_DWCONV_VARIANTS(X)                                                             \
  X(f32_dwconv2d_avx512, [](const CpuFeatures& f) { return f.has_avx512_core() && f.fma; }) \
  X(f32_dwconv2d_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); })                \
  X(f32_dwconv2d_portable, [](const CpuFeatures&) { return true; })

#define ONYXRT_DECLARE_DWCONV_VARIANT(name, pred) \
  void name(const Window3d& w, const float* x, const float* kernel, float bias, float* y);
ONYXRT_DWCONV_VARIANTS(ONYXRT_DECLARE_DWCONV_VARIANT)
#undef ONYXRT_DECLARE_DWCONV_VARIANT

struct DwConvVariant {
  const char* name;
  bool (*supported)(const CpuFeatures&);
  DwConvPlaneFn fn;
};

// Every variant compiled in, best first.
std::span<const DwConvVariant> dwconv2d_variants();
// The first variant cpu_features() supports; chosen once.
const DwConvVariant& dwconv2d_selected_variant();

// True when `w` is a geometry the plane kernels accept (dim 0 trivial).
bool dwconv2d_supports(const Window3d& w);

// Output planes [plane_begin, plane_end) of a depthwise convolution over planes laid out back to
// back (NCHW with n and c flattened): plane p reads x + p * in_plane, kernel + (p % channels) *
// kernel_size and bias[p % channels] (bias may be null), and writes y + p * out_plane. Then, while
// the plane is still in cache, y = act(y + z) with z laid out as y (z may be null): the fused
// Conv+Clip of MobileNet blocks. Runs on the calling thread; callers split planes across a pool.
void dwconv2d_f32(const Window3d& w, int64_t channels, int64_t plane_begin, int64_t plane_end, const float* x,
                  const float* kernel, const float* bias, float* y, const float* z = nullptr,
                  const ConvActivation& act = {});

}  // namespace onyxrt::kernels
