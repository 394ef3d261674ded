// com.microsoft QLinearAdd and QLinearMul (opset 1): element-wise add / multiply of two quantized
// tensors with numpy broadcasting, re-quantized to C's scale and zero point. Inputs are
// (A, A_scale, A_zero_point?, B, B_scale, B_zero_point?, C_scale, C_zero_point?); A, B and C are
// all uint8 or all int8, and every scale and zero point is a scalar (per tensor).
// The arithmetic is arranged as onnxruntime's MLAS kernels arrange it, so results usually agree
// bit for bit (a value landing on .5 may round the other way when the float order differs):
//   Add: c = A * (sA / sC) + (B * (sB / sC) + (zC - (sA / sC) * zA - (sB / sC) * zB))
//   Mul: c = (A - zA) * (B - zB) * (sA * sB / sC) + zC
// each rounded half to even and saturated to C's type.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "ops/common/elementwise.h"
#include "ops/onnx/quant_common.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

enum class QLinearOp { Add, Mul };

constexpr int kA = 0, kAScale = 1, kAZero = 2, kB = 3, kBScale = 4, kBZero = 5, kCScale = 6, kCZero = 7;

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

float scalar_scale(const KernelContext& ctx, int i, const char* name) {
  const Tensor& t = ctx.required_input(i);
  if (t.dtype() != DataType::Float) unsupported_type(ctx.node(), i, t.dtype());
  if (t.size() != 1)
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + name + " must be a scalar, got " +
                                                shape_to_string(t.shape()));
  return t.data<float>()[0];
}

int32_t scalar_zero_point(const KernelContext& ctx, int i, DataType expected, const char* name) {
  const Tensor* t = ctx.input(i);
  if (!t) return 0;
  if (t->dtype() != expected)
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + name + " " + t->describe() +
                                                " must have the data's type " + std::string(dtype_name(expected)));
  if (t->size() != 1)
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + name + " must be a scalar, got " +
                                                shape_to_string(t->shape()));
  return static_cast<int32_t>(quant::load_int(t->dtype(), t->raw(), 0));
}

template <typename T>
T saturate_round(float v) {
  constexpr float lo = std::is_same_v<T, uint8_t> ? 0.f : -128.f;
  constexpr float hi = std::is_same_v<T, uint8_t> ? 255.f : 127.f;
  v = std::nearbyint(v);
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

template <QLinearOp kOp>
class QLinearBinaryKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(kA);
    const Tensor& B = ctx.required_input(kB);
    if (!int8_like(A.dtype())) unsupported_type(ctx.node(), kA, A.dtype());
    check_same_dtype(ctx, A, B);
    if (A.dtype() == DataType::UInt8) return run<uint8_t>(ctx, A, B);
    return run<int8_t>(ctx, A, B);
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& A, const Tensor& B) const {
    const float sa = scalar_scale(ctx, kAScale, "A_scale");
    const float sb = scalar_scale(ctx, kBScale, "B_scale");
    const float sc = scalar_scale(ctx, kCScale, "C_scale");
    const int32_t za = scalar_zero_point(ctx, kAZero, A.dtype(), "A_zero_point");
    const int32_t zb = scalar_zero_point(ctx, kBZero, A.dtype(), "B_zero_point");
    const int32_t zc = scalar_zero_point(ctx, kCZero, A.dtype(), "C_zero_point");
    const kernels::ref::BroadcastIndexer bi = broadcast_or_throw(ctx.node(), {A.shape(), B.shape()});
    Tensor& C = ctx.allocate_output(0, A.dtype(), bi.output_shape());
    if constexpr (kOp == QLinearOp::Add) {
      const float ratio_a = sa / sc, ratio_b = sb / sc;
      const float fixed = static_cast<float>(zc) - (ratio_a * static_cast<float>(za) + ratio_b * static_cast<float>(zb));
      map_binary<T, T, T>(ctx, bi, A, B, C, [=](T a, T b) {
        return saturate_round<T>(std::fma(static_cast<float>(a), ratio_a, std::fma(static_cast<float>(b), ratio_b, fixed)));
      });
    } else {
      const float multiplier = sa * sb / sc;
      map_binary<T, T, T>(ctx, bi, A, B, C, [=](T a, T b) {
        const float prod = static_cast<float>((static_cast<int32_t>(a) - za) * (static_cast<int32_t>(b) - zb));
        return saturate_round<T>(prod * multiplier + static_cast<float>(zc));
      });
    }
  }
};

template <QLinearOp kOp>
std::unique_ptr<OpKernel> make_qlinear_binary(const ir::Node& node) {
  if (node.input_count() < 7 || !node.has_input(kA) || !node.has_input(kB) || !node.has_input(kCScale))
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs A, A_scale, A_zero_point, B, B_scale, "
                                                           "B_zero_point, C_scale (and optionally C_zero_point)");
  for (int i : {kA, kAZero, kB, kBZero, kCZero}) require_input_dtype(node, i, {DataType::UInt8, DataType::Int8});
  for (int i : {kAScale, kBScale, kCScale}) require_input_dtype(node, i, {DataType::Float});
  return std::make_unique<QLinearBinaryKernel<kOp>>();
}

void infer_qlinear_binary(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(kA);
  const ir::TypeInfo& b = ctx.input_type(kB);
  const bool known = a.has_shape && b.has_shape;
  ctx.set_output_type(0, tensor_type(a.elem, known, known ? ir::broadcast_shapes(a.shape, b.shape, ctx) : ir::SymShape{}));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "QLinearAdd", 1, kMaxOpset, make_qlinear_binary<QLinearOp::Add>, infer_qlinear_binary});
ONYXRT_REGISTER_OP({"com.microsoft", "QLinearMul", 1, kMaxOpset, make_qlinear_binary<QLinearOp::Mul>, infer_qlinear_binary});

}  // namespace onyxrt::ops::contrib
