// RoiAlign (ONNX opsets 10, 16, 22): for each roi [x1, y1, x2, y2] (scaled by spatial_scale) of
// image batch_indices[r], averages (mode=avg) or takes the max (mode=max) of bilinear samples on a
// sampling_ratio x sampling_ratio grid per output bin (adaptive ceil(roi / bins) when 0). Opset 16
// adds coordinate_transformation_mode: half_pixel (its default) shifts by -0.5 pixel;
// output_half_pixel, opset 10's only behaviour, does not and forces rois of at least 1 pixel.
// Max mode takes the largest weighted corner w_i * v_i, as onnxruntime does.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool parse_half_pixel(const ir::Node& node) {
  if (node.opset < 16) return false;
  const std::string m = node.get_string("coordinate_transformation_mode", "half_pixel");
  if (m == "half_pixel") return true;
  if (m == "output_half_pixel") return false;
  throw_error(ErrorCode::NotImplemented,
              node.describe() + ": coordinate_transformation_mode '" + m + "' is not supported (half_pixel, output_half_pixel)");
}

bool parse_max_mode(const ir::Node& node) {
  const std::string m = node.get_string("mode", "avg");
  if (m == "avg") return false;
  if (m == "max") return true;
  throw_error(ErrorCode::NotImplemented, node.describe() + ": mode '" + m + "' is not supported (avg, max)");
}

// The four corner offsets and weights of one bilinear sample; all weights zero when it falls
// more than one pixel outside the image.
template <typename T>
struct Sample {
  int64_t pos[4] = {0, 0, 0, 0};
  T w[4] = {0, 0, 0, 0};
};

template <typename T>
Sample<T> bilinear_sample(T y, T x, int64_t H, int64_t W) {
  Sample<T> s;
  if (y < -1 || y > static_cast<T>(H) || x < -1 || x > static_cast<T>(W)) return s;
  y = std::max<T>(y, 0);
  x = std::max<T>(x, 0);
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1, x1;
  if (y0 >= H - 1) y1 = y0 = H - 1, y = static_cast<T>(y0);
  else y1 = y0 + 1;
  if (x0 >= W - 1) x1 = x0 = W - 1, x = static_cast<T>(x0);
  else x1 = x0 + 1;
  const T ly = y - static_cast<T>(y0), lx = x - static_cast<T>(x0), hy = 1 - ly, hx = 1 - lx;
  s.pos[0] = y0 * W + x0;
  s.pos[1] = y0 * W + x1;
  s.pos[2] = y1 * W + x0;
  s.pos[3] = y1 * W + x1;
  s.w[0] = hy * hx;
  s.w[1] = hy * lx;
  s.w[2] = ly * hx;
  s.w[3] = ly * lx;
  return s;
}

