// Reference discrete Fourier transform of one complex signal, the oracle for DFT and STFT:
// X[k] = sum_j x[j] exp(-+2 pi i j k / n) (the + sign and a 1/n factor when inverse). The signal is
// zero-padded or truncated to n points; only the first `bins` outputs are written (n / 2 + 1 for a
// one-sided transform). Direct O(n * bins) summation in double with an exact twiddle table.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

// `re`/`im` hold `count` input samples (im may be null for a real signal); `out` receives
// `bins` interleaved (real, imaginary) pairs.
void dft_ref(const double* re, const double* im, int64_t count, int64_t n, int64_t bins, bool inverse, double* out);

}  // namespace onyxrt::kernels
