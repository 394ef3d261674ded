#include "kernels/ref/conv.h"

#include "kernels/ref/gemm.h"

namespace onyxrt::kernels {

bool conv_is_pointwise(const Window3d& w) {
  for (int i = 0; i < 3; ++i)
    if (w.kernel[i] != 1 || w.stride[i] != 1 || w.pad_begin[i] != 0 || w.pad_end[i] != 0) return false;
  return true;
}

template <typename T>
void im2col_3d_ref(const Window3d& w, int64_t channels, const T* x, T* col) {
  const int64_t in_plane = w.in_size();
  for (int64_t c = 0; c < channels; ++c) {
    const T* xc = x + c * in_plane;
    for (int64_t kd = 0; kd < w.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < w.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
          for (int64_t od = 0; od < w.out[0]; ++od) {
            const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
            for (int64_t oh = 0; oh < w.out[1]; ++oh) {
              const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
              T* dst = col;
              col += w.out[2];
              if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) {
                for (int64_t ow = 0; ow < w.out[2]; ++ow) dst[ow] = T(0);
                continue;
              }
              const T* src = xc + (id * w.in[1] + ih) * w.in[2];
              for (int64_t ow = 0; ow < w.out[2]; ++ow) {
                const int64_t iw = ow * w.stride[2] - w.pad_begin[2] + kw * w.dilation[2];
                dst[ow] = (iw >= 0 && iw < w.in[2]) ? src[iw] : T(0);
              }
            }
          }
        }
  }
}

template <typename T>
void conv_apply_weights_ref(const Window3d& w, int64_t in_channels, int64_t m_begin, int64_t m_end,
                            const T* weight, const T* bias, const T* col, T* y) {
  const int64_t K = in_channels * w.kernel_size();
  const int64_t P = w.out_size();
  if (m_end <= m_begin) return;
  gemm_ref<T>(false, false, m_end - m_begin, P, K, T(1), weight + m_begin * K, K, col, P, T(0), y + m_begin * P, P);
  if (bias != nullptr) {
    for (int64_t m = m_begin; m < m_end; ++m) {
      T* ym = y + m * P;
      const T b = bias[m];
      for (int64_t p = 0; p < P; ++p) ym[p] += b;
    }
  }
}

template <typename T>
void conv_3d_ref(const Window3d& w, int64_t in_channels, int64_t out_channels, const T* x, const T* weight,
                 const T* bias, T* y, T* col) {
  const T* cols = x;
  if (!conv_is_pointwise(w)) {
    im2col_3d_ref<T>(w, in_channels, x, col);
    cols = col;
  }
  conv_apply_weights_ref<T>(w, in_channels, 0, out_channels, weight, bias, cols, y);
}

#define ONYXRT_INSTANTIATE_CONV_REF(T)                                                                      \
  template void im2col_3d_ref<T>(const Window3d&, int64_t, const T*, T*);                                   \
  template void conv_apply_weights_ref<T>(const Window3d&, int64_t, int64_t, int64_t, const T*, const T*,   \
                                          const T*, T*);                                                    \
  template void conv_3d_ref<T>(const Window3d&, int64_t, int64_t, const T*, const T*, const T*, T*, T*);
ONYXRT_INSTANTIATE_CONV_REF(float)
ONYXRT_INSTANTIATE_CONV_REF(double)
#undef ONYXRT_INSTANTIATE_CONV_REF

}  // namespace onyxrt::kernels
