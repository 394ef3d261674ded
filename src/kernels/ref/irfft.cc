#include "kernels/ref/irfft.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace onyxrt::kernels {

void irfft_ref(const double* re, const double* im, int64_t count, int64_t n, double* out) {
  // Twiddles indexed by (j * k) mod n keep every angle exact to one rounding, however long n is.
  std::vector<double> cos_t(static_cast<size_t>(n)), sin_t(static_cast<size_t>(n));
  const double step = 2.0 * M_PI / static_cast<double>(n);
  for (int64_t t = 0; t < n; ++t) {
    cos_t[t] = std::cos(step * static_cast<double>(t));
    sin_t[t] = std::sin(step * static_cast<double>(t));
  }
  const int64_t half = n / 2;
  const int64_t used = std::min(count, half + 1);
  const bool has_nyquist = n % 2 == 0 && used > half;
  const int64_t last_pair = has_nyquist ? half - 1 : used - 1;  // bins that appear twice (k, n - k)
  for (int64_t j = 0; j < n; ++j) {
    double acc = used > 0 ? re[0] : 0.0;
    for (int64_t k = 1; k <= last_pair; ++k) {
      const int64_t t = (j * k) % n;
      acc += 2.0 * (re[k] * cos_t[t] - (im ? im[k] * sin_t[t] : 0.0));
    }
    if (has_nyquist) acc += (j % 2 == 0 ? 1.0 : -1.0) * re[half];
    out[j] = acc / static_cast<double>(n);
  }
}

}  // namespace onyxrt::kernels
