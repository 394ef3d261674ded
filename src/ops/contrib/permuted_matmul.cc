// com.onyxrt PermutedMatMul (opset 1): Y = Transpose(alpha * MatMul(Transpose(A, permA),
// Transpose(B, permB)), permY), with A and B of one rank R >= 3 (batch dims broadcast as numpy's).
// opt/permuted_matmul_fusion.cc folds attention's head transposes into the MatMuls around them
// (BERT's and GPT-2's [B, S, H, d] -> [B, H, S, d] and [B, H, d, S], their way back, ViT's output):
// the SGEMM reads each head's matrices in place through strides and writes its result straight
// into the transposed output, so none of those copies is made. Each operand's perm must keep its
// last dim as one of the two matrix dims (the GEMM needs one unit stride per operand), and permY
// must keep the last dim last; other perms are refused at session creation.
#include <memory>
#include <numeric>
#include <string>

#include "ir/shape_inference.h"
#include "kernels/ref/strided_copy.h"
#include "kernels/sgemm_batched.h"
#include "ops/contrib/batched_matmul.h"
#include "ops/contrib/float_inputs.h"
#include "ops/contrib/permuted_matmul.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

using Perm = std::vector<int64_t>;

Perm perm_attribute(const ir::Node& node, const char* name, size_t rank) {
  Perm p = node.get_ints(name);
  if (p.empty()) {
    p.resize(rank);
    std::iota(p.begin(), p.end(), 0);
  }
  return p;
}

bool is_permutation(const Perm& p, size_t rank) {
  if (p.size() != rank) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t d : p) {
    if (d < 0 || d >= static_cast<int64_t>(rank) || seen[d]) return false;
    seen[d] = true;
  }
  return true;
}

// s with its dims taken in perm's order.
ir::SymShape permuted(const ir::SymShape& s, const Perm& perm) {
  ir::SymShape out(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) out[k] = s[perm[k]];
  return out;
}

// The perms the kernel runs: permutations of one rank >= 3 (permA's length), A's and B's keeping a
// unit stride, Y's keeping its last dim last.
bool perms_supported(const Perm& a, const Perm& b, const Perm& y) {
  const size_t rank = a.size();
  return rank >= 3 && is_permutation(a, rank) && is_permutation(b, rank) && is_permutation(y, rank) &&
         permuted_matmul_keeps_unit_stride(a) && permuted_matmul_keeps_unit_stride(b) && y.back() == static_cast<int64_t>(rank) - 1;
}

