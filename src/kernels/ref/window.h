// Geometry of a sliding window over up to three spatial dims, shared by the convolution and
// pooling reference kernels. Lower-rank problems are padded at the front with size-1 dims (kernel
// 1, stride 1, no pad), which leaves both row-major and column-major flat indices unchanged.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

struct Window3d {
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilation[3] = {1, 1, 1};
  int64_t pad_begin[3] = {0, 0, 0};
  int64_t pad_end[3] = {0, 0, 0};

  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
};

}  // namespace onyxrt::kernels
