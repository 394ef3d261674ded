// Conv (ONNX opsets 1, 11, 22): N-d convolution (1-3 spatial dims) with groups, strides,
// dilations, explicit pads or auto_pad, and an optional bias, by im2col + GEMM (the packed SGEMM
// for float, the reference kernels otherwise). Float depthwise convolution with channel multiplier
// 1 (group == C == M) over 1 or 2 spatial dims takes the direct kernel in kernels/depthwise_conv.h. The three opsets differ only in the type list (bfloat16 from 22).
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/depthwise_conv.h"
#include "kernels/ref/conv.h"
#include "kernels/sgemm.h"
#include "ops/common/conv_geometry.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool conv_dtype_supported(DataType t) { return t == DataType::Float || t == DataType::Double; }

// y[Mg, P] = w[Mg, K] * cols[K, P] + bias: the packed SGEMM for float (bias fused per output
// channel), the reference GEMM split over output channels otherwise.
template <typename T>
void apply_weights(const kernels::Window3d& win, int64_t Cg, int64_t Mg, const T* wg, const T* bg, const T* cols, T* yg,
                   ThreadPool* pool) {
  if constexpr (std::is_same_v<T, float>) {
    const int64_t K = Cg * win.kernel_size(), P = win.out_size();
    kernels::SgemmEpilogue epilogue;
    if (bg != nullptr) {
      epilogue.bias_kind = kernels::SgemmEpilogue::Bias::kPerRow;
      epilogue.bias = bg;
    }
    kernels::sgemm(false, false, Mg, P, K, 1.0f, wg, K, cols, P, 0.0f, yg, P, pool, epilogue);
  } else {
    const int64_t row_work = std::max<int64_t>(1, Cg * win.kernel_size() * win.out_size());
    ThreadPool::parallel_for(pool, Mg, std::max<int64_t>(1, 32768 / row_work), [&](int64_t m0, int64_t m1) {
      kernels::conv_apply_weights_ref<T>(win, Cg, m0, m1, wg, bg, cols, yg);
    });
  }
}

