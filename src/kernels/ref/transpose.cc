#include "kernels/ref/transpose.h"

namespace onyxrt::kernels::ref {

TransposePlan plan_transpose(const Shape& in_shape, const std::vector<int64_t>& perm) {
  const size_t rank = in_shape.size();
  std::vector<int64_t> in_strides(rank);
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    in_strides[d] = stride;
    stride *= in_shape[d];
  }
  TransposePlan plan;
  plan.size = stride;
  // prev_in: the input axis of the previous kept output dim, to detect runs that can merge.
  int64_t prev_in = -2;
  for (size_t i = 0; i < rank; ++i) {
    const int64_t axis = perm[i];
    const int64_t extent = in_shape[axis];
    if (extent == 1) continue;
    bool adjacent = prev_in >= 0 && axis > prev_in;
    // Merging needs every input axis between prev_in and axis to be of extent 1.
    for (int64_t a = prev_in + 1; adjacent && a < axis; ++a) adjacent = in_shape[a] == 1;
    if (adjacent) {
      plan.out_dims.back() *= extent;
      plan.in_strides.back() = in_strides[axis];
    } else {
      plan.out_dims.push_back(extent);
      plan.in_strides.push_back(in_strides[axis]);
    }
    prev_in = axis;
  }
  if (plan.out_dims.empty() && plan.size > 0) {
    plan.out_dims.push_back(1);
    plan.in_strides.push_back(1);
  }
  return plan;
}

}  // namespace onyxrt::kernels::ref
