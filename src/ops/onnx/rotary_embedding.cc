// RotaryEmbedding (ONNX opset 23): rotates the first rotary_embedding_dim (default: all) features
// of every head by position-dependent angles. X is [B, H, S, head] or [B, S, H * head] (then
// num_heads is required). cos_cache/sin_cache are [B, S, rot/2], or [max_position, rot/2] indexed
// by position_ids [B, S]. Pairs are (i, i + rot/2), or adjacent (2i, 2i + 1) when interleaved=1:
//   out1 = x1 * cos - x2 * sin,  out2 = x2 * cos + x1 * sin.
#include <memory>

#include "ops/onnx/real_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class RotaryEmbeddingKernel final : public OpKernel {
 public:
  explicit RotaryEmbeddingKernel(const ir::Node& node)
      : num_heads_(node.get_int("num_heads", 0)),
        rot_dim_(node.get_int("rotary_embedding_dim", 0)),
        interleaved_(node.get_int("interleaved", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (!visit_f32_or_f64(X.dtype(), [&](auto tag) { run<decltype(tag)>(ctx, X); }))
      unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& cos_t = ctx.required_input(1);
    const Tensor& sin_t = ctx.required_input(2);
    const Tensor* pos = ctx.input(3);
    if (X.rank() != 3 && X.rank() != 4)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": X must be 3-D or 4-D, got " + shape_to_string(X.shape()));
    const bool four_d = X.rank() == 4;
    const int64_t B = X.shape()[0];
    const int64_t S = four_d ? X.shape()[2] : X.shape()[1];
    const int64_t H = four_d ? X.shape()[1] : num_heads_;
    if (H <= 0 || (!four_d && X.shape()[2] % H != 0))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": 3-D X needs num_heads dividing its last dim");
    const int64_t D = four_d ? X.shape()[3] : X.shape()[2] / H;
    const int64_t rot = rot_dim_ > 0 ? rot_dim_ : D, half = rot / 2;
    if (rot > D || rot % 2 != 0 || cos_t.shape().back() != half || sin_t.shape() != cos_t.shape() ||
        cos_t.dtype() != X.dtype() || sin_t.dtype() != X.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": cos_cache/sin_cache must be of X's type with last dim rotary_embedding_dim/2 = " +
                                                  std::to_string(half) + ", got " + shape_to_string(cos_t.shape()));
    if (pos ? cos_t.rank() != 2 : (cos_t.rank() != 3 || cos_t.shape()[0] != B || cos_t.shape()[1] != S))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": caches must be [max_position, rot/2] with position_ids, else [B, S, rot/2]; got " +
                                                  shape_to_string(cos_t.shape()));
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const T* cs = cos_t.data<T>();
    const T* sn = sin_t.data<T>();
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s) {
        int64_t row = b * S + s;
        if (pos) {
          row = pos->dtype() == DataType::Int64 ? pos->data<int64_t>()[b * S + s] : pos->data<int32_t>()[b * S + s];
          if (row < 0 || row >= cos_t.shape()[0])
            throw_error(ErrorCode::InvalidArgument, node.describe() + ": position id " + std::to_string(row) + " is outside the cache");
        }
        const T* c = cs + row * half;
        const T* si = sn + row * half;
        for (int64_t h = 0; h < H; ++h) {
          const int64_t off = four_d ? ((b * H + h) * S + s) * D : ((b * S + s) * H + h) * D;
          const T* xi = x + off;
          T* yo = y + off;
          for (int64_t k = 0; k < half; ++k) {
            const int64_t i1 = interleaved_ ? 2 * k : k, i2 = interleaved_ ? 2 * k + 1 : k + half;
            yo[i1] = xi[i1] * c[k] - xi[i2] * si[k];
            yo[i2] = xi[i2] * c[k] + xi[i1] * si[k];
          }
          for (int64_t k = rot; k < D; ++k) yo[k] = xi[k];
        }
      }
  }

  int64_t num_heads_, rot_dim_;
  bool interleaved_;
};

std::unique_ptr<OpKernel> make_rotary_embedding(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !is_f32_or_f64(t)) unsupported_type(node, i, t);
  }
  const DataType p = node.has_input(3) ? input_dtype(node, 3) : DataType::Undefined;
  if (p != DataType::Undefined && p != DataType::Int64 && p != DataType::Int32) unsupported_type(node, 3, p);
  return std::make_unique<RotaryEmbeddingKernel>(node);
}

void infer_rotary_embedding(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"", "RotaryEmbedding", 23, kMaxOpset, make_rotary_embedding, infer_rotary_embedding});

}  // namespace onyxrt::ops
