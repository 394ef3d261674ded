#include "kernels/ref/dft.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace onyxrt::kernels {

void dft_ref(const double* re, const double* im, int64_t count, int64_t n, int64_t bins, bool inverse, double* out) {
  // Twiddles indexed by (j * k) mod n keep the angle exact for long transforms.
  std::vector<double> c(static_cast<size_t>(n)), s(static_cast<size_t>(n));
  const double sign = inverse ? 1.0 : -1.0;
  for (int64_t t = 0; t < n; ++t) {
    const double a = 2 * std::numbers::pi * static_cast<double>(t) / static_cast<double>(n);
    c[t] = std::cos(a);
    s[t] = sign * std::sin(a);
  }
  const int64_t used = count < n ? count : n;
  const double scale = inverse ? 1.0 / static_cast<double>(n) : 1.0;
  for (int64_t k = 0; k < bins; ++k) {
    double sr = 0, si = 0;
    int64_t idx = 0;
    for (int64_t j = 0; j < used; ++j) {
      const double xr = re[j], xi = im ? im[j] : 0.0;
      sr += xr * c[idx] - xi * s[idx];
      si += xr * s[idx] + xi * c[idx];
      idx += k;
      if (idx >= n) idx %= n;
    }
    out[2 * k] = sr * scale;
    out[2 * k + 1] = si * scale;
  }
}

}  // namespace onyxrt::kernels
