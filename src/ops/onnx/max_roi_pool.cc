// MaxRoiPool (ONNX opsets 1, 22): rois [R, 5] rows (batch, x1, y1, x2, y2) are scaled by
// spatial_scale and rounded to pixels; each of the pooled_shape bins takes the max over its pixels
// (0 for an empty bin), giving [R, C, pooled_h, pooled_w]. Bin edges floor/ceil the fractional
// bin size, as in Caffe's ROIPooling that the op comes from.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

std::vector<int64_t> pooled_shape(const ir::Node& node) {
  const std::vector<int64_t> p = node.required("pooled_shape").ints;
  if (p.size() != 2 || p[0] <= 0 || p[1] <= 0)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": pooled_shape must be two positive ints");
  return p;
}

class MaxRoiPoolKernel final : public OpKernel {
 public:
  explicit MaxRoiPoolKernel(const ir::Node& node)
      : pooled_(pooled_shape(node)), spatial_scale_(node.get_float("spatial_scale", 1.0f)) {}

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
    if (X.rank() != 4 || rois.rank() != 2 || rois.shape()[1] != 5 || rois.dtype() != X.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected X [N, C, H, W] and rois [R, 5] of X's type, got " +
                                                  shape_to_string(X.shape()) + " and " + shape_to_string(rois.shape()));
    const int64_t N = X.shape()[0], C = X.shape()[1], H = X.shape()[2], W = X.shape()[3], R = rois.shape()[0];
    const int64_t PH = pooled_[0], PW = pooled_[1];
    Tensor& Y = ctx.allocate_output(0, X.dtype(), {R, C, PH, PW});
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const float scale = spatial_scale_;
    for (int64_t r = 0; r < R; ++r) {
      const T* roi = rois.data<T>() + r * 5;
      const int64_t b = static_cast<int64_t>(roi[0]);
      if (b < 0 || b >= N)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": roi " + std::to_string(r) + " names batch " +
                                                    std::to_string(b) + " outside [0, " + std::to_string(N) + ")");
      const int64_t x1 = static_cast<int64_t>(std::round(static_cast<float>(roi[1]) * scale));
      const int64_t y1 = static_cast<int64_t>(std::round(static_cast<float>(roi[2]) * scale));
      const int64_t x2 = static_cast<int64_t>(std::round(static_cast<float>(roi[3]) * scale));
      const int64_t y2 = static_cast<int64_t>(std::round(static_cast<float>(roi[4]) * scale));
      const float bin_h = static_cast<float>(std::max<int64_t>(y2 - y1 + 1, 1)) / static_cast<float>(PH);
      const float bin_w = static_cast<float>(std::max<int64_t>(x2 - x1 + 1, 1)) / static_cast<float>(PW);
      for (int64_t c = 0; c < C; ++c) {
        const T* plane = x + (b * C + c) * H * W;
        for (int64_t ph = 0; ph < PH; ++ph) {
          const int64_t hs = std::clamp<int64_t>(static_cast<int64_t>(std::floor(ph * bin_h)) + y1, 0, H);
          const int64_t he = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((ph + 1) * bin_h)) + y1, 0, H);
          for (int64_t pw = 0; pw < PW; ++pw) {
            const int64_t ws = std::clamp<int64_t>(static_cast<int64_t>(std::floor(pw * bin_w)) + x1, 0, W);
            const int64_t we = std::clamp<int64_t>(static_cast<int64_t>(std::ceil((pw + 1) * bin_w)) + x1, 0, W);
            T m = 0;
            bool any = false;
            for (int64_t h = hs; h < he; ++h)
              for (int64_t w = ws; w < we; ++w) {
                const T v = plane[h * W + w];
                if (!any || v > m) m = v;
                any = true;
              }
            y[((r * C + c) * PH + ph) * PW + pw] = m;
          }
        }
      }
    }
  }

  std::vector<int64_t> pooled_;
  float spatial_scale_;
};

std::unique_ptr<OpKernel> make_max_roi_pool(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<MaxRoiPoolKernel>(node);
}

void infer_max_roi_pool(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& rois = ctx.input_type(1);
  const std::vector<int64_t> p = pooled_shape(ctx.node());
  ir::SymShape s{rois.has_shape && !rois.shape.empty() ? rois.shape[0] : ir::Dim{},
                 x.has_shape && x.shape.size() == 4 ? x.shape[1] : ir::Dim{}, ir::Dim::of(p[0]), ir::Dim::of(p[1])};
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MaxRoiPool", 1, 21, make_max_roi_pool, infer_max_roi_pool});
ONYXRT_REGISTER_OP({"", "MaxRoiPool", 22, kMaxOpset, make_max_roi_pool, infer_max_roi_pool});

}  // namespace onyxrt::ops
