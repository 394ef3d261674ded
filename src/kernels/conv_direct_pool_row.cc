// The portable pooling row of the direct convolution's variants (ConvDirectPoolRow): each pixel
// over the columns of its window that lie in the row, kernel rows outer, as the vector rows sum.
#include <algorithm>
#include <limits>

#include "kernels/conv_direct.h"

namespace onyxrt::kernels {

void f32_conv_direct_portable_pool_row(const ConvDirectPoolRow& r) {
  constexpr int B = kConvDirectChannelBlock;
  for (int64_t j = 0; j < r.count; ++j) {
    const int64_t c0 = r.col0 + j * r.stride;
    const int64_t lo = std::max<int64_t>(c0, 0), hi = std::min<int64_t>(c0 + r.kw, r.width);
    float acc[B];
    std::fill(acc, acc + B, r.max ? -std::numeric_limits<float>::infinity() : 0.0f);
    for (int kh = 0; kh < r.nrows; ++kh)
      for (int64_t c = lo; c < hi; ++c)
        for (int i = 0; i < B; ++i) {
          const float v = r.rows[kh][c * B + i];
          acc[i] = r.max ? (v > acc[i] ? v : acc[i]) : acc[i] + v;
        }
    for (int i = 0; i < B; ++i) r.y[j * B + i] = r.max ? acc[i] : acc[i] / r.divisors[j];
  }
}

}  // namespace onyxrt::kernels
