// Copying an N-D block of elements between two arrays addressed by arbitrary (possibly zero or
// negative) element strides. Slice, Expand, Tile, DepthToSpace, SpaceToDepth and CenterCropPad are
// each one or a few calls of it with the strides their definition implies.
#pragma once
#include <cstdint>
#include <vector>

namespace onyxrt::kernels::ref {

// For every index i of `extent` (row-major): out[sum(i[d]*out_strides[d])] =
// in[sum(i[d]*in_strides[d])]. `in` and `out` point at the block's first element.
template <typename T>
void strided_copy(const T* in, const std::vector<int64_t>& in_strides, T* out, const std::vector<int64_t>& out_strides,
                  const std::vector<int64_t>& extent) {
  const size_t rank = extent.size();
  for (int64_t e : extent) {
    if (e <= 0) return;
  }
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  std::vector<int64_t> idx(rank, 0);
  const int64_t inner = extent[rank - 1];
  const int64_t is = in_strides[rank - 1];
  const int64_t os = out_strides[rank - 1];
  int64_t in_off = 0, out_off = 0;
  while (true) {
    for (int64_t k = 0; k < inner; ++k) out[out_off + k * os] = in[in_off + k * is];
    size_t d = rank - 1;
    while (true) {
      if (d == 0) return;
      --d;
      ++idx[d];
      in_off += in_strides[d];
      out_off += out_strides[d];
      if (idx[d] < extent[d]) break;
      in_off -= idx[d] * in_strides[d];
      out_off -= idx[d] * out_strides[d];
      idx[d] = 0;
    }
  }
}

// Row-major element strides of `extent`.
inline std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& extent) {
  std::vector<int64_t> s(extent.size(), 1);
  for (size_t d = extent.size(); d-- > 1;) s[d - 1] = s[d] * extent[d];
  return s;
}

}  // namespace onyxrt::kernels::ref