class PermutedMatMulKernel final : public OpKernel {
 public:
  explicit PermutedMatMulKernel(const ir::Node& node) : alpha_(node.get_float("alpha", 1.0f)) {
    const size_t rank = node.get_ints("permA").size();
    perm_a_ = perm_attribute(node, "permA", rank);
    perm_b_ = perm_attribute(node, "permB", rank);
    perm_y_ = perm_attribute(node, "permY", rank);
    if (!perms_supported(perm_a_, perm_b_, perm_y_))
      throw_error(ErrorCode::InvalidGraph,
                  node.describe() + ": permA, permB and permY must be permutations of one rank >= 3 that keep A's and "
                                    "B's last dim among their last two and Y's last dim last");
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const size_t R = perm_a_.size();
    for (const Tensor* t : {&A, &B}) {
      if (t->dtype() != DataType::Float) unsupported_type(ctx.node(), t == &A ? 0 : 1, t->dtype());
      if (t->rank() != R)
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input " + (t == &A ? "A" : "B") + " is " +
                                                    t->describe() + ", expected rank " + std::to_string(R));
    }
    // Shapes and element strides of the permuted operands.
    const Shape sa = kernels::ref::contiguous_strides(A.shape()), sb = kernels::ref::contiguous_strides(B.shape());
    Shape a(R), b(R), a_st(R), b_st(R);
    for (size_t i = 0; i < R; ++i) {
      a[i] = A.shape()[perm_a_[i]], a_st[i] = sa[perm_a_[i]];
      b[i] = B.shape()[perm_b_[i]], b_st[i] = sb[perm_b_[i]];
    }
    const MatMulShapes p = plan_batched_matmul(ctx.node(), a, b);  // broadcast batch, M, N, K, checks
    Shape y_shape(R);
    for (size_t i = 0; i < R; ++i) y_shape[i] = p.out[perm_y_[i]];
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float, y_shape);
    if (Y.size() == 0) return;
    // Stride in Y of each dim of the plain result [batch..., M, N].
    const Shape sy = kernels::ref::contiguous_strides(y_shape);
    Shape r_st(R);
    for (size_t i = 0; i < R; ++i) r_st[perm_y_[i]] = sy[i];
    if (p.K == 0) {
      std::fill(Y.mutable_data<float>(), Y.mutable_data<float>() + Y.size(), 0.0f);
      return;
    }
    const bool trans_a = perm_a_[R - 1] != static_cast<int64_t>(R) - 1;
    const bool trans_b = perm_b_[R - 1] != static_cast<int64_t>(R) - 1;
    const int64_t lda = trans_a ? a_st[R - 1] : a_st[R - 2], ldb = trans_b ? b_st[R - 1] : b_st[R - 2];
    kernels::SgemmBatch batch;
    const int64_t count = shape_size(p.batch);
    for (int64_t bi = 0; bi < count; ++bi) {
      int64_t rest = bi, a_off = 0, b_off = 0, c_off = 0;
      for (size_t d = R - 2; d-- > 0;) {
        const int64_t idx = rest % p.batch[d];
        rest /= p.batch[d];
        if (a[d] != 1) a_off += idx * a_st[d];
        if (b[d] != 1) b_off += idx * b_st[d];
        c_off += idx * r_st[d];
      }
      batch.a_offsets.push_back(a_off);
      batch.b_offsets.push_back(b_off);
      batch.c_offsets.push_back(c_off);
    }
    // ldc: the stride of M in Y (N's is 1 since permY keeps it last). lda / ldb / ldc stay at least
    // the row length even where a dim of 1 makes the stride smaller: that row is never stepped over.
    const int64_t ldc = std::max(r_st[R - 2], p.N);
    kernels::sgemm_batched(batch, trans_a, trans_b, p.M, p.N, p.K, alpha_, A.data<float>(),
                           std::max(lda, trans_a ? p.M : p.K), B.data<float>(), std::max(ldb, trans_b ? p.K : p.N),
                           nullptr, Y.mutable_data<float>(), ldc, ctx.thread_pool());
  }

 private:
  float alpha_;
  Perm perm_a_, perm_b_, perm_y_;
};

std::unique_ptr<OpKernel> make_permuted_matmul(const ir::Node& node) {
  require_float_inputs(node, {0, 1}, /*allow_double=*/false);
  return std::make_unique<PermutedMatMulKernel>(node);
}

void infer_permuted_matmul(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  // Perms the kernel refuses leave the type unknown, so that its own message reports them.
  if (!perms_supported(node.get_ints("permA"), node.get_ints("permB"), node.get_ints("permY"))) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
    return;
  }
  // Supported perms are of one rank; an input of another rank leaves its shape unknown here (the
  // kernel names it at run time).
  auto operand = [&](int i, const char* name) {
    ir::TypeInfo t = ctx.input_type(i);
    const Perm p = node.get_ints(name);
    if (t.has_shape && t.shape.size() != p.size()) return ir::TypeInfo::tensor(t.elem);
    if (t.has_shape) t.shape = permuted(t.shape, p);
    return t;
  };
  ir::TypeInfo y = infer_matmul_type(ctx, operand(0, "permA"), operand(1, "permB"), DataType::Float);
  const Perm py = node.get_ints("permY");
  if (y.has_shape && y.shape.size() == py.size()) y.shape = permuted(y.shape, py);
  ctx.set_output_type(0, y);
}

}  // namespace

ONYXRT_REGISTER_OP({"com.onyxrt", "PermutedMatMul", 1, kMaxOpset, make_permuted_matmul, infer_permuted_matmul});

}  // namespace onyxrt::ops::contrib
