#include "kernels/ref/pool.h"

#include <limits>

namespace onyxrt::kernels {
namespace {

// Window positions along one axis that fall in [lo, hi), as input coordinates start + k * dil.
struct AxisRange {
  int64_t start, dil, k_begin, k_end;
};
inline AxisRange axis_range(const Window3d& w, int axis, int64_t o, int64_t lo, int64_t hi) {
  const int64_t start = o * w.stride[axis] - w.pad_begin[axis];
  const int64_t d = w.dilation[axis];
  int64_t kb = 0, ke = w.kernel[axis];
  while (kb < ke && start + kb * d < lo) ++kb;
  while (ke > kb && start + (ke - 1) * d >= hi) --ke;
  return {start, d, kb, ke};
}

}  // namespace

template <typename T>
void maxpool_3d_ref(const Window3d& w, const T* x, T* y, int64_t* indices, int64_t index_base, bool column_major) {
  for (int64_t od = 0; od < w.out[0]; ++od) {
    const AxisRange rd = axis_range(w, 0, od, 0, w.in[0]);
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      const AxisRange rh = axis_range(w, 1, oh, 0, w.in[1]);
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        const AxisRange rw = axis_range(w, 2, ow, 0, w.in[2]);
        T best = std::numeric_limits<T>::lowest();
        int64_t bd = -1, bh = -1, bw = -1;
        for (int64_t kd = rd.k_begin; kd < rd.k_end; ++kd) {
          const int64_t id = rd.start + kd * rd.dil;
          for (int64_t kh = rh.k_begin; kh < rh.k_end; ++kh) {
            const int64_t ih = rh.start + kh * rh.dil;
            const T* row = x + (id * w.in[1] + ih) * w.in[2];
            for (int64_t kw = rw.k_begin; kw < rw.k_end; ++kw) {
              const int64_t iw = rw.start + kw * rw.dil;
              const T v = row[iw];
              // NaN compares false, so it never becomes the max; `bd < 0` admits a first value
              // equal to lowest().
              if (v > best || (bd < 0 && v == v)) {
                best = v;
                bd = id, bh = ih, bw = iw;
              }
            }
          }
        }
        const int64_t o = (od * w.out[1] + oh) * w.out[2] + ow;
        y[o] = best;
        if (indices != nullptr) {
          int64_t flat = 0;
          if (bd >= 0)
            flat = column_major ? bd + bh * w.in[0] + bw * w.in[0] * w.in[1] : (bd * w.in[1] + bh) * w.in[2] + bw;
          indices[o] = index_base + flat;
        }
      }
    }
  }
}

template <typename T>
void avgpool_3d_ref(const Window3d& w, const T* x, T* y, bool count_include_pad) {
  for (int64_t od = 0; od < w.out[0]; ++od) {
    const AxisRange rd = axis_range(w, 0, od, 0, w.in[0]);
    const AxisRange pd = axis_range(w, 0, od, -w.pad_begin[0], w.in[0] + w.pad_end[0]);
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      const AxisRange rh = axis_range(w, 1, oh, 0, w.in[1]);
      const AxisRange ph = axis_range(w, 1, oh, -w.pad_begin[1], w.in[1] + w.pad_end[1]);
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        const AxisRange rw = axis_range(w, 2, ow, 0, w.in[2]);
        const AxisRange pw = axis_range(w, 2, ow, -w.pad_begin[2], w.in[2] + w.pad_end[2]);
        T sum = T(0);
        for (int64_t kd = rd.k_begin; kd < rd.k_end; ++kd) {
          const int64_t id = rd.start + kd * rd.dil;
          for (int64_t kh = rh.k_begin; kh < rh.k_end; ++kh) {
            const int64_t ih = rh.start + kh * rh.dil;
            const T* row = x + (id * w.in[1] + ih) * w.in[2];
            for (int64_t kw = rw.k_begin; kw < rw.k_end; ++kw) sum += row[rw.start + kw * rw.dil];
          }
        }
        const int64_t count = count_include_pad
                                  ? (pd.k_end - pd.k_begin) * (ph.k_end - ph.k_begin) * (pw.k_end - pw.k_begin)
                                  : (rd.k_end - rd.k_begin) * (rh.k_end - rh.k_begin) * (rw.k_end - rw.k_begin);
        y[(od * w.out[1] + oh) * w.out[2] + ow] = count > 0 ? sum / T(count) : T(0);
      }
    }
  }
}

#define ONYXRT_INSTANTIATE_POOL_REF(T)                                                  \
  template void maxpool_3d_ref<T>(const Window3d&, const T*, T*, int64_t*, int64_t, bool); \
  template void avgpool_3d_ref<T>(const Window3d&, const T*, T*, bool);
ONYXRT_INSTANTIATE_POOL_REF(float)
ONYXRT_INSTANTIATE_POOL_REF(double)
#undef ONYXRT_INSTANTIATE_POOL_REF

template void maxpool_3d_ref<int8_t>(const Window3d&, const int8_t*, int8_t*, int64_t*, int64_t, bool);
template void maxpool_3d_ref<uint8_t>(const Window3d&, const uint8_t*, uint8_t*, int64_t*, int64_t, bool);

}  // namespace onyxrt::kernels
