// Gemm (ONNX opsets 1, 6, 7, 9, 11, 13): Y = alpha * op(A) * op(B) + beta * C, with C
// unidirectionally broadcast to [M, N] and optional from opset 11. Opsets before 7 carry a
// `broadcast` flag; C is broadcast whenever its shape allows, which accepts every valid model.
#include <algorithm>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/ref/gemm.h"
#include "kernels/sgemm.h"
#include "ops/common/half_float.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool gemm_dtype_supported(DataType t, int64_t opset) {
  switch (t) {
    case DataType::Float:
    case DataType::Double:
    case DataType::Float16:
      return true;
    case DataType::BFloat16:
      return opset >= 11;  // bfloat16 Gemm appeared in opset 11
    case DataType::Int32:
    case DataType::Int64:
    case DataType::UInt32:
    case DataType::UInt64:
      return opset >= 9;  // integer Gemm appeared in opset 9
    default:
      return false;
  }
}

// Rows [m0, m1) of Y take C broadcast from [c_rows, c_cols] (each 1 or full size).
template <typename T>
void broadcast_c(const T* c, int64_t c_rows, int64_t c_cols, int64_t m0, int64_t m1, int64_t N, T* y) {
  for (int64_t i = m0; i < m1; ++i) {
    const T* crow = c + (c_rows == 1 ? 0 : i) * c_cols;
    T* yrow = y + i * N;
    if (c_cols == 1)
      std::fill(yrow, yrow + N, crow[0]);
    else
      std::copy(crow, crow + N, yrow);
  }
}

class GemmKernel final : public OpKernel {
 public:
  explicit GemmKernel(const ir::Node& node)
      : trans_a_(node.get_int("transA", 0) != 0),
        trans_b_(node.get_int("transB", 0) != 0),
        alpha_(node.get_float("alpha", 1.0f)),
        beta_(node.get_float("beta", 1.0f)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const Tensor* C = ctx.input(2);
    switch (A.dtype()) {
      case DataType::Float: return run<float>(ctx, A, B, C);
      case DataType::Float16:
      case DataType::BFloat16: return run_half(ctx, A, B, C);
      case DataType::Double: return run<double>(ctx, A, B, C);
      case DataType::Int32: return run<int32_t>(ctx, A, B, C);
      case DataType::Int64: return run<int64_t>(ctx, A, B, C);
      case DataType::UInt32: return run<uint32_t>(ctx, A, B, C);
      case DataType::UInt64: return run<uint64_t>(ctx, A, B, C);
      default: unsupported_type(ctx.node(), 0, A.dtype());
    }
  }

