// MatMul (ONNX opsets 1, 9, 13): numpy matmul semantics. A 1-D first operand is a row vector and a
// 1-D second operand a column vector, their unit dim dropped from the result; batch dims broadcast.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/sgemm.h"
#include "ops/common/half_float.h"
#include "ops/contrib/batched_matmul.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool matmul_dtype_supported(DataType t, int64_t opset) {
  switch (t) {
    case DataType::Float:
    case DataType::Double:
    case DataType::Float16:
      return true;
    case DataType::BFloat16:
      return opset >= 13;
    case DataType::Int32:
    case DataType::Int64:
    case DataType::UInt32:
    case DataType::UInt64:
      return opset >= 9;  // integer MatMul appeared in opset 9
    default:
      return false;
  }
}

class MatMulKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const ir::Node& node = ctx.node();
    if (A.dtype() != B.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": A is " + A.describe() + " but B is " + B.describe());
    const contrib::MatMulShapes p = contrib::plan_batched_matmul(node, A.shape(), B.shape());
    Tensor& Y = ctx.allocate_output_uninitialized(0, A.dtype(), p.out);
    switch (A.dtype()) {
      case DataType::Float: {
        // The packed copy holds the constant B; a feed of another shape would not match it.
        if (!packed_b_.empty() && packed_b_.K == p.K && packed_b_.N == p.N && B.rank() == 2)
          return contrib::batched_matmul_packed(ctx.thread_pool(), p, 1.0f, A.data<float>(), packed_b_,
                                                Y.mutable_data<float>());
        return run<float>(ctx, p, A, B, Y);
      }
      case DataType::Float16:
      case DataType::BFloat16: {
        // Widened to float, multiplied by the SGEMM, rounded once per output element (onnxruntime's
        // CPU MatMul for these types also accumulates in float).
        Tensor y = Tensor::allocate(DataType::Float, Y.shape());
        contrib::batched_matmul<float>(ctx.thread_pool(), p, 1.0f, widen_to_float(A).data<float>(),
                                       widen_to_float(B).data<float>(), y.mutable_data<float>());
        return narrow_from_float(y, Y);
      }
      case DataType::Double: return run<double>(ctx, p, A, B, Y);
      case DataType::Int32: return run<int32_t>(ctx, p, A, B, Y);
      case DataType::Int64: return run<int64_t>(ctx, p, A, B, Y);
      case DataType::UInt32: return run<uint32_t>(ctx, p, A, B, Y);
      case DataType::UInt64: return run<uint64_t>(ctx, p, A, B, Y);
      default: unsupported_type(node, 0, A.dtype());
    }
  }

  template <typename T>
  static void run(KernelContext& ctx, const contrib::MatMulShapes& p, const Tensor& A, const Tensor& B, Tensor& Y) {
    contrib::batched_matmul<T>(ctx.thread_pool(), p, T(1), A.data<T>(), B.data<T>(), Y.mutable_data<T>());
  }

  // A constant 2-D float B is packed once into the SGEMM's panel layout; it serves every batch.
  bool prepack(const PrepackContext& ctx) override {
    const Tensor* B = ctx.constant_input(1);
    if (B == nullptr || B->dtype() != DataType::Float || B->rank() != 2) return false;
    const int64_t K = B->shape()[0], N = B->shape()[1];
    if (K == 0 || N == 0) return false;
    packed_b_ = kernels::pack_b(false, K, N, B->data<float>(), N);
    return true;
  }

 private:
  kernels::PackedB packed_b_;
};

std::unique_ptr<OpKernel> make_matmul(const ir::Node& node) {
  for (int i = 0; i < 2; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !matmul_dtype_supported(t, node.opset)) unsupported_type(node, i, t);
  }
  return std::make_unique<MatMulKernel>();
}

void infer_matmul(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(0);
  const ir::TypeInfo& b = ctx.input_type(1);
  const DataType elem = a.elem != DataType::Undefined ? a.elem : b.elem;
  if (!a.has_shape || !b.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
    return;
  }
  const ir::SymShape& sa = a.shape;
  const ir::SymShape& sb = b.shape;
  if (sa.empty() || sb.empty()) ctx.fail("MatMul operands must have rank >= 1");
  const bool a_vec = sa.size() == 1, b_vec = sb.size() == 1;
  const ir::Dim& ka = sa.back();
  const ir::Dim& kb = b_vec ? sb[0] : sb[sb.size() - 2];
  if (ka.known() && kb.known() && ka.value != kb.value)
    ctx.fail("inner dims differ: A has " + std::to_string(ka.value) + ", B has " + std::to_string(kb.value));
  const ir::SymShape ab(sa.begin(), sa.end() - (a_vec ? 1 : 2));
  const ir::SymShape bb(sb.begin(), sb.end() - (b_vec ? 1 : 2));
  ir::SymShape out = ir::broadcast_shapes(ab, bb, ctx);
  if (!a_vec) out.push_back(sa[sa.size() - 2]);
  if (!b_vec) out.push_back(sb.back());
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MatMul", 1, 8, make_matmul, infer_matmul});
ONYXRT_REGISTER_OP({"", "MatMul", 9, 12, make_matmul, infer_matmul});
ONYXRT_REGISTER_OP({"", "MatMul", 13, kMaxOpset, make_matmul, infer_matmul});

}  // namespace onyxrt::ops
