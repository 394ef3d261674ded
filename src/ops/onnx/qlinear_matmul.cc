// QLinearMatMul (ONNX opsets 10, 21): y = saturate(round((A - a_zp) x (B - b_zp) * a_scale * b_scale
// / y_scale) + y_zp), numpy matmul shapes. The integer product is exact; the rescale follows the
// ONNX reference (multiplier a_scale * b_scale / y_scale in float, applied in double, rounded half
// to even). a/y parameters are scalars or one per row of A, b parameters one per column of B.
// uint8/int8 only: the float8 variants of opset 21 are rejected at session creation.
#include <cmath>
#include <memory>

#include "ops/onnx/quant_common.h"
#include "ops/onnx/quant_matmul.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

// Reads element idx of a per-tensor or per-row/column parameter of `extent` entries.
struct Param {
  const Tensor* t;
  int64_t at_int(int64_t idx) const { return t ? quant::load_int(t->dtype(), t->raw(), t->size() == 1 ? 0 : idx) : 0; }
  float at_real(int64_t idx) const { return quant::load_real(t->dtype(), t->raw(), t->size() == 1 ? 0 : idx); }
};

void check_param(const Tensor* t, int64_t extent, const ir::Node& node, const char* what) {
  if (t && t->size() != 1 && t->size() != extent) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " has " + std::to_string(t->size()) +
                                                " elements, expected 1 or " + std::to_string(extent));
  }
}

class QLinearMatMulKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(3);
    const Tensor& as = ctx.required_input(1);
    const Tensor& bs = ctx.required_input(4);
    const Tensor& ys = ctx.required_input(6);
    const Tensor* azp = ctx.input(2);
    const Tensor* bzp = ctx.input(5);
    const Tensor* yzp = ctx.input(7);
    if (!int8_like(A.dtype())) unsupported_type(node, 0, A.dtype());
    if (!int8_like(B.dtype())) unsupported_type(node, 3, B.dtype());
    const DataType out_type = yzp ? yzp->dtype() : A.dtype();
    if (!int8_like(out_type)) unsupported_type(node, 7, out_type);
    const quant::MatMulPlan p = quant::plan_matmul(A.shape(), B.shape(), node);
    check_param(&as, p.M, node, "a_scale");
    check_param(azp, p.M, node, "a_zero_point");
    check_param(&bs, p.N, node, "b_scale");
    check_param(bzp, p.N, node, "b_zero_point");
    check_param(&ys, p.M, node, "y_scale");
    check_param(yzp, p.M, node, "y_zero_point");
    int64_t lo, hi;
    quant::int_range(out_type, lo, hi);
    Tensor& Y = ctx.allocate_output(0, out_type, p.out);
    const Param a_s{&as}, a_z{azp}, b_s{&bs}, b_z{bzp}, y_s{&ys}, y_z{yzp};
    const int64_t mats = static_cast<int64_t>(p.a_offset.size());
    ThreadPool::parallel_for(ctx.thread_pool(), mats * p.M, 16, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const int64_t mat = row / p.M, m = row % p.M;
        for (int64_t n = 0; n < p.N; ++n) {
          int64_t acc = 0;
          for (int64_t k = 0; k < p.K; ++k) {
            const int64_t a = quant::load_int(A.dtype(), A.raw(), p.a_offset[mat] + m * p.K + k) - a_z.at_int(m);
            const int64_t b = quant::load_int(B.dtype(), B.raw(), p.b_offset[mat] + k * p.N + n) - b_z.at_int(n);
            acc += a * b;
          }
          const float mult = a_s.at_real(m) * b_s.at_real(n) / y_s.at_real(m);
          double v = std::nearbyint(static_cast<double>(acc) * mult) + static_cast<double>(y_z.at_int(m));
          v = std::min<double>(std::max<double>(v, lo), hi);
          quant::store_int(out_type, Y.mutable_raw(), row * p.N + n, static_cast<int64_t>(v));
        }
      }
    });
  }
};

std::unique_ptr<OpKernel> make_qlinear_matmul(const ir::Node& node) {
  for (int i : {0, 2, 3, 5, 7}) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !int8_like(t)) unsupported_type(node, i, t);
  }
  for (int i : {1, 4, 6}) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !quant::is_real_type(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<QLinearMatMulKernel>();
}

void infer_qlinear_matmul(ir::InferenceContext& ctx) {
  DataType out = ctx.has_input(7) ? ctx.input_type(7).elem : ctx.input_type(0).elem;
  ir::SymShape shape;
  if (quant::infer_matmul_shape(ctx.input_type(0), ctx.input_type(3), shape)) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(out, std::move(shape)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(out));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "QLinearMatMul", 10, kMaxOpset, make_qlinear_matmul, infer_qlinear_matmul});

}  // namespace onyxrt::ops
