// Float MaxPool / AveragePool over one 1-D or 2-D plane (Window3d with dim 0 trivial), any kernel,
// stride, dilation and padding. Output columns whose window lies inside the input horizontally
// are computed a kernel tap at a time across the row, so the compiler vectorizes over output
// width; the few edge columns take a bounds-checked scalar path. Results match
// kernels/ref/pool.h (the oracle) except that a max window holding only NaNs gives -inf there.
//
// The variants are one plain C++ body (pool_2d_body.h) compiled per ISA; ONYXRT_POOL2D_VARIANTS is
// the one list that declares them, dispatches among them and drives their tests.
#pragma once
#include <cstdint>
#include <span>

#include "core/cpu_features.h"
#include "kernels/ref/window.h"

namespace onyxrt::kernels {

// max_plane(w, x, y): y = max over each window. avg_plane(w, x, y, count_include_pad): the mean.
struct Pool2dVariant {
  const char* name;
  bool (*supported)(const CpuFeatures&);
  void (*max_plane)(const Window3d& w, const float* x, float* y);
  void (*avg_plane)(const Window3d& w, const float* x, float* y, bool count_include_pad);
};

// X(prefix, cpu_predicate): prefix##_max and prefix##_avg are the two plane kernels.
#define ONYXRT_POOL2D_VARIANTS(X)                                                            \
  X(f32_pool2d_avx512, [](const CpuFeatures& f) { return f.has_avx512_core(); })           \
  X(f32_pool2d_avx2, [](const CpuFeatures& f) { return f.has_avx2_fma(); })                \
  X(f32_pool2d_portable, [](const CpuFeatures&) { return true; })

#define ONYXRT_DECLARE_POOL2D_VARIANT(prefix, pred)                    \
  void prefix##_max(const Window3d& w, const float* x, float* y); \
  void prefix##_avg(const Window3d& w, const float* x, float* y, bool count_include_pad);
ONYXRT_POOL2D_VARIANTS(ONYXRT_DECLARE_POOL2D_VARIANT)
#undef ONYXRT_DECLARE_POOL2D_VARIANT

// Every variant compiled in, best first.
std::span<const Pool2dVariant> pool2d_variants();
// The first variant cpu_features() supports; chosen once.
const Pool2dVariant& pool2d_selected_variant();

// True when `w` is a geometry the plane kernels accept (dim 0 trivial).
bool pool2d_supports(const Window3d& w);

}  // namespace onyxrt::kernels
