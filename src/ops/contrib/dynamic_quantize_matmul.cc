// com.microsoft DynamicQuantizeMatMul (opset 1): Y = dequant(quant(A)) @ dequant(B) + bias, where
// A (float) is quantized to uint8 per tensor at run time and B is int8/uint8 with b_scale and
// b_zero_point per tensor or per column (N elements). The product is computed exactly in integers
// and scaled once: Y[m, n] = float(acc) * (a_scale * b_scale[n]) + bias[n], as onnxruntime does.
// A's quantization follows onnxruntime's GetQuantizationParameter, which differs from ONNX
// DynamicQuantizeLinear in one case: a range of zero (A all zeros) gets scale 1, not 1/255.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ops/onnx/quant_common.h"
#include "ops/onnx/quant_matmul.h"
#include "ops/registry.h"

namespace onyxrt::ops::contrib {
namespace {

bool int8_like(DataType t) { return t == DataType::UInt8 || t == DataType::Int8; }

struct DynamicQuantParams {
  float scale = 1.f;
  int32_t zero_point = 0;
};

// The uint8 range of `x` widened to include 0, so that 0 quantizes exactly.
DynamicQuantParams uint8_params(const float* x, int64_t n) {
  float lo = 0.f, hi = 0.f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  DynamicQuantParams p;
  p.scale = hi == lo ? 1.f : (hi - lo) / 255.f;
  p.zero_point = static_cast<int32_t>(std::nearbyint(std::clamp(0.f - lo / p.scale, 0.f, 255.f)));
  return p;
}

// Checks that B's parameter `t` is per tensor (one element) or per column (1-D of N elements) and
// returns the index of column n's element.
int64_t column_stride(const Tensor* t, int64_t N, const ir::Node& node, const char* what) {
  if (!t || t->size() == 1) return 0;
  if (t->rank() != 1 || t->size() != N)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must have 1 or N = " + std::to_string(N) +
                                                " elements, got " + shape_to_string(t->shape()));
  return 1;
}

class DynamicQuantizeMatMulKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const Tensor& b_scale = ctx.required_input(2);
    const Tensor* b_zp = ctx.input(3);
    const Tensor* bias = ctx.input(4);
    if (A.dtype() != DataType::Float) unsupported_type(node, 0, A.dtype());
    if (!int8_like(B.dtype())) unsupported_type(node, 1, B.dtype());
    if (b_scale.dtype() != DataType::Float) unsupported_type(node, 2, b_scale.dtype());
    if (b_zp && b_zp->dtype() != B.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": b_zero_point " + b_zp->describe() + " must have B's type");
    if (bias && bias->dtype() != DataType::Float) unsupported_type(node, 4, bias->dtype());

    const quant::MatMulPlan p = quant::plan_matmul(A.shape(), B.shape(), node);
    const int64_t bs_step = column_stride(&b_scale, p.N, node, "b_scale");
    const int64_t bz_step = column_stride(b_zp, p.N, node, "b_zero_point");
    const int64_t bias_step = column_stride(bias, p.N, node, "bias");
    std::vector<int32_t> bz(p.N, 0);
    std::vector<float> bv(p.N, 0.f);
    for (int64_t n = 0; n < p.N; ++n) {
      if (b_zp) bz[n] = static_cast<int32_t>(quant::load_int(b_zp->dtype(), b_zp->raw(), n * bz_step));
      if (bias) bv[n] = bias->data<float>()[n * bias_step];
    }

    // A quantized and re-centred on its zero point: int16 holds q - zp in [-255, 255].
    const DynamicQuantParams qa = uint8_params(A.data<float>(), A.size());
    Tensor a_centred = Tensor::allocate(DataType::Int16, A.shape(), ctx.allocator());
    int16_t* ac = a_centred.mutable_data<int16_t>();
    const float* a = A.data<float>();
    for (int64_t i = 0; i < A.size(); ++i) {
      const float q = std::clamp(std::nearbyint(a[i] / qa.scale) + static_cast<float>(qa.zero_point), 0.f, 255.f);
      ac[i] = static_cast<int16_t>(static_cast<int32_t>(q) - qa.zero_point);
    }
    // B re-centred on its zero point(s) once, so the inner loop is plain integer multiply-adds.
    Tensor b_centred = Tensor::allocate(DataType::Int16, B.shape(), ctx.allocator());
    int16_t* bc = b_centred.mutable_data<int16_t>();
    for (int64_t i = 0; i < B.size(); ++i)
      bc[i] = static_cast<int16_t>(quant::load_int(B.dtype(), B.raw(), i) - bz[i % p.N]);
    std::vector<float> multiplier(p.N);
    for (int64_t n = 0; n < p.N; ++n) multiplier[n] = qa.scale * b_scale.data<float>()[n * bs_step];

    Tensor& Y = ctx.allocate_output(0, DataType::Float, p.out);
    float* y = Y.mutable_data<float>();
    const int64_t mats = static_cast<int64_t>(p.a_offset.size());
    ThreadPool::parallel_for(ctx.thread_pool(), mats * p.M, 4, [&](int64_t begin, int64_t end) {
      std::vector<int32_t> acc(p.N);
      for (int64_t row = begin; row < end; ++row) {
        const int64_t mat = row / p.M, m = row % p.M;
        std::fill(acc.begin(), acc.end(), 0);
        const int16_t* arow = ac + p.a_offset[mat] + m * p.K;
        for (int64_t k = 0; k < p.K; ++k) {
          const int32_t av = arow[k];
          if (av == 0) continue;
          const int16_t* brow = bc + p.b_offset[mat] + k * p.N;
          for (int64_t n = 0; n < p.N; ++n) acc[n] += av * static_cast<int32_t>(brow[n]);
        }
        float* yr = y + row * p.N;
        for (int64_t n = 0; n < p.N; ++n) yr[n] = static_cast<float>(acc[n]) * multiplier[n] + bv[n];
      }
    });
  }
};

std::unique_ptr<OpKernel> make_dynamic_quantize_matmul(const ir::Node& node) {
  auto check = [&](int i, bool (*ok)(DataType)) {
    if (!node.has_input(i)) return;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !ok(t)) unsupported_type(node, i, t);
  };
  auto is_float = [](DataType t) { return t == DataType::Float; };
  check(0, is_float);
  check(1, int8_like);
  check(2, is_float);
  check(3, int8_like);
  check(4, is_float);
  return std::make_unique<DynamicQuantizeMatMulKernel>();
}

void infer_dynamic_quantize_matmul(ir::InferenceContext& ctx) {
  ir::SymShape out;
  if (quant::infer_matmul_shape(ctx.input_type(0), ctx.input_type(1), out))
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(out)));
  else
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
}

}  // namespace

ONYXRT_REGISTER_OP({"com.microsoft", "DynamicQuantizeMatMul", 1, kMaxOpset, make_dynamic_quantize_matmul,
                    infer_dynamic_quantize_matmul});

}  // namespace onyxrt::ops::contrib
