// GridSample (ONNX opsets 16, 20, 22): samples X [N, C, D1..Dr] at the normalized coordinates of
// grid [N, O1..Or, r] (last axis ordered x, y, z: innermost spatial dim first) giving
// Y [N, C, O1..Or]. Opset 16 spells the modes bilinear/bicubic and takes 4-D X only; opset 20
// renames them linear/cubic and allows any spatial rank. Interpolation is separable: each spatial
// dim contributes 1 (nearest), 2 (linear) or 4 (cubic, Keys a = -0.75) taps, and out-of-range taps
// follow padding_mode, as the ONNX reference evaluator does (which follows PyTorch's grid_sampler).
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class SampleMode { Nearest, Linear, Cubic };
enum class PaddingMode { Zeros, Border, Reflection };

SampleMode parse_mode(const ir::Node& node) {
  const bool v16 = node.opset < 20;
  const std::string m = node.get_string("mode", v16 ? "bilinear" : "linear");
  if (m == "nearest") return SampleMode::Nearest;
  if (m == (v16 ? "bilinear" : "linear")) return SampleMode::Linear;
  if (m == (v16 ? "bicubic" : "cubic")) return SampleMode::Cubic;
  throw_error(ErrorCode::NotImplemented, node.describe() + ": mode '" + m + "' is not supported (opset " +
                                             std::to_string(node.opset) +
                                             (v16 ? " takes bilinear, nearest, bicubic)" : " takes linear, nearest, cubic)"));
}

PaddingMode parse_padding(const ir::Node& node) {
  const std::string p = node.get_string("padding_mode", "zeros");
  if (p == "zeros") return PaddingMode::Zeros;
  if (p == "border") return PaddingMode::Border;
  if (p == "reflection") return PaddingMode::Reflection;
  throw_error(ErrorCode::NotImplemented,
              node.describe() + ": padding_mode '" + p + "' is not supported (zeros, border, reflection)");
}

