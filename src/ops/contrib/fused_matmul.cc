// com.microsoft FusedMatMul (opset 1): Y = alpha * op(A) @ op(B), numpy batch broadcasting.
// transBatchA/B move dim 0 of a rank >= 3 operand behind the other batch dims (A [d0, d1..dr-2, dr-1]
// becomes [d1..dr-2, d0, dr-1]), then transA/B swap the last two dims; this is how onnxruntime
// folds Transpose nodes around a MatMul into one node.
#include <memory>
#include <numeric>
#include <type_traits>

#include "kernels/ref/transpose.h"
#include "ops/contrib/batched_matmul.h"
#include "ops/contrib/float_inputs.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

// The permutation that trans_batch then trans apply to an operand of `rank`.
std::vector<int64_t> operand_perm(size_t rank, bool trans_batch, bool trans) {
  std::vector<int64_t> perm(rank);
  std::iota(perm.begin(), perm.end(), 0);
  if (rank >= 3 && trans_batch) {
    std::rotate(perm.begin(), perm.begin() + 1, perm.end() - 1);  // [1..r-2, 0, r-1]
  }
  if (rank >= 2 && trans) std::swap(perm[rank - 2], perm[rank - 1]);
  return perm;
}

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

Shape permuted(const Shape& s, const std::vector<int64_t>& perm) {
  Shape out(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = s[perm[i]];
  return out;
}

class FusedMatMulKernel final : public OpKernel {
 public:
  explicit FusedMatMulKernel(const ir::Node& node)
      : alpha_(node.get_float("alpha", 1.0f)),
        trans_a_(node.get_int("transA", 0) != 0),
        trans_b_(node.get_int("transB", 0) != 0),
        trans_batch_a_(node.get_int("transBatchA", 0) != 0),
        trans_batch_b_(node.get_int("transBatchB", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    if (A.dtype() == DataType::Float) return run<float>(ctx, A);
    if (A.dtype() == DataType::Double) return run<double>(ctx, A);
    unsupported_type(ctx.node(), 0, A.dtype());
  }

 private:
  // The operand in its permuted layout: a view when the permutation is the identity, else a copy.
  template <typename T>
  Tensor arrange(KernelContext& ctx, const Tensor& t, bool trans_batch, bool trans) const {
    const std::vector<int64_t> perm = operand_perm(t.rank(), trans_batch, trans);
    if (is_identity(perm)) return t;
    Tensor out = Tensor::allocate(t.dtype(), permuted(t.shape(), perm), ctx.allocator());
    const kernels::ref::TransposePlan plan = kernels::ref::plan_transpose(t.shape(), perm);
    kernels::ref::transpose_range<T>(t.data<T>(), out.mutable_data<T>(), plan, 0, t.size());
    return out;
  }

  template <typename T>
  void run(KernelContext& ctx, const Tensor& A) const {
    const Tensor& B = ctx.required_input(1);
    if (B.dtype() != A.dtype())
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": A is " + A.describe() + " but B is " + B.describe());
    if constexpr (std::is_same_v<T, float>) {
      // transA / transB alone (attention's Q K^T) go to the SGEMM as they are; a transposed copy
      // of K took a third of ViT's Q K^T time.
      if (!trans_batch_a_ && !trans_batch_b_ && A.rank() >= 2 && B.rank() >= 2 && (packed_b_.empty() || B.rank() != 2)) {
        const Shape a_shape = permuted(A.shape(), operand_perm(A.rank(), false, trans_a_));
        const Shape b_shape = permuted(B.shape(), operand_perm(B.rank(), false, trans_b_));
        const MatMulShapes p = plan_batched_matmul(ctx.node(), a_shape, b_shape);
        Tensor& Y = ctx.allocate_output_uninitialized(0, A.dtype(), p.out);
        return batched_sgemm(ctx.thread_pool(), p, alpha_, A.data<float>(), trans_a_, B.data<float>(), trans_b_,
                             Y.mutable_data<float>());
      }
    }
    const Tensor a = arrange<T>(ctx, A, trans_batch_a_, trans_a_);
    if constexpr (std::is_same_v<T, float>) {
      if (!packed_b_.empty() && B.rank() == 2) {
        const Shape b_shape = permuted(B.shape(), operand_perm(2, trans_batch_b_, trans_b_));
        const MatMulShapes p = plan_batched_matmul(ctx.node(), a.shape(), b_shape);
        Tensor& Y = ctx.allocate_output_uninitialized(0, A.dtype(), p.out);
        return batched_matmul_packed(ctx.thread_pool(), p, alpha_, a.data<float>(), packed_b_, Y.mutable_data<float>());
      }
    }
    const Tensor b = arrange<T>(ctx, B, trans_batch_b_, trans_b_);
    const MatMulShapes p = plan_batched_matmul(ctx.node(), a.shape(), b.shape());
    Tensor& Y = ctx.allocate_output_uninitialized(0, A.dtype(), p.out);
    batched_matmul<T>(ctx.thread_pool(), p, static_cast<T>(alpha_), a.data<T>(), b.data<T>(), Y.mutable_data<T>());
  }

 public:
  // A constant 2-D float B is packed once with transB applied (transBatchB is moot at rank 2).
  bool prepack(const PrepackContext& ctx) override {
    const Tensor* B = ctx.constant_input(1);
    if (B == nullptr || B->dtype() != DataType::Float || B->rank() != 2) return false;
    const int64_t K = trans_b_ ? B->shape()[1] : B->shape()[0];
    const int64_t N = trans_b_ ? B->shape()[0] : B->shape()[1];
    if (K == 0 || N == 0) return false;
    packed_b_ = kernels::pack_b(trans_b_, K, N, B->data<float>(), B->shape()[1]);
    return true;
  }

 private:
  float alpha_;
  bool trans_a_, trans_b_, trans_batch_a_, trans_batch_b_;
  kernels::PackedB packed_b_;
};

std::unique_ptr<OpKernel> make_fused_matmul(const ir::Node& node) {
  require_float_inputs(node, {0, 1});
  return std::make_unique<FusedMatMulKernel>(node);
}

void infer_fused_matmul(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  auto arranged = [&](int i, bool trans_batch, bool trans) {
    ir::TypeInfo t = ctx.input_type(i);
    if (!t.has_shape) return t;
    const std::vector<int64_t> perm = operand_perm(t.shape.size(), trans_batch, trans);
    ir::SymShape s(t.shape.size());
    for (size_t k = 0; k < s.size(); ++k) s[k] = t.shape[perm[k]];
    t.shape = std::move(s);
    return t;
  };
  const ir::TypeInfo a = arranged(0, node.get_int("transBatchA", 0) != 0, node.get_int("transA", 0) != 0);
  const ir::TypeInfo b = arranged(1, node.get_int("transBatchB", 0) != 0, node.get_int("transB", 0) != 0);
  ctx.set_output_type(0, infer_matmul_type(ctx, a, b, a.elem != DataType::Undefined ? a.elem : b.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "FusedMatMul", 1, kMaxOpset, make_fused_matmul, infer_fused_matmul});

}  // namespace onyxrt::ops::contrib
