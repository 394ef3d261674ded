// The portable pooling plane kernels (baseline flags), the variant table and its dispatch.
#include "kernels/pool_2d.h"

#include "kernels/pool_2d_body.h"

namespace onyxrt::kernels {

void f32_pool2d_portable_max(const Window3d& w, const float* x, float* y) { pool2d_body::plane<true>(w, x, y, false); }
void f32_pool2d_portable_avg(const Window3d& w, const float* x, float* y, bool count_include_pad) {
  pool2d_body::plane<false>(w, x, y, count_include_pad);
}

std::span<const Pool2dVariant> pool2d_variants() {
#define ONYXRT_POOL2D_ENTRY(prefix, pred) Pool2dVariant{#prefix, pred, prefix##_max, prefix##_avg},
  static const Pool2dVariant variants[] = {ONYXRT_POOL2D_VARIANTS(ONYXRT_POOL2D_ENTRY)};
#undef ONYXRT_POOL2D_ENTRY
  return variants;
}

const Pool2dVariant& pool2d_selected_variant() {
  static const Pool2dVariant& selected = []() -> const Pool2dVariant& {
    for (const Pool2dVariant& v : pool2d_variants())
      if (v.supported(cpu_features())) return v;
    return pool2d_variants().back();
  }();
  return selected;
}

bool pool2d_supports(const Window3d& w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 && w.pad_end[0] == 0;
}

}  // namespace onyxrt::kernels
