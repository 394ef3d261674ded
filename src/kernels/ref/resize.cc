#include "kernels/ref/resize.h"

#include <algorithm>
#include <cmath>

namespace onyxrt::kernels {
namespace {

// Source coordinate of output index x; sets *outside for tf_crop_and_resize beyond the input.
double source_coordinate(const ResizeOptions& opt, const ResizeAxis& a, double x, bool* outside) {
  const double in = static_cast<double>(a.in);
  const double out_f = a.scale * in;  // the unrounded output length
  switch (opt.coord) {
    // align_corners and tf_crop_and_resize divide by the unrounded output length scale * in, as
    // the ONNX reference (which made the backend suite's expected data) does.
    case ResizeCoordMode::AlignCorners:
      return out_f == 1 ? 0.0 : x * (in - 1) / (out_f - 1);
    case ResizeCoordMode::Asymmetric: return x / a.scale;
    case ResizeCoordMode::TfHalfPixelForNn: return (x + 0.5) / a.scale;
    case ResizeCoordMode::PytorchHalfPixel: return a.out == 1 ? -0.5 : (x + 0.5) / a.scale - 0.5;
    case ResizeCoordMode::HalfPixel: return (x + 0.5) / a.scale - 0.5;
    case ResizeCoordMode::HalfPixelSymmetric: {
      const double adjustment = static_cast<double>(a.out) / out_f;
      const double offset = in / 2 * (1 - adjustment);
      return offset + (x + 0.5) / a.scale - 0.5;
    }
    case ResizeCoordMode::TfCropAndResize: {
      double v = out_f == 1 ? (a.roi_end - a.roi_start) * (in - 1) / 2
                            : x * (a.roi_end - a.roi_start) * (in - 1) / (out_f - 1);
      v += a.roi_start * (in - 1);
      *outside = v < 0 || v > in - 1;
      return v;
    }
  }
  return x;
}

double cubic_kernel(double x, double A) {
  x = std::abs(x);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

// The coefficients for fractional position `ratio` (1 when the source is an integer).
std::vector<double> coefficients(const ResizeOptions& opt, double ratio, double scale, bool downsampling) {
  switch (opt.mode) {
    case ResizeMode::Nearest: {
      const bool integer = ratio == 1.0;
      if (integer) return {0, 1};
      switch (opt.nearest) {
        case ResizeNearestMode::RoundPreferFloor: return {double(ratio <= 0.5), double(ratio > 0.5)};
        case ResizeNearestMode::RoundPreferCeil: return {double(ratio < 0.5), double(ratio >= 0.5)};
        case ResizeNearestMode::Floor: return {1, 0};
        case ResizeNearestMode::Ceil: return {0, 1};
        case ResizeNearestMode::Simple: return downsampling ? std::vector<double>{0, 1} : std::vector<double>{1, 0};
      }
      return {1, 0};
    }
    case ResizeMode::Linear: {
      if (!opt.antialias) return {1 - ratio, ratio};
      const double s = std::min(scale, 1.0);
      const int64_t start = static_cast<int64_t>(std::floor(-1 / s)) + 1;
      const int64_t n = 2 - 2 * start;
      std::vector<double> c(n);
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        c[i] = std::clamp(1 - std::abs((static_cast<double>(start + i) - ratio) * s), 0.0, 1.0);
        sum += c[i];
      }
      for (double& v : c) v /= sum;
      return c;
    }
    case ResizeMode::Cubic: {
      const double A = opt.cubic_a;
      if (!opt.antialias)
        return {cubic_kernel(ratio + 1, A), cubic_kernel(ratio, A), cubic_kernel(1 - ratio, A),
                cubic_kernel(2 - ratio, A)};
      const double s = std::min(scale, 1.0);
      const int64_t start = static_cast<int64_t>(std::floor(-2 / s)) + 1;
      const int64_t n = 2 - 2 * start;
      std::vector<double> c(n);
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        c[i] = cubic_kernel(s * (static_cast<double>(start + i) - ratio), A);
        sum += c[i];
      }
      for (double& v : c) v /= sum;
      return c;
    }
  }
  return {};
}

}  // namespace

ResizeTaps resize_axis_taps(const ResizeOptions& opt, const ResizeAxis& a) {
  ResizeTaps t;
  t.extrapolate.assign(static_cast<size_t>(a.out), 0);
  const bool downsampling = a.scale < 1.0;
  for (int64_t j = 0; j < a.out; ++j) {
    bool outside = false;
    const double x = source_coordinate(opt, a, static_cast<double>(j), &outside);
    t.extrapolate[j] = outside;
    const double fl = std::floor(x);
    const double ratio = x == fl ? 1.0 : x - fl;
    std::vector<double> c = coefficients(opt, ratio, a.scale, downsampling);
    const int64_t n = static_cast<int64_t>(c.size());
    if (j == 0) t.taps = n;
    // The n nearest source indices to x, ties going to the lower ones (the reference's rule).
    const int64_t pad = (n + 1) / 2;
    const double xp = x + static_cast<double>(pad);
    const double p = std::floor(xp);
    const double frac = xp - p;
    int64_t offset;
    if (n % 2 == 0)
      offset = frac == 0 ? -(n / 2) : -(n / 2) + 1;
    else
      offset = frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1;
    const int64_t first = static_cast<int64_t>(p) + offset - pad;
    if (opt.exclude_outside) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        const int64_t idx = first + k;
        if (idx < 0 || idx >= a.in) c[k] = 0;
        sum += c[k];
      }
      if (sum != 0)
        for (double& v : c) v /= sum;
    }
    for (int64_t k = 0; k < n; ++k) {
      t.index.push_back(std::clamp<int64_t>(first + k, 0, a.in - 1));
      t.weight.push_back(c[k]);
    }
  }
  return t;
}

void resize_axis_apply(const ResizeTaps& t, int64_t outer, int64_t in, int64_t out, int64_t inner,
                       double extrapolation_value, const double* src, double* dst) {
  for (int64_t o = 0; o < outer; ++o) {
    const double* s = src + o * in * inner;
    double* d = dst + o * out * inner;
    for (int64_t j = 0; j < out; ++j) {
      double* dj = d + j * inner;
      if (t.extrapolate[j]) {
        std::fill(dj, dj + inner, extrapolation_value);
        continue;
      }
      std::fill(dj, dj + inner, 0.0);
      for (int64_t k = 0; k < t.taps; ++k) {
        const double w = t.weight[j * t.taps + k];
        if (w == 0) continue;
        const double* sk = s + t.index[j * t.taps + k] * inner;
        for (int64_t i = 0; i < inner; ++i) dj[i] += w * sk[i];
      }
    }
  }
}

}  // namespace onyxrt::kernels
