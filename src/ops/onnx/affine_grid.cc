// AffineGrid (ONNX opset 20): theta [N, 2, 3] with size (N, C, H, W) gives grid [N, H, W, 2]; theta
// [N, 3, 4] with size (N, C, D, H, W) gives [N, D, H, W, 3]. Each output point is theta[n] times
// the homogeneous base coordinate (x, y[, z], 1), where a dim of length L spans [-1, 1] at pixel
// corners (align_corners=1) or centres ((2i + 1) / L - 1), as GridSample reads it back.
#include <memory>

#include "ops/common/axes.h"
#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T>
T base_coordinate(int64_t i, int64_t len, bool align_corners) {
  if (align_corners) return len <= 1 ? T(-1) : T(-1) + T(2) * static_cast<T>(i) / static_cast<T>(len - 1);
  return (T(2) * static_cast<T>(i) + 1) / static_cast<T>(len) - 1;
}

class AffineGridKernel final : public OpKernel {
 public:
  explicit AffineGridKernel(const ir::Node& node) : align_corners_(node.get_int("align_corners", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& theta = ctx.required_input(0);
    if (!visit_f32_or_f64(theta.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, theta); }))
      unsupported_type(ctx.node(), 0, theta.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& theta) const {
    const ir::Node& node = ctx.node();
    const std::vector<int64_t> size = tensor_to_int64s(ctx.required_input(1), node, "size");
    const int64_t r = static_cast<int64_t>(size.size()) - 2;
    if ((r != 2 && r != 3) || theta.rank() != 3 || theta.shape()[0] != size[0] || theta.shape()[1] != r ||
        theta.shape()[2] != r + 1)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected theta [N, 2, 3] with size of 4 values or [N, 3, 4] with 5, got theta " +
                                                  shape_to_string(theta.shape()) + " and " + std::to_string(size.size()) + " sizes");
    const int64_t N = size[0];
    const int64_t D = r == 3 ? size[2] : 1, H = size[r == 3 ? 3 : 2], W = size[r == 3 ? 4 : 3];
    Shape out{N};
    if (r == 3) out.push_back(D);
    out.push_back(H);
    out.push_back(W);
    out.push_back(r);
    Tensor& grid = ctx.allocate_output(0, theta.dtype(), out);
    const T* th = theta.data<T>();
    T* g = grid.mutable_data<T>();
    for (int64_t n = 0; n < N; ++n) {
      const T* m = th + n * r * (r + 1);
      for (int64_t d = 0; d < D; ++d)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t w = 0; w < W; ++w) {
            const T base[4] = {base_coordinate<T>(w, W, align_corners_), base_coordinate<T>(h, H, align_corners_),
                               base_coordinate<T>(d, D, align_corners_), T(1)};
            // homogeneous vector is (x, y, 1) in 2-D and (x, y, z, 1) in 3-D
            for (int64_t k = 0; k < r; ++k) {
              T acc = 0;
              for (int64_t j = 0; j < r; ++j) acc += m[k * (r + 1) + j] * base[j];
              *g++ = acc + m[k * (r + 1) + r];
            }
          }
    }
  }

  bool align_corners_;
};

std::unique_ptr<OpKernel> make_affine_grid(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, 0, t);
  return std::make_unique<AffineGridKernel>(node);
}

void infer_affine_grid(ir::InferenceContext& ctx) {
  const DataType elem = ctx.input_type(0).elem;
  const Tensor* size = ctx.has_input(1) ? ctx.input_constant(1) : nullptr;
  if (size == nullptr) {
    const ir::TypeInfo& st = ctx.input_type(1);
    if (st.has_shape && st.shape.size() == 1 && st.shape[0].known()) {
      const int64_t r = st.shape[0].value - 2;
      ctx.set_output_type(0, ir::TypeInfo::tensor(elem, ir::SymShape(static_cast<size_t>(r + 2), ir::Dim{})));
      return;
    }
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const std::vector<int64_t> s = tensor_to_int64s(*size, ctx.node(), "size");
  ir::SymShape out{ir::Dim::of(s[0])};
  for (size_t i = 2; i < s.size(); ++i) out.push_back(ir::Dim::of(s[i]));
  out.push_back(ir::Dim::of(static_cast<int64_t>(s.size()) - 2));
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "AffineGrid", 20, kMaxOpset, make_affine_grid, infer_affine_grid});

}  // namespace onyxrt::ops
