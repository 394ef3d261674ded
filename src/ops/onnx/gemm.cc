// Gemm (ONNX opsets 1, 6, 7, 9, 11, 13): Y = alpha * op(A) * op(B) + beta * C, with C
// unidirectionally broadcast to [M, N] and optional from opset 11. Opsets before 7 carry a
// `broadcast` flag; C is broadcast whenever its shape allows, which accepts every valid model.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/ref/gemm.h"
#include "kernels/sgemm.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool gemm_dtype_supported(DataType t, int64_t opset) {
  switch (t) {
    case DataType::Float:
    case DataType::Double:
      return true;
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
      case DataType::Double: return run<double>(ctx, A, B, C);
      case DataType::Int32: return run<int32_t>(ctx, A, B, C);
      case DataType::Int64: return run<int64_t>(ctx, A, B, C);
      case DataType::UInt32: return run<uint32_t>(ctx, A, B, C);
      case DataType::UInt64: return run<uint64_t>(ctx, A, B, C);
      default: unsupported_type(ctx.node(), 0, A.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& A, const Tensor& B, const Tensor* C) const {
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
    Tensor& Y = ctx.allocate_output(0, A.dtype(), {M, N});
    if (M == 0 || N == 0) return;
    const T* a = A.data<T>();
    const T* b = B.data<T>();
    const T* c = use_c ? C->data<T>() : nullptr;
    T* y = Y.mutable_data<T>();
    const T alpha = static_cast<T>(alpha_);
    const T beta = use_c ? static_cast<T>(beta_) : T(0);
    const int64_t lda = A.shape()[1], ldb = B.shape()[1];
    if constexpr (std::is_same_v<T, float>) {
      // C broadcast into Y first, then the packed SGEMM accumulates beta * Y.
      if (c != nullptr) broadcast_c(c, c_rows, c_cols, 0, M, N, y);
      kernels::sgemm(trans_a_, trans_b_, M, N, K, alpha, a, lda, b, ldb, beta, y, N, ctx.thread_pool());
      return;
    }
    const int64_t min_rows = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, N * K));
    ThreadPool::parallel_for(ctx.thread_pool(), M, min_rows, [&](int64_t m0, int64_t m1) {
      if (c != nullptr) broadcast_c(c, c_rows, c_cols, m0, m1, N, y);
      const T* a_rows = trans_a_ ? a + m0 : a + m0 * lda;  // op(A) rows m0.. start here
      kernels::gemm_ref<T>(trans_a_, trans_b_, m1 - m0, N, K, alpha, a_rows, lda, b, ldb, beta, y + m0 * N, N);
    });
  }

  bool trans_a_, trans_b_;
  float alpha_, beta_;
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
