// MatMulInteger (ONNX opset 10): int32 Y = (A - a_zero_point) x (B - b_zero_point) with numpy
// matmul shapes. A and B are uint8 or int8; a_zero_point is a scalar or one per row of A (M),
// b_zero_point a scalar or one per column of B (N). Sums are exact in int64 and wrap to int32.
#include <memory>

#include "ops/onnx/quant_common.h"
#include "ops/onnx/quant_matmul.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

int64_t zero_point_at(const Tensor* zp, int64_t idx, int64_t extent, const ir::Node& node, const char* what) {
  if (!zp) return 0;
  if (zp->size() == 1) return quant::load_int(zp->dtype(), zp->raw(), 0);
  if (zp->size() != extent) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " has " + std::to_string(zp->size()) +
                                                " elements, expected 1 or " + std::to_string(extent));
  }
  return quant::load_int(zp->dtype(), zp->raw(), idx);
}

class MatMulIntegerKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const Tensor* azp = ctx.input(2);
    const Tensor* bzp = ctx.input(3);
    if (!int8_like(A.dtype())) unsupported_type(node, 0, A.dtype());
    if (!int8_like(B.dtype())) unsupported_type(node, 1, B.dtype());
    const quant::MatMulPlan p = quant::plan_matmul(A.shape(), B.shape(), node);
    Tensor& Y = ctx.allocate_output(0, DataType::Int32, p.out);
    std::vector<int64_t> a_z(p.M), b_z(p.N);
    for (int64_t m = 0; m < p.M; ++m) a_z[m] = zero_point_at(azp, m, p.M, node, "a_zero_point");
    for (int64_t n = 0; n < p.N; ++n) b_z[n] = zero_point_at(bzp, n, p.N, node, "b_zero_point");
    int32_t* y = Y.mutable_data<int32_t>();
    const int64_t mats = static_cast<int64_t>(p.a_offset.size());
    ThreadPool::parallel_for(ctx.thread_pool(), mats * p.M, 16, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const int64_t mat = row / p.M, m = row % p.M;
        for (int64_t n = 0; n < p.N; ++n) {
          int64_t acc = 0;
          for (int64_t k = 0; k < p.K; ++k) {
            const int64_t a = quant::load_int(A.dtype(), A.raw(), p.a_offset[mat] + m * p.K + k) - a_z[m];
            const int64_t b = quant::load_int(B.dtype(), B.raw(), p.b_offset[mat] + k * p.N + n) - b_z[n];
            acc += a * b;
          }
          y[row * p.N + n] = static_cast<int32_t>(acc);
        }
      }
    });
  }
};

std::unique_ptr<OpKernel> make_matmul_integer(const ir::Node& node) {
  for (int i = 0; i < 4; ++i) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !int8_like(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<MatMulIntegerKernel>();
}

void infer_matmul_integer(ir::InferenceContext& ctx) {
  ir::SymShape out;
  if (quant::infer_matmul_shape(ctx.input_type(0), ctx.input_type(1), out)) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int32, std::move(out)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int32));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MatMulInteger", 10, kMaxOpset, make_matmul_integer, infer_matmul_integer});

}  // namespace onyxrt::ops
