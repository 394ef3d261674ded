// Numpy-rule batched matrix multiply on contiguous float/double operands, shared by the
// com.microsoft matmul ops (FusedMatMul, MatMulNBits, DynamicQuantizeMatMul) once each has brought
// its operands into plain [batch..., M, K] x [batch..., K, N] form.
#pragma once
#include <string>

#include "ir/shape_inference.h"
#include "kernels/sgemm.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops::contrib {

struct MatMulShapes {
  Shape batch;             // broadcast batch dims
  Shape a_batch, b_batch;  // operands' batch dims, left-padded with 1 to batch.size()
  int64_t M = 1, N = 1, K = 1;
  Shape out;
};

// Shapes of numpy matmul(a, b); 1-D operands are a row (a) or column (b) vector whose unit dim
// is dropped from `out`. Raises InvalidArgument naming the node on mismatch.
MatMulShapes plan_batched_matmul(const ir::Node& node, const Shape& a, const Shape& b);

// y = alpha * a @ b over the broadcast batch: float through the SGEMM (batches spread over the
// pool when there are enough of them); double and the integer types (ai.onnx MatMul) rows split
// across the pool.
template <typename T>
void batched_matmul(ThreadPool* pool, const MatMulShapes& p, T alpha, const T* a, const T* b, T* y);

// The same with a 2-D B packed at session creation (p.b_batch all 1, b.K == p.K, b.N == p.N).
void batched_matmul_packed(ThreadPool* pool, const MatMulShapes& p, float alpha, const float* a,
                           const kernels::PackedB& b, float* y);

// Float y = alpha * op(a) @ op(b) where op transposes the last two dims of an operand stored
// transposed (trans_a: a's matrices are [K, M]; trans_b: b's are [N, K]); the SGEMM reads them in
// place. `p` is planned on the transposed shapes.
void batched_sgemm(ThreadPool* pool, const MatMulShapes& p, float alpha, const float* a, bool trans_a, const float* b,
                   bool trans_b, float* y);

// Symbolic output shape of numpy matmul for shape inference (unknown when either rank is).
ir::TypeInfo infer_matmul_type(ir::InferenceContext& ctx, const ir::TypeInfo& a, const ir::TypeInfo& b, DataType elem);

}  // namespace onyxrt::ops::contrib
