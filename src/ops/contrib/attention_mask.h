// The mask inputs of com.microsoft Attention (mask_index) and MultiHeadAttention
// (key_padding_mask) as onnxruntime's CPU kernels read them, turned into an additive term:
//   [B]        key lengths: keys t >= len[b] get mask_filter_value
//   [2B]       end positions then start positions: keys outside [start, end) are masked
//   [B, T]     raw mask: 0 masks the key
//   [B, S, T]  raw mask per query
// The Megatron [B, 1, max, max] form and the [3B + 2] packed-sequence form are not supported.
#pragma once
#include <string>

#include "ops/op_kernel.h"

namespace onyxrt::ops::contrib {

class AttentionMask {
 public:
  AttentionMask() = default;
  // `mask` may be null (no mask). Raises InvalidArgument/NotImplemented naming the node.
  AttentionMask(const ir::Node& node, const Tensor* mask, int64_t B, int64_t S, int64_t T, float filter)
      : mask_(mask), B_(B), S_(S), T_(T), filter_(filter) {
    if (!mask) return;
    if (mask->dtype() != DataType::Int32)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": mask " + mask->describe() + " must be int32");
    const Shape& m = mask->shape();
    if (m.size() == 1 && m[0] == B) kind_ = Kind::Lengths;
    else if (m.size() == 1 && m[0] == 2 * B) kind_ = Kind::EndStart;
    else if (m.size() == 2 && m[0] == B && m[1] == T) kind_ = Kind::Raw2d;
    else if (m.size() == 3 && m[0] == B && m[1] == S && m[2] == T) kind_ = Kind::Raw3d;
    else
      throw_error(ErrorCode::NotImplemented, node.describe() + ": mask shape " + shape_to_string(m) +
                                                 " is not supported (expected [B], [2B], [B, T] or [B, S, T] with B=" +
                                                 std::to_string(B) + ", S=" + std::to_string(S) + ", T=" +
                                                 std::to_string(T) + ")");
  }

  float at(int64_t b, int64_t s, int64_t t) const {
    if (!mask_) return 0.0f;
    const int32_t* m = mask_->data<int32_t>();
    switch (kind_) {
      case Kind::Lengths: return t >= m[b] ? filter_ : 0.0f;
      case Kind::EndStart: return (t >= m[b] || t < m[B_ + b]) ? filter_ : 0.0f;
      case Kind::Raw2d: return m[b * T_ + t] == 0 ? filter_ : 0.0f;
      case Kind::Raw3d: return m[(b * S_ + s) * T_ + t] == 0 ? filter_ : 0.0f;
    }
    return 0.0f;
  }

 private:
  enum class Kind { Lengths, EndStart, Raw2d, Raw3d };
  const Tensor* mask_ = nullptr;
  Kind kind_ = Kind::Lengths;
  int64_t B_ = 0, S_ = 0, T_ = 0;
  float filter_ = -10000.0f;
};

// attention_bias [B or 1, N or 1, S, T] as an accessor; null when absent.
struct AttentionBias {
  const float* data = nullptr;
  int64_t bB = 0, bN = 0, S = 0, T = 0;

  AttentionBias(const ir::Node& node, const Tensor* t, int64_t B, int64_t N, int64_t S_, int64_t T_) : S(S_), T(T_) {
    if (!t) return;
    const Shape& s = t->shape();
    if (t->dtype() != DataType::Float || s.size() != 4 || (s[0] != B && s[0] != 1) || (s[1] != N && s[1] != 1) ||
        s[2] != S || s[3] != T)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": attention_bias " + t->describe() +
                                                  " must be float [B or 1, num_heads or 1, S, T]");
    data = t->data<float>();
    bB = s[0] == 1 ? 0 : 1;
    bN = s[1] == 1 ? 0 : 1;
  }
  float at(int64_t b, int64_t n, int64_t s, int64_t t, int64_t N) const {
    if (!data) return 0.0f;
    const int64_t nn = bN ? N : 1;
    return data[(((b * bB) * nn + n * bN) * S + s) * T + t];
  }
};

}  // namespace onyxrt::ops::contrib