class ConvKernel final : public OpKernel {
 public:
  explicit ConvKernel(const ir::Node& node)
      : attrs_(parse_window_attributes(node, /*allow_dilations=*/true, /*allow_ceil_mode=*/false)),
        group_(node.get_int("group", 1)) {
    if (group_ <= 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": group must be positive, got " + std::to_string(group_));
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx);
      case DataType::Double: return run<double>(ctx);
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx) const {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& W = ctx.required_input(1);
    const Tensor* B = ctx.input(2);
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ", group " +
                                                  std::to_string(group_) + ")");
    };
    if (X.rank() < 3) fail("X must be [N, C, spatial...]");
    if (W.rank() != X.rank()) fail("W must have the rank of X");
    if (W.dtype() != X.dtype() || (B && B->dtype() != X.dtype())) fail("X, W and B must share one element type");
    const int64_t N = X.shape()[0], C = X.shape()[1], M = W.shape()[0];
    const int64_t Cg = W.shape()[1];
    if (Cg * group_ != C) fail("X channels must equal W.shape[1] * group");
    if (M % group_ != 0) fail("W.shape[0] (output channels) must be divisible by group");
    if (B && (B->rank() != 1 || B->shape()[0] != M)) fail("B must be 1-D with one value per output channel");

    WindowAttributes attrs = attrs_;
    const Shape w_kernel(W.shape().begin() + 2, W.shape().end());
    if (attrs.kernel_shape.empty()) {
      attrs.kernel_shape = w_kernel;
      resolve_window_defaults(attrs, node);
    } else if (attrs.kernel_shape != w_kernel) {
      fail("kernel_shape attribute differs from W's spatial dims");
    }
    const Shape in_spatial(X.shape().begin() + 2, X.shape().end());
    const kernels::Window3d win = make_window3d(attrs, in_spatial, node);

    Shape out_shape{N, M};
    for (size_t i = 3 - in_spatial.size(); i < 3; ++i) out_shape.push_back(win.out[i]);
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
    const int64_t out_size = win.out_size();
    if (N == 0 || M == 0 || out_size == 0) return;

    if constexpr (std::is_same_v<T, float>) {
      if (group_ == C && M == C && kernels::dwconv2d_supports(win)) {
        // One plane of work is out_size * kernel_size multiply-adds; blocks of at least ~32k keep
        // the pool's per-block overhead small on small feature maps.
        const int64_t plane_work = std::max<int64_t>(1, out_size * win.kernel_size());
        const float* x = X.data<float>();
        const float* w = W.data<float>();
        const float* bias = B ? B->data<float>() : nullptr;
        float* y = Y.mutable_data<float>();
        ThreadPool::parallel_for(ctx.thread_pool(), N * C, std::max<int64_t>(1, 32768 / plane_work),
                                 [&](int64_t p0, int64_t p1) { kernels::dwconv2d_f32(win, C, p0, p1, x, w, bias, y); });
        return;
      }
    }

    const int64_t Mg = M / group_;
    const int64_t in_size = win.in_size();
    const T* x = X.data<T>();
    const T* w = W.data<T>();
    const T* bias = B ? B->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    const bool pointwise = kernels::conv_is_pointwise(win);
    const int64_t col_elems = pointwise ? 0 : kernels::conv_col_size(win, Cg);
    const int64_t w_group = Mg * Cg * win.kernel_size();
    auto image_group = [&](int64_t ng, const T*& xg, const T*& wg, const T*& bg, T*& yg) {
      const int64_t n = ng / group_, g = ng % group_;
      xg = x + (n * C + g * Cg) * in_size;
      wg = w + g * w_group;
      bg = bias ? bias + g * Mg : nullptr;
      yg = y + (n * M + g * Mg) * out_size;
    };

    const int64_t jobs = N * group_;
    const int threads = ctx.thread_pool() ? ctx.thread_pool()->num_threads() : 1;
    if (jobs >= threads) {
      // Enough independent (image, group) pairs to keep every thread busy: one column buffer each block.
      ThreadPool::parallel_for(ctx.thread_pool(), jobs, 1, [&](int64_t begin, int64_t end) {
        Tensor col = pointwise ? Tensor() : Tensor::allocate(X.dtype(), {col_elems}, ctx.allocator());
        for (int64_t ng = begin; ng < end; ++ng) {
          const T *xg, *wg, *bg;
          T* yg;
          image_group(ng, xg, wg, bg, yg);
          const T* cols = xg;
          if (!pointwise) {
            kernels::im2col_3d_ref<T>(win, Cg, xg, col.mutable_data<T>());
            cols = col.data<T>();
          }
          // Already inside a parallel block: the GEMM runs on this thread.
          apply_weights<T>(win, Cg, Mg, wg, bg, cols, yg, nullptr);
        }
      });
      return;
    }
    // Few (image, group) pairs: unfold each once, then split its output channels across threads.
    Tensor col = pointwise ? Tensor() : Tensor::allocate(X.dtype(), {col_elems}, ctx.allocator());
    for (int64_t ng = 0; ng < jobs; ++ng) {
      const T *xg, *wg, *bg;
      T* yg;
      image_group(ng, xg, wg, bg, yg);
      const T* cols = xg;
      if (!pointwise) {
        kernels::im2col_3d_ref<T>(win, Cg, xg, col.mutable_data<T>());
        cols = col.data<T>();
      }
      apply_weights<T>(win, Cg, Mg, wg, bg, cols, yg, ctx.thread_pool());
    }
  }

  WindowAttributes attrs_;
  int64_t group_;
};

std::unique_ptr<OpKernel> make_conv(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !conv_dtype_supported(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<ConvKernel>(node);
}

void infer_conv(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& w = ctx.input_type(1);
  const DataType elem = x.elem != DataType::Undefined ? x.elem : w.elem;
  if (!x.has_shape || x.shape.size() < 3) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const ir::Node& node = ctx.node();
  WindowAttributes attrs = parse_window_attributes(node, true, false);
  ir::SymShape out{x.shape[0], w.has_shape && !w.shape.empty() ? w.shape[0] : ir::Dim{}};
  const ir::SymShape in_spatial(x.shape.begin() + 2, x.shape.end());
  if (attrs.kernel_shape.empty() && w.has_shape && w.shape.size() == x.shape.size()) {
    for (size_t i = 2; i < w.shape.size(); ++i) {
      if (!w.shape[i].known()) break;
      attrs.kernel_shape.push_back(w.shape[i].value);
    }
    if (attrs.kernel_shape.size() == in_spatial.size())
      resolve_window_defaults(attrs, node);
    else
      attrs.kernel_shape.clear();
  }
  if (attrs.kernel_shape.size() == in_spatial.size()) {
    const ir::SymShape sp = infer_spatial_dims(attrs, in_spatial, node);
    out.insert(out.end(), sp.begin(), sp.end());
  } else {
    out.resize(x.shape.size());  // rank is known, spatial sizes are not
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Conv", 1, 10, make_conv, infer_conv});
ONYXRT_REGISTER_OP({"", "Conv", 11, 21, make_conv, infer_conv});
ONYXRT_REGISTER_OP({"", "Conv", 22, kMaxOpset, make_conv, infer_conv});

}  // namespace onyxrt::ops
