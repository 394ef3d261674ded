// DeformConv (ONNX opsets 19, 22), 2-D: a convolution whose kernel taps are moved by learned
// offsets. offset [N, offset_group * kH * kW * 2, oH, oW] holds (dy, dx) per tap, the optional mask
// [N, offset_group * kH * kW, oH, oW] scales each sampled value, and channels are split into
// offset_group groups that share offsets. Each tap reads X bilinearly with zero padding (the ONNX
// reference samples through GridSample with align_corners=1). The sampled columns are then
// multiplied by W per convolution group, as im2col + GEMM.
#include <cmath>
#include <memory>
#include <vector>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct DeformAttributes {
  std::vector<int64_t> kernel, strides, dilations, pads;
  int64_t group, offset_group;
};

DeformAttributes deform_attributes(const ir::Node& node) {
  DeformAttributes a;
  a.kernel = node.get_ints("kernel_shape");
  a.strides = node.get_ints("strides", {1, 1});
  a.dilations = node.get_ints("dilations", {1, 1});
  a.pads = node.get_ints("pads", {0, 0, 0, 0});
  a.group = node.get_int("group", 1);
  a.offset_group = node.get_int("offset_group", 1);
  if ((!a.kernel.empty() && a.kernel.size() != 2) || a.strides.size() != 2 || a.dilations.size() != 2 || a.pads.size() != 4)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": only 2-D DeformConv is supported (kernel_shape, strides, dilations of 2 values, pads of 4)");
  if (a.group <= 0 || a.offset_group <= 0)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": group and offset_group must be positive");
  return a;
}

// Bilinear read of plane [H, W] at (y, x); taps outside the image read zero.
template <typename T>
T sample_zero_padded(const T* plane, int64_t H, int64_t W, T y, T x) {
  const T fy = std::floor(y), fx = std::floor(x);
  const int64_t y0 = static_cast<int64_t>(fy), x0 = static_cast<int64_t>(fx);
  const T ly = y - fy, lx = x - fx;
  T v = 0;
  for (int dy = 0; dy < 2; ++dy) {
    const int64_t yy = y0 + dy;
    if (yy < 0 || yy >= H) continue;
    const T wy = dy ? ly : 1 - ly;
    for (int dx = 0; dx < 2; ++dx) {
      const int64_t xx = x0 + dx;
      if (xx < 0 || xx >= W) continue;
      v += wy * (dx ? lx : 1 - lx) * plane[yy * W + xx];
    }
  }
  return v;
}

