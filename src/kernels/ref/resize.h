// Portable reference resampling for Resize/Upsample: separable, one axis at a time. For each
// output index along an axis, a fixed number of taps (input index, weight) is computed once, the
// way the ONNX reference evaluator picks neighbours and coefficients (nearest, linear, cubic,
// antialiased linear/cubic, exclude_outside, every coordinate_transformation_mode), then applied
// to every line of the tensor along that axis. Values are carried in double between axes.
#pragma once
#include <cstdint>
#include <vector>

namespace onyxrt::kernels {

enum class ResizeMode { Nearest, Linear, Cubic };
enum class ResizeCoordMode { HalfPixel, HalfPixelSymmetric, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize };
// Simple is Resize-10/Upsample's rule in onnxruntime: floor when upsampling, ceil when downsampling.
enum class ResizeNearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil, Simple };

struct ResizeOptions {
  ResizeMode mode = ResizeMode::Nearest;
  ResizeCoordMode coord = ResizeCoordMode::HalfPixel;
  ResizeNearestMode nearest = ResizeNearestMode::RoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  bool antialias = false;
  double extrapolation_value = 0.0;
};

struct ResizeAxis {
  int64_t in = 0, out = 0;
  double scale = 1.0;                        // output / input as the op defines it
  double roi_start = 0.0, roi_end = 1.0;     // only for tf_crop_and_resize
};

struct ResizeTaps {
  int64_t taps = 0;                 // per output index
  std::vector<int64_t> index;       // out * taps, clamped into [0, in)
  std::vector<double> weight;       // out * taps
  std::vector<uint8_t> extrapolate; // out: 1 where tf_crop_and_resize falls outside the input
};

ResizeTaps resize_axis_taps(const ResizeOptions& opt, const ResizeAxis& axis);

// dst[o, j, i] = sum_t w[j, t] * src[o, idx[j, t], i] for a tensor viewed as [outer, in, inner]
// resized to [outer, out, inner] (extrapolated j get the extrapolation value).
void resize_axis_apply(const ResizeTaps& taps, int64_t outer, int64_t in, int64_t out, int64_t inner,
                       double extrapolation_value, const double* src, double* dst);

}  // namespace onyxrt::kernels
