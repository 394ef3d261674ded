#include "kernels/ref/softmax.h"

#include <cmath>
#include <limits>

namespace onyxrt::kernels {

template <typename T>
void softmax_ref(const T* x, T* y, int64_t outer, int64_t axis_len, int64_t inner, T* scratch) {
  const int64_t block = axis_len * inner;
  for (int64_t o = 0; o < outer; ++o) {
    const T* xo = x + o * block;
    T* yo = y + o * block;
    if (inner == 1) {
      T mx = -std::numeric_limits<T>::infinity();
      for (int64_t a = 0; a < axis_len; ++a) mx = xo[a] > mx ? xo[a] : mx;
      T sum = T(0);
      for (int64_t a = 0; a < axis_len; ++a) {
        yo[a] = std::exp(xo[a] - mx);
        sum += yo[a];
      }
      const T inv = T(1) / sum;
      for (int64_t a = 0; a < axis_len; ++a) yo[a] *= inv;
      continue;
    }
    T* mx = scratch;
    T* sum = scratch + inner;
    for (int64_t i = 0; i < inner; ++i) {
      mx[i] = -std::numeric_limits<T>::infinity();
      sum[i] = T(0);
    }
    for (int64_t a = 0; a < axis_len; ++a) {
      const T* row = xo + a * inner;
      for (int64_t i = 0; i < inner; ++i) mx[i] = row[i] > mx[i] ? row[i] : mx[i];
    }
    for (int64_t a = 0; a < axis_len; ++a) {
      const T* row = xo + a * inner;
      T* out = yo + a * inner;
      for (int64_t i = 0; i < inner; ++i) {
        out[i] = std::exp(row[i] - mx[i]);
        sum[i] += out[i];
      }
    }
    for (int64_t i = 0; i < inner; ++i) sum[i] = T(1) / sum[i];
    for (int64_t a = 0; a < axis_len; ++a) {
      T* out = yo + a * inner;
      for (int64_t i = 0; i < inner; ++i) out[i] *= sum[i];
    }
  }
}

template void softmax_ref<float>(const float*, float*, int64_t, int64_t, int64_t, float*);
template void softmax_ref<double>(const double*, double*, int64_t, int64_t, int64_t, double*);

}  // namespace onyxrt::kernels
