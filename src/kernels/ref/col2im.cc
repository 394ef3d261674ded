#include "kernels/ref/col2im.h"

namespace onyxrt::kernels {

template <typename T>
void col2im_add_3d_ref(const Window3d& w, int64_t channels, const T* col, T* image) {
  const int64_t out_size = w.out_size();
  const int64_t in_size = w.in_size();
  for (int64_t c = 0; c < channels; ++c) {
    T* img = image + c * in_size;
    for (int64_t k0 = 0; k0 < w.kernel[0]; ++k0)
      for (int64_t k1 = 0; k1 < w.kernel[1]; ++k1)
        for (int64_t k2 = 0; k2 < w.kernel[2]; ++k2) {
          const int64_t row = ((c * w.kernel[0] + k0) * w.kernel[1] + k1) * w.kernel[2] + k2;
          const T* src = col + row * out_size;
          for (int64_t o0 = 0; o0 < w.out[0]; ++o0) {
            const int64_t i0 = o0 * w.stride[0] - w.pad_begin[0] + k0 * w.dilation[0];
            if (i0 < 0 || i0 >= w.in[0]) continue;
            for (int64_t o1 = 0; o1 < w.out[1]; ++o1) {
              const int64_t i1 = o1 * w.stride[1] - w.pad_begin[1] + k1 * w.dilation[1];
              if (i1 < 0 || i1 >= w.in[1]) continue;
              const T* s = src + (o0 * w.out[1] + o1) * w.out[2];
              T* d = img + (i0 * w.in[1] + i1) * w.in[2];
              for (int64_t o2 = 0; o2 < w.out[2]; ++o2) {
                const int64_t i2 = o2 * w.stride[2] - w.pad_begin[2] + k2 * w.dilation[2];
                if (i2 >= 0 && i2 < w.in[2]) d[i2] += s[o2];
              }
            }
          }
        }
  }
}

template void col2im_add_3d_ref<float>(const Window3d&, int64_t, const float*, float*);
template void col2im_add_3d_ref<double>(const Window3d&, int64_t, const double*, double*);

}  // namespace onyxrt::kernels
