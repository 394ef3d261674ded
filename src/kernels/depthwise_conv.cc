// The portable depthwise plane kernel (baseline x86-64 / any target flags), the variant table and
// the plane loop that the Conv op calls.
#include "kernels/depthwise_conv.h"

#include "kernels/depthwise_conv_body.h"

namespace onyxrt::kernels {

void f32_dwconv2d_portable(const Window3d& w, const float* x, const float* kernel, float bias, float* y) {
  dwconv_body::plane(w, x, kernel, bias, y);
}

std::span<const DwConvVariant> dwconv2d_variants() {
#define ONYXRT_DWCONV_ENTRY(name, pred) DwConvVariant{#name, pred, name},
  static const DwConvVariant variants[] = {ONYXRT_DWCONV_VARIANTS(ONYXRT_DWCONV_ENTRY)};
#undef ONYXRT_DWCONV_ENTRY
  return variants;
}

const DwConvVariant& dwconv2d_selected_variant() {
  static const DwConvVariant& selected = []() -> const DwConvVariant& {
    for (const DwConvVariant& v : dwconv2d_variants())
      if (v.supported(cpu_features())) return v;
    return dwconv2d_variants().back();
  }();
  return selected;
}

bool dwconv2d_supports(const Window3d& w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 && w.pad_end[0] == 0;
}

void dwconv2d_f32(const Window3d& w, int64_t channels, int64_t plane_begin, int64_t plane_end, const float* x,
                  const float* kernel, const float* bias, float* y, const float* z, const ConvActivation& act) {
  const DwConvPlaneFn fn = dwconv2d_selected_variant().fn;
  const int64_t in_plane = w.in_size(), out_plane = w.out_size(), ksize = w.kernel_size();
  for (int64_t p = plane_begin; p < plane_end; ++p) {
    const int64_t c = p % channels;
    fn(w, x + p * in_plane, kernel + c * ksize, bias ? bias[c] : 0.0f, y + p * out_plane);
    if (z != nullptr || act.kind != ConvActivation::Kind::kNone)
      apply_conv_activation(act, z ? z + p * out_plane : nullptr, y + p * out_plane, out_plane);
  }
}

}  // namespace onyxrt::kernels