class RoiAlignKernel final : public OpKernel {
 public:
  explicit RoiAlignKernel(const ir::Node& node)
      : half_pixel_(parse_half_pixel(node)),
        max_mode_(parse_max_mode(node)),
        out_h_(node.get_int("output_height", 1)),
        out_w_(node.get_int("output_width", 1)),
        sampling_ratio_(node.get_int("sampling_ratio", 0)),
        spatial_scale_(node.get_float("spatial_scale", 1.0f)) {
    if (out_h_ <= 0 || out_w_ <= 0 || sampling_ratio_ < 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": output_height/output_width must be positive and sampling_ratio >= 0");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& rois = ctx.required_input(1);
    const Tensor& idx = ctx.required_input(2);
    if (X.rank() != 4 || rois.rank() != 2 || rois.shape()[1] != 4 || idx.rank() != 1 ||
        idx.shape()[0] != rois.shape()[0] || rois.dtype() != X.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected X [N, C, H, W], rois [R, 4] of X's type and batch_indices [R], got " +
                                                  shape_to_string(X.shape()) + ", " + shape_to_string(rois.shape()) + ", " +
                                                  shape_to_string(idx.shape()));
    const int64_t N = X.shape()[0], C = X.shape()[1], H = X.shape()[2], W = X.shape()[3], R = rois.shape()[0];
    Tensor& Y = ctx.allocate_output(0, X.dtype(), {R, C, out_h_, out_w_});
    const T* x = X.data<T>();
    const T* rp = rois.data<T>();
    T* y = Y.mutable_data<T>();
    const T scale = static_cast<T>(spatial_scale_);
    const T offset = half_pixel_ ? T(0.5) : T(0);
    for (int64_t r = 0; r < R; ++r) {
      const int64_t b = idx.dtype() == DataType::Int64 ? idx.data<int64_t>()[r] : idx.data<int32_t>()[r];
      if (b < 0 || b >= N)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": batch_indices[" + std::to_string(r) + "] = " +
                                                    std::to_string(b) + " is outside [0, " + std::to_string(N) + ")");
      const T* roi = rp + r * 4;
      const T x0 = roi[0] * scale - offset, y0 = roi[1] * scale - offset;
      T rw = roi[2] * scale - offset - x0, rh = roi[3] * scale - offset - y0;
      if (!half_pixel_) {
        rw = std::max<T>(rw, 1);
        rh = std::max<T>(rh, 1);
      }
      const T bin_h = rh / static_cast<T>(out_h_), bin_w = rw / static_cast<T>(out_w_);
      const int64_t gh = sampling_ratio_ > 0 ? sampling_ratio_ : static_cast<int64_t>(std::ceil(rh / static_cast<T>(out_h_)));
      const int64_t gw = sampling_ratio_ > 0 ? sampling_ratio_ : static_cast<int64_t>(std::ceil(rw / static_cast<T>(out_w_)));
      const T count = static_cast<T>(std::max<int64_t>(gh * gw, 1));
      for (int64_t ph = 0; ph < out_h_; ++ph)
        for (int64_t pw = 0; pw < out_w_; ++pw) {
          std::vector<Sample<T>> samples;
          samples.reserve(static_cast<size_t>(gh * gw));
          for (int64_t iy = 0; iy < gh; ++iy) {
            const T sy = y0 + static_cast<T>(ph) * bin_h + (static_cast<T>(iy) + T(0.5)) * bin_h / static_cast<T>(gh);
            for (int64_t ix = 0; ix < gw; ++ix) {
              const T sx = x0 + static_cast<T>(pw) * bin_w + (static_cast<T>(ix) + T(0.5)) * bin_w / static_cast<T>(gw);
              samples.push_back(bilinear_sample<T>(sy, sx, H, W));
            }
          }
          for (int64_t c = 0; c < C; ++c) {
            const T* plane = x + (b * C + c) * H * W;
            T acc = 0;
            bool first = true;
            for (const Sample<T>& s : samples) {
              if (max_mode_) {
                T v = s.w[0] * plane[s.pos[0]];
                for (int k = 1; k < 4; ++k) v = std::max(v, s.w[k] * plane[s.pos[k]]);
                acc = first ? v : std::max(acc, v);
                first = false;
              } else {
                for (int k = 0; k < 4; ++k) acc += s.w[k] * plane[s.pos[k]];
              }
            }
            y[((r * C + c) * out_h_ + ph) * out_w_ + pw] = max_mode_ ? acc : acc / count;
          }
        }
    }
  }

  bool half_pixel_, max_mode_;
  int64_t out_h_, out_w_, sampling_ratio_;
  float spatial_scale_;
};

std::unique_ptr<OpKernel> make_roi_align(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  const DataType t = input_dtype(node, 2);
  if (t != DataType::Undefined && t != DataType::Int64 && t != DataType::Int32) unsupported_type(node, 2, t);
  return std::make_unique<RoiAlignKernel>(node);
}

void infer_roi_align(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& rois = ctx.input_type(1);
  ir::SymShape s{rois.has_shape && !rois.shape.empty() ? rois.shape[0] : ir::Dim{},
                 x.has_shape && x.shape.size() == 4 ? x.shape[1] : ir::Dim{},
                 ir::Dim::of(ctx.node().get_int("output_height", 1)), ir::Dim::of(ctx.node().get_int("output_width", 1))};
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "RoiAlign", 10, 15, make_roi_align, infer_roi_align});
ONYXRT_REGISTER_OP({"", "RoiAlign", 16, 21, make_roi_align, infer_roi_align});
ONYXRT_REGISTER_OP({"", "RoiAlign", 22, kMaxOpset, make_roi_align, infer_roi_align});

}  // namespace onyxrt::ops