class DeformConvKernel final : public OpKernel {
 public:
  explicit DeformConvKernel(const ir::Node& node) : a_(deform_attributes(node)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& Wt = ctx.required_input(1);
    const Tensor& off = ctx.required_input(2);
    const Tensor* B = ctx.input(3);
    const Tensor* mask = ctx.input(4);
    if (X.rank() != 4 || Wt.rank() != 4 || off.rank() != 4)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected 4-D X, W and offset, got " + shape_to_string(X.shape()) +
                                                  ", " + shape_to_string(Wt.shape()) + ", " + shape_to_string(off.shape()));
    const int64_t N = X.shape()[0], C = X.shape()[1], H = X.shape()[2], Wd = X.shape()[3];
    const int64_t OC = Wt.shape()[0], kH = Wt.shape()[2], kW = Wt.shape()[3], K = kH * kW;
    const int64_t G = a_.group, OG = a_.offset_group;
    const int64_t oH = (H + a_.pads[0] + a_.pads[2] - ((kH - 1) * a_.dilations[0] + 1)) / a_.strides[0] + 1;
    const int64_t oW = (Wd + a_.pads[1] + a_.pads[3] - ((kW - 1) * a_.dilations[1] + 1)) / a_.strides[1] + 1;
    if (C % G != 0 || OC % G != 0 || Wt.shape()[1] * G != C || C % OG != 0 ||
        (!a_.kernel.empty() && (a_.kernel[0] != kH || a_.kernel[1] != kW)) ||
        off.shape() != Shape{N, OG * K * 2, oH, oW} || (mask && mask->shape() != Shape{N, OG * K, oH, oW}) ||
        (B && B->size() != OC))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": inconsistent shapes X " + shape_to_string(X.shape()) + ", W " +
                                                  shape_to_string(Wt.shape()) + ", offset " + shape_to_string(off.shape()) +
                                                  " (expected offset " + shape_to_string({N, OG * K * 2, oH, oW}) + ")");
    Tensor& Y = ctx.allocate_output(0, X.dtype(), {N, OC, oH, oW});
    const int64_t P = oH * oW, Cg = C / G, OCg = OC / G, C_per_og = C / OG;
    const T* x = X.data<T>();
    const T* w = Wt.data<T>();
    const T* o = off.data<T>();
    const T* m = mask ? mask->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * G, 1, [&](int64_t b, int64_t e) {
      std::vector<T> cols(static_cast<size_t>(Cg * K * P));
      for (int64_t job = b; job < e; ++job) {
        const int64_t n = job / G, g = job % G;
        // sampled columns: row (c, tap), column output pixel
        for (int64_t cl = 0; cl < Cg; ++cl) {
          const int64_t c = g * Cg + cl, og = c / C_per_og;
          const T* plane = x + (n * C + c) * H * Wd;
          for (int64_t k = 0; k < K; ++k) {
            const int64_t ki = k / kW, kj = k % kW;
            const T* dy = o + ((n * OG + og) * K * 2 + 2 * k) * P;
            const T* dx = dy + P;
            const T* mk = m ? m + ((n * OG + og) * K + k) * P : nullptr;
            T* row = cols.data() + (cl * K + k) * P;
            for (int64_t i = 0; i < oH; ++i)
              for (int64_t j = 0; j < oW; ++j) {
                const int64_t p = i * oW + j;
                const T sy = static_cast<T>(i * a_.strides[0] - a_.pads[0] + ki * a_.dilations[0]) + dy[p];
                const T sx = static_cast<T>(j * a_.strides[1] - a_.pads[1] + kj * a_.dilations[1]) + dx[p];
                T v = sample_zero_padded(plane, H, Wd, sy, sx);
                row[p] = mk ? v * mk[p] : v;
              }
          }
        }
        for (int64_t ol = 0; ol < OCg; ++ol) {
          const int64_t oc = g * OCg + ol;
          T* yo = y + (n * OC + oc) * P;
          const T bias = B ? B->data<T>()[oc] : T(0);
          for (int64_t p = 0; p < P; ++p) yo[p] = bias;
          const T* wr = w + oc * Cg * K;
          for (int64_t r = 0; r < Cg * K; ++r) {
            const T wv = wr[r];
            const T* cr = cols.data() + r * P;
            for (int64_t p = 0; p < P; ++p) yo[p] += wv * cr[p];
          }
        }
      }
    });
  }

  DeformAttributes a_;
};

std::unique_ptr<OpKernel> make_deform_conv(const ir::Node& node) {
  for (int i = 0; i < 5; ++i) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<DeformConvKernel>(node);
}

void infer_deform_conv(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  const ir::TypeInfo& off = ctx.input_type(2);
  if (!x.has_shape || x.shape.size() != 4) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  const ir::Dim oc = w.has_shape && w.shape.size() == 4 ? w.shape[0] : ir::Dim{};
  const bool off_known = off.has_shape && off.shape.size() == 4;
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, ir::SymShape{x.shape[0], oc, off_known ? off.shape[2] : ir::Dim{},
                                                                     off_known ? off.shape[3] : ir::Dim{}}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "DeformConv", 19, 21, make_deform_conv, infer_deform_conv});
ONYXRT_REGISTER_OP({"", "DeformConv", 22, kMaxOpset, make_deform_conv, infer_deform_conv});

}  // namespace onyxrt::ops