// Folds x back into [lo, hi] by reflecting at the borders as many times as needed.
template <typename T>
T reflect(T x, T lo, T hi) {
  const T range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const T dx = lo - x;
    const int64_t n = static_cast<int64_t>(dx / range);
    const T r = dx - static_cast<T>(n) * range;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const T dx = x - hi;
    const int64_t n = static_cast<int64_t>(dx / range);
    const T r = dx - static_cast<T>(n) * range;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

template <typename T>
void cubic_coeffs(T t, T* c) {
  const T a = T(-0.75);
  const T x0 = t + 1, x1 = t, x2 = 1 - t, x3 = 2 - t;
  c[0] = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a;
  c[1] = ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1;
  c[2] = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
  c[3] = ((a * x3 - 5 * a) * x3 + 8 * a) * x3 - 4 * a;
}

// One spatial dim's taps for a sample point: input indices (-1 where the tap reads padding zero)
// and their weights.
template <typename T>
struct Taps {
  int n = 0;
  std::array<int64_t, 4> index{};
  std::array<T, 4> weight{};
};

class GridSampleKernel final : public OpKernel {
 public:
  explicit GridSampleKernel(const ir::Node& node)
      : mode_(parse_mode(node)), padding_(parse_padding(node)), align_corners_(node.get_int("align_corners", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& G = ctx.required_input(1);
    const size_t r = X.rank() >= 2 ? X.rank() - 2 : 0;
    if (X.rank() < 3 || G.rank() != X.rank() || G.shape().back() != static_cast<int64_t>(r) ||
        G.shape()[0] != X.shape()[0] || G.dtype() != X.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected X [N, C, D1..Dr] and grid [N, O1..Or, r] of X's type, got X " +
                                                  shape_to_string(X.shape()) + " and grid " + shape_to_string(G.shape()));
    if (node.opset < 20 && r != 2)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": opset 16 GridSample takes 4-D X only");
    const int64_t N = X.shape()[0], C = X.shape()[1];
    Shape out_shape{N, C};
    for (size_t i = 1; i + 1 < G.rank(); ++i) out_shape.push_back(G.shape()[i]);
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
    const int64_t points = shape_size(Shape(out_shape.begin() + 2, out_shape.end()));
    std::vector<int64_t> dims(X.shape().begin() + 2, X.shape().end());
    const int64_t plane = shape_size(dims);
    if (N * C * points == 0) return;
    const T* x = X.data<T>();
    const T* g = G.data<T>();
    T* y = Y.mutable_data<T>();
    // strides of the spatial dims within one plane
    std::vector<int64_t> stride(r, 1);
    for (size_t i = r - 1; i > 0; --i) stride[i - 1] = stride[i] * dims[i];

    ThreadPool::parallel_for(ctx.thread_pool(), N * points, 64, [&](int64_t b, int64_t e) {
      std::vector<Taps<T>> taps(r);
      std::vector<int> pick(r);
      for (int64_t job = b; job < e; ++job) {
        const int64_t n = job / points, p = job % points;
        const T* coords = g + (n * points + p) * static_cast<int64_t>(r);
        for (size_t d = 0; d < r; ++d) taps[d] = make_taps<T>(coords[r - 1 - d], dims[d]);
        for (int64_t c = 0; c < C; ++c) {
          const T* xp = x + (n * C + c) * plane;
          T acc = 0;
          // iterate over the product of every dim's taps
          std::fill(pick.begin(), pick.end(), 0);
          while (true) {
            T w = 1;
            int64_t off = 0;
            bool zero = false;
            for (size_t d = 0; d < r; ++d) {
              const int64_t idx = taps[d].index[pick[d]];
              if (idx < 0) { zero = true; break; }
              w *= taps[d].weight[pick[d]];
              off += idx * stride[d];
            }
            if (!zero) acc += w * xp[off];
            size_t d = r;
            while (d > 0 && ++pick[d - 1] == taps[d - 1].n) pick[--d] = 0;
            if (d == 0) break;
          }
          y[(n * C + c) * points + p] = acc;
        }
      }
    });
  }

  // Maps a (clamped or reflected) integer tap index to the input index it reads, -1 for zero.
  template <typename T>
  int64_t tap_index(int64_t i, int64_t size, T lo, T hi) const {
    switch (padding_) {
      case PaddingMode::Zeros: return i >= 0 && i < size ? i : -1;
      case PaddingMode::Border: return std::clamp<int64_t>(i, 0, size - 1);
      case PaddingMode::Reflection: return static_cast<int64_t>(reflect<T>(static_cast<T>(i), lo, hi));
    }
    return -1;
  }

  template <typename T>
  Taps<T> make_taps(T normalized, int64_t size) const {
    const T len = static_cast<T>(size);
    T v = align_corners_ ? (normalized + 1) / 2 * (len - 1) : ((normalized + 1) * len - 1) / 2;
    const T lo = align_corners_ ? T(0) : T(-0.5);
    const T hi = align_corners_ ? len - 1 : len - T(0.5);
    if (mode_ == SampleMode::Nearest) v = std::nearbyint(v);  // ties to even, as PyTorch
    if (v < lo || v > hi) {
      if (padding_ == PaddingMode::Border) v = std::clamp<T>(v, 0, len - 1);
      else if (padding_ == PaddingMode::Reflection) v = reflect<T>(v, lo, hi);
    }
    Taps<T> t;
    if (mode_ == SampleMode::Nearest) {
      t.n = 1;
      t.index[0] = tap_index<T>(static_cast<int64_t>(v), size, lo, hi);
      t.weight[0] = 1;
      return t;
    }
    const T f = std::floor(v);
    const int64_t i0 = static_cast<int64_t>(f);
    const T frac = v - f;
    if (mode_ == SampleMode::Linear) {
      t.n = 2;
      t.weight = {1 - frac, frac, 0, 0};
      for (int k = 0; k < 2; ++k) t.index[k] = tap_index<T>(i0 + k, size, lo, hi);
      return t;
    }
    t.n = 4;
    cubic_coeffs<T>(frac, t.weight.data());
    for (int k = 0; k < 4; ++k) t.index[k] = tap_index<T>(i0 - 1 + k, size, lo, hi);
    return t;
  }

  SampleMode mode_;
  PaddingMode padding_;
  bool align_corners_;
};

std::unique_ptr<OpKernel> make_grid_sample(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<GridSampleKernel>(node);
}

void infer_grid_sample(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const ir::TypeInfo& g = ctx.input_type(1);
  if (!x.has_shape || !g.has_shape || x.shape.size() < 2 || g.shape.size() < 2) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  ir::SymShape s{x.shape[0].known() ? x.shape[0] : g.shape[0], x.shape[1]};
  for (size_t i = 1; i + 1 < g.shape.size(); ++i) s.push_back(g.shape[i]);
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "GridSample", 16, 19, make_grid_sample, infer_grid_sample});
ONYXRT_REGISTER_OP({"", "GridSample", 20, 21, make_grid_sample, infer_grid_sample});
ONYXRT_REGISTER_OP({"", "GridSample", 22, kMaxOpset, make_grid_sample, infer_grid_sample});

}  // namespace onyxrt::ops
