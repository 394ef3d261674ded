// Reference inverse real DFT (numpy's irfft), the oracle for DFT with inverse=1 and onesided=1:
// the input holds the non-negative-frequency half X[0 .. n/2] of a Hermitian spectrum; the
// output is the n real samples y[j] = (1/n) sum_k X[k] exp(+2 pi i j k / n) over the full
// spectrum X[n - k] = conj(X[k]). As in numpy (pocketfft's c2r), the imaginary parts of X[0] and,
// for even n, of X[n/2] are ignored, and bins past `count` are zero.
#pragma once
#include <cstdint>

namespace onyxrt::kernels {

// `re`/`im` hold `count` bins (im may be null: a real spectrum); `out` receives n samples.
void irfft_ref(const double* re, const double* im, int64_t count, int64_t n, double* out);

}  // namespace onyxrt::kernels
