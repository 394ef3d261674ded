// The portable vector-math variant (4 float lanes, the x86-64 SSE2 baseline or any target's
// generic vectors), the variant table and the one-time choice among variants.
#define ONYXRT_VMATH_LANES 4
#include "kernels/vmath.h"

#include "kernels/vmath_kernels_body.h"

namespace onyxrt::kernels {

const VMathKernels& f32_vmath_portable() {
  static const VMathKernels k = vmath_body::make_kernels();
  return k;
}

std::span<const VMathVariant> vmath_variants() {
#define ONYXRT_VMATH_ENTRY(name, pred) VMathVariant{#name, pred, name},
  static const VMathVariant variants[] = {ONYXRT_VMATH_VARIANTS(ONYXRT_VMATH_ENTRY)};
#undef ONYXRT_VMATH_ENTRY
  return variants;
}

const VMathKernels& vmath() {
  static const VMathKernels& selected = []() -> const VMathKernels& {
    for (const VMathVariant& v : vmath_variants())
      if (v.supported(cpu_features())) return v.kernels();
    return vmath_variants().back().kernels();
  }();
  return selected;
}

}  // namespace onyxrt::kernels