 private:
  // Y is the node's output, or *float_result when run_half computes in float for a 16-bit Gemm.
  template <typename T>
  void run(KernelContext& ctx, const Tensor& A, const Tensor& B, const Tensor* C, Tensor* float_result = nullptr) const {
    const ir::Node& node = ctx.node();
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (A " + shape_to_string(A.shape()) +
                                                  ", B " + shape_to_string(B.shape()) +
                                                  (C ? ", C " + shape_to_string(C->shape()) : std::string()) + ")");
    };
    if (A.rank() != 2 || B.rank() != 2) fail("A and B must be 2-D");
    if (A.dtype() != B.dtype() || (C && C->dtype() != A.dtype())) fail("A, B and C must share one element type");
    const int64_t M = trans_a_ ? A.shape()[1] : A.shape()[0];
    const int64_t K = trans_a_ ? A.shape()[0] : A.shape()[1];
    const int64_t Kb = trans_b_ ? B.shape()[1] : B.shape()[0];
    const int64_t N = trans_b_ ? B.shape()[0] : B.shape()[1];
    if (K != Kb) fail("inner dims differ");
    // onnxruntime skips C entirely when beta is 0, so NaNs in C do not reach Y.
    const bool use_c = C != nullptr && beta_ != 0.0f;
    int64_t c_rows = 1, c_cols = 1;
    if (use_c) {
      if (C->rank() > 2) fail("C must have rank <= 2");
      if (C->rank() >= 1) c_cols = C->shape().back();
      if (C->rank() == 2) c_rows = C->shape()[0];
      if ((c_rows != 1 && c_rows != M) || (c_cols != 1 && c_cols != N)) fail("C does not broadcast to [M, N]");
    }
    Tensor& Y = float_result ? (*float_result = Tensor::allocate(DataType::Float, {M, N}, ctx.allocator()))
                             : ctx.allocate_output_uninitialized(0, A.dtype(), {M, N});
    if (M == 0 || N == 0) return;
    const T* a = A.data<T>();
    const T* b = B.data<T>();
    const T* c = use_c ? C->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    const T alpha = static_cast<T>(alpha_);
    const T beta = use_c ? static_cast<T>(beta_) : T(0);
    const int64_t lda = A.shape()[1], ldb = B.shape()[1];
    if constexpr (std::is_same_v<T, float>) {
      ThreadPool* pool = ctx.thread_pool();
      const bool use_packed = !packed_b_.empty() && packed_b_.K == K && packed_b_.N == N;
      auto gemm = [&](float gemm_beta, const kernels::SgemmEpilogue& ep) {
        if (use_packed)
          kernels::sgemm_packed(trans_a_, M, alpha, a, lda, packed_b_, gemm_beta, y, N, pool, ep);
        else
          kernels::sgemm(trans_a_, trans_b_, M, N, K, alpha, a, lda, b, ldb, gemm_beta, y, N, pool, ep);
      };
      // A bias row (C of N columns, broadcast over rows) is added by the SGEMM epilogue while each
      // tile is in cache; beta is folded into it (at prepack when C is constant).
      kernels::SgemmEpilogue ep;
      if (c != nullptr && c_rows == 1 && c_cols == N && (beta_ == 1.0f || scaled_bias_.size() == size_t(N))) {
        ep.bias_kind = kernels::SgemmEpilogue::Bias::kPerColumn;
        ep.bias = beta_ == 1.0f ? c : scaled_bias_.data();
        return gemm(0.0f, ep);
      }
      // Otherwise C is broadcast into Y first and the SGEMM accumulates beta * Y.
      if (c != nullptr) broadcast_c(c, c_rows, c_cols, 0, M, N, y);
      return gemm(beta, ep);
    }
    const int64_t min_rows = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, N * K));
    ThreadPool::parallel_for(ctx.thread_pool(), M, min_rows, [&](int64_t m0, int64_t m1) {
      if (c != nullptr) broadcast_c(c, c_rows, c_cols, m0, m1, N, y);
      const T* a_rows = trans_a_ ? a + m0 : a + m0 * lda;  // op(A) rows m0.. start here
      kernels::gemm_ref<T>(trans_a_, trans_b_, m1 - m0, N, K, alpha, a_rows, lda, b, ldb, beta, y + m0 * N, N);
    });
  }

  // float16 / bfloat16: widened to float, computed by the float path, rounded once per element.
  void run_half(KernelContext& ctx, const Tensor& A, const Tensor& B, const Tensor* C) const {
    const Tensor a = widen_to_float(A), b = widen_to_float(B);
    Tensor c;
    if (C != nullptr) c = widen_to_float(*C);
    Tensor result;
    run<float>(ctx, a, b, C != nullptr ? &c : nullptr, &result);
    narrow_from_float(result, ctx.allocate_output(0, A.dtype(), result.shape()));
  }

  // Constant B is packed once (transB applied there). A constant bias row with beta != 1 is
  // scaled once so that compute() can hand it to the SGEMM epilogue.
  bool prepack(const PrepackContext& ctx) override {
    const Tensor* B = ctx.constant_input(1);
    if (B == nullptr || B->dtype() != DataType::Float || B->rank() != 2) return false;
    const int64_t K = trans_b_ ? B->shape()[1] : B->shape()[0];
    const int64_t N = trans_b_ ? B->shape()[0] : B->shape()[1];
    if (K == 0 || N == 0) return false;
    packed_b_ = kernels::pack_b(trans_b_, K, N, B->data<float>(), B->shape()[1]);
    const Tensor* C = ctx.node().has_input(2) ? ctx.constant_input(2) : nullptr;
    if (C != nullptr && C->dtype() == DataType::Float && beta_ != 1.0f && beta_ != 0.0f && C->size() == N &&
        C->rank() >= 1 && C->shape().back() == N) {
      const float* c = C->data<float>();
      scaled_bias_.resize(static_cast<size_t>(N));
      for (int64_t j = 0; j < N; ++j) scaled_bias_[j] = beta_ * c[j];
    }
    return true;
  }

  bool trans_a_, trans_b_;
  float alpha_, beta_;
  kernels::PackedB packed_b_;
  std::vector<float> scaled_bias_;  // beta * C for a constant bias row, when beta != 1
};

std::unique_ptr<OpKernel> make_gemm(const ir::Node& node) {
  for (int i = 0; i < 3; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !gemm_dtype_supported(t, node.opset)) unsupported_type(node, i, t);
  }
  return std::make_unique<GemmKernel>(node);
}

void infer_gemm(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(0);
  const ir::TypeInfo& b = ctx.input_type(1);
  const DataType elem = a.elem != DataType::Undefined ? a.elem : b.elem;
  if (!a.has_shape || !b.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  if (a.shape.size() != 2 || b.shape.size() != 2) ctx.fail("Gemm inputs A and B must be 2-D");
  const bool ta = ctx.node().get_int("transA", 0) != 0;
  const bool tb = ctx.node().get_int("transB", 0) != 0;
  const ir::Dim& ka = a.shape[ta ? 0 : 1];
  const ir::Dim& kb = b.shape[tb ? 1 : 0];
  if (ka.known() && kb.known() && ka.value != kb.value)
    ctx.fail("inner dims differ: A has " + std::to_string(ka.value) + ", B has " + std::to_string(kb.value));
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, ir::SymShape{a.shape[ta ? 1 : 0], b.shape[tb ? 0 : 1]}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Gemm", 1, 5, make_gemm, infer_gemm});
ONYXRT_REGISTER_OP({"", "Gemm", 6, 6, make_gemm, infer_gemm});
ONYXRT_REGISTER_OP({"", "Gemm", 7, 8, make_gemm, infer_gemm});
ONYXRT_REGISTER_OP({"", "Gemm", 9, 10, make_gemm, infer_gemm});
ONYXRT_REGISTER_OP({"", "Gemm", 11, 12, make_gemm, infer_gemm});
ONYXRT_REGISTER_OP({"", "Gemm", 13, kMaxOpset, make_gemm, infer_gemm});

}  // namespace onyxrt::ops
