// com.microsoft RotaryEmbedding (opset 1), the form onnxruntime's LLM exports use before ONNX
// opset 23 had its own: inputs are (input, position_ids, cos_cache, sin_cache), and the caches are
// always [max_position, rotary_embedding_dim / 2] indexed by a position.
//   input        [B, S, hidden] (heads side by side) or [B, N, S, head] (already split)
//   position_ids one element p0 (positions p0 + s, the decoding offset) or [B, S]
// In the 3-D form the head size is hidden / num_heads when num_heads is set, else twice the cache
// width (so num_heads is required with rotary_embedding_dim, as onnxruntime requires). Features
// past rotary_embedding_dim pass through. Pairs are (i, i + rot/2), or (2i, 2i + 1) when
// interleaved=1: out1 = x1 * cos - x2 * sin, out2 = x2 * cos + x1 * sin.
// is_packed_batching (variable-length batches) is not supported; `scale` only affects the cache
// update onnxruntime itself leaves unimplemented, so it is read and ignored.
#include <memory>
#include <string>
#include <type_traits>

#include "kernels/ref/float16.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

// Float16 is rotated in float and rounded once per element.
inline float to_float(float v) { return v; }
inline float to_float(kernels::Float16 v) { return kernels::half_to_float(v); }
template <typename T>
T from_float(float v) {
  if constexpr (std::is_same_v<T, float>) return v;
  else return kernels::float_to_half(v);
}

// Where each (batch, position, head) row lives in the input, and which cache row it reads.
struct RotaryLayout {
  int64_t B = 0, S = 0, N = 0, head = 0, rot = 0;
  int64_t head_stride = 0, seq_stride = 0, batch_stride = 0;
};

