// Portable reference softmax over the middle axis of x viewed as [outer, axis_len, inner].
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

// y = exp(x - max) / sum(exp(x - max)) along the axis. `scratch` needs 2 * inner elements when
// inner > 1 (running max and sum per inner position, so the loops stream rows); may be null when
// inner == 1.
template <typename T>
void softmax_ref(const T* x, T* y, int64_t outer, int64_t axis_len, int64_t inner, T* scratch);

}  // namespace onyxrt::kernels
