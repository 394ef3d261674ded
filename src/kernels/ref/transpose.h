// Axis permutation of a dense row-major array (ONNX Transpose): out.shape[i] = in.shape[perm[i]].
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt::kernels::ref {

// The permutation reduced to what matters for copying: dims of extent 1 dropped and input dims
// that stay adjacent and in order merged, so e.g. perm (0,2,3,1) on NCHW becomes a 2-D transpose.
struct TransposePlan {
  std::vector<int64_t> out_dims;    // merged output dims
  std::vector<int64_t> in_strides;  // input element stride for each merged output dim
  int64_t size = 0;
};

TransposePlan plan_transpose(const Shape& in_shape, const std::vector<int64_t>& perm);

// Writes output elements [begin, end) of the transpose described by `plan`.
template <typename T>
void transpose_range(const T* in, T* out, const TransposePlan& plan, int64_t begin, int64_t end) {
  const size_t rank = plan.out_dims.size();
  if (begin >= end) return;
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  std::vector<int64_t> idx(rank);
  int64_t rem = begin;
  int64_t offset = 0;
  for (size_t d = rank; d-- > 0;) {
    idx[d] = rem % plan.out_dims[d];
    rem /= plan.out_dims[d];
    offset += idx[d] * plan.in_strides[d];
  }
  const int64_t inner = plan.out_dims[rank - 1];
  const int64_t inner_stride = plan.in_strides[rank - 1];
  int64_t pos = begin;
  while (pos < end) {
    const int64_t count = std::min<int64_t>(inner - idx[rank - 1], end - pos);
    for (int64_t i = 0; i < count; ++i) out[pos + i] = in[offset + i * inner_stride];
    pos += count;
    offset += count * inner_stride;
    idx[rank - 1] += count;
    // Carry into outer dims, rewinding the offset of each dim that wraps.
    for (size_t d = rank - 1; d > 0 && idx[d] == plan.out_dims[d]; --d) {
      offset -= idx[d] * plan.in_strides[d];
      idx[d] = 0;
      ++idx[d - 1];
      offset += plan.in_strides[d - 1];
    }
  }
}

}  // namespace onyxrt::kernels::ref