class RotaryEmbeddingContribKernel final : public OpKernel {
 public:
  explicit RotaryEmbeddingContribKernel(const ir::Node& node)
      : num_heads_(node.get_int("num_heads", 0)),
        rot_dim_(node.get_int("rotary_embedding_dim", 0)),
        interleaved_(node.get_int("interleaved", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    if (X.dtype() == DataType::Float) return run<float>(ctx, X);
    if (X.dtype() == DataType::Float16) return run<kernels::Float16>(ctx, X);
    unsupported_type(ctx.node(), 0, X.dtype());
  }

 private:
  RotaryLayout layout(const ir::Node& node, const Tensor& X, const Tensor& cos_t) const {
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (input " + shape_to_string(X.shape()) +
                                                  ", cos_cache " + shape_to_string(cos_t.shape()) + ")");
    };
    if (X.rank() != 3 && X.rank() != 4) fail("input must be 3-D [B, S, hidden] or 4-D [B, N, S, head]");
    if (cos_t.rank() != 2) fail("cos_cache must be 2-D [max_position, rotary_embedding_dim / 2]");
    RotaryLayout l;
    l.B = X.shape()[0];
    if (X.rank() == 4) {
      l.N = X.shape()[1];
      l.S = X.shape()[2];
      l.head = X.shape()[3];
      l.seq_stride = l.head;
      l.head_stride = l.S * l.head;
      l.batch_stride = l.N * l.head_stride;
    } else {
      l.S = X.shape()[1];
      const int64_t hidden = X.shape()[2];
      l.head = num_heads_ > 0 ? hidden / num_heads_ : 2 * cos_t.shape()[1];
      if (l.head <= 0 || hidden % l.head != 0) fail("hidden size must split into heads (set num_heads)");
      l.N = hidden / l.head;
      l.head_stride = l.head;
      l.seq_stride = hidden;
      l.batch_stride = l.S * hidden;
    }
    l.rot = rot_dim_ > 0 ? rot_dim_ : l.head;
    if (l.rot > l.head || l.rot % 2 != 0) fail("rotary_embedding_dim must be even and at most the head size " + std::to_string(l.head));
    if (cos_t.shape()[1] != l.rot / 2) fail("cache width must be rotary_embedding_dim / 2 = " + std::to_string(l.rot / 2));
    return l;
  }

  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    const Tensor& pos = ctx.required_input(1);
    const Tensor& cos_t = ctx.required_input(2);
    const Tensor& sin_t = ctx.required_input(3);
    if (cos_t.dtype() != X.dtype() || sin_t.dtype() != X.dtype() || sin_t.shape() != cos_t.shape())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": cos_cache " + cos_t.describe() + " and sin_cache " +
                                                  sin_t.describe() + " must match each other and input's type");
    const RotaryLayout l = layout(node, X, cos_t);
    const bool offset_form = pos.size() == 1 && pos.rank() <= 1;
    if (!offset_form && (pos.rank() != 2 || pos.shape()[0] != l.B || pos.shape()[1] != l.S))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": position_ids must have one element or be [B, S] = [" +
                                                  std::to_string(l.B) + ", " + std::to_string(l.S) + "], got " +
                                                  shape_to_string(pos.shape()));
    if (pos.dtype() != DataType::Int64 && pos.dtype() != DataType::Int32) unsupported_type(node, 1, pos.dtype());
    auto position = [&](int64_t b, int64_t s) -> int64_t {
      const int64_t i = offset_form ? 0 : b * l.S + s;
      const int64_t p = pos.dtype() == DataType::Int64 ? pos.data<int64_t>()[i] : pos.data<int32_t>()[i];
      return offset_form ? p + s : p;
    };
    const int64_t max_pos = cos_t.shape()[0];
    for (int64_t b = 0; b < l.B; ++b)
      for (int64_t s = 0; s < l.S; ++s) {
        const int64_t p = position(b, s);
        if (p < 0 || p >= max_pos)
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": position " + std::to_string(p) +
                                                      " is outside the cache of " + std::to_string(max_pos) + " rows");
      }

    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    const T* cos_data = cos_t.data<T>();
    const T* sin_data = sin_t.data<T>();
    const int64_t half = l.rot / 2;
    ThreadPool::parallel_for(ctx.thread_pool(), l.B * l.S * l.N, 64, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t n = r % l.N, s = (r / l.N) % l.S, b = r / (l.N * l.S);
        const int64_t off = b * l.batch_stride + s * l.seq_stride + n * l.head_stride;
        const T* xi = x + off;
        T* yo = y + off;
        const T* c = cos_data + position(b, s) * half;
        const T* sn = sin_data + position(b, s) * half;
        for (int64_t k = 0; k < half; ++k) {
          const int64_t i1 = interleaved_ ? 2 * k : k, i2 = interleaved_ ? 2 * k + 1 : k + half;
          const float x1 = to_float(xi[i1]), x2 = to_float(xi[i2]), ck = to_float(c[k]), sk = to_float(sn[k]);
          yo[i1] = from_float<T>(x1 * ck - x2 * sk);
          yo[i2] = from_float<T>(x2 * ck + x1 * sk);
        }
        for (int64_t k = l.rot; k < l.head; ++k) yo[k] = xi[k];
      }
    });
  }

  int64_t num_heads_, rot_dim_;
  bool interleaved_;
};

std::unique_ptr<OpKernel> make_rotary_embedding_contrib(const ir::Node& node) {
  for (int i : {0, 2, 3}) {
    const DataType t = node.has_input(i) ? input_dtype(node, i) : DataType::Undefined;
    if (t != DataType::Undefined && t != DataType::Float && t != DataType::Float16) unsupported_type(node, i, t);
  }
  const DataType p = node.has_input(1) ? input_dtype(node, 1) : DataType::Undefined;
  if (p != DataType::Undefined && p != DataType::Int64 && p != DataType::Int32) unsupported_type(node, 1, p);
  if (node.get_int("is_packed_batching", 0) != 0)
    throw_error(ErrorCode::NotImplemented, node.describe() + ": is_packed_batching=1 is not supported");
  if (node.get_int("rotary_embedding_dim", 0) > 0 && node.get_int("num_heads", 0) <= 0)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": num_heads must be set when rotary_embedding_dim is");
  return std::make_unique<RotaryEmbeddingContribKernel>(node);
}

void infer_rotary_embedding_contrib(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "RotaryEmbedding", 1, kMaxOpset, make_rotary_embedding_contrib,
                    infer_rotary_embedding_contrib});

}  // namespace onyxrt::ops::contrib
