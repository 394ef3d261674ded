// MatMul (ONNX opsets 1, 9, 13): numpy matmul semantics. A 1-D first operand is a row vector and a
// 1-D second operand a column vector, their unit dim dropped from the result; batch dims broadcast.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/ref/float16.h"
#include "kernels/ref/gemm.h"
#include "kernels/sgemm.h"
#include "kernels/sgemm_batched.h"
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

// Shapes of one MatMul call after numpy's rules.
struct MatMulPlan {
  Shape batch;         // broadcast batch dims
  Shape a_batch, b_batch;  // operands' batch dims, left-padded with 1 to batch.size()
  int64_t M = 1, N = 1, K = 1;
  Shape out;
};

MatMulPlan plan_matmul(const ir::Node& node, const Shape& a, const Shape& b) {
  auto fail = [&](const std::string& what) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (A " + shape_to_string(a) +
                                                ", B " + shape_to_string(b) + ")");
  };
  if (a.empty() || b.empty()) fail("MatMul operands must have rank >= 1");
  MatMulPlan p;
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  p.M = a_vec ? 1 : a[a.size() - 2];
  p.K = a.back();
  const int64_t kb = b_vec ? b[0] : b[b.size() - 2];
  p.N = b_vec ? 1 : b.back();
  if (kb != p.K) fail("inner dims differ: A has " + std::to_string(p.K) + ", B has " + std::to_string(kb));
  const Shape ab(a.begin(), a.end() - (a_vec ? 1 : 2));
  const Shape bb(b.begin(), b.end() - (b_vec ? 1 : 2));
  const size_t r = std::max(ab.size(), bb.size());
  p.a_batch.assign(r - ab.size(), 1);
  p.a_batch.insert(p.a_batch.end(), ab.begin(), ab.end());
  p.b_batch.assign(r - bb.size(), 1);
  p.b_batch.insert(p.b_batch.end(), bb.begin(), bb.end());
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = p.a_batch[i], db = p.b_batch[i];
    if (da != db && da != 1 && db != 1) fail("batch dims do not broadcast");
    p.batch.push_back(da == 1 ? db : da);
  }
  p.out = p.batch;
  if (!a_vec) p.out.push_back(p.M);
  if (!b_vec) p.out.push_back(p.N);
  return p;
}

// Offsets (in elements) of batch `bi` into A and B, where a broadcast (size-1) dim does not advance.
void batch_offsets(const MatMulPlan& p, int64_t bi, int64_t& a_off, int64_t& b_off) {
  a_off = 0, b_off = 0;
  int64_t a_stride = p.M * p.K, b_stride = p.K * p.N;
  for (size_t d = p.batch.size(); d-- > 0;) {
    const int64_t idx = bi % p.batch[d];
    bi /= p.batch[d];
    if (p.a_batch[d] != 1) a_off += idx * a_stride;
    if (p.b_batch[d] != 1) b_off += idx * b_stride;
    a_stride *= p.a_batch[d];
    b_stride *= p.b_batch[d];
  }
}

inline float to_float(kernels::Float16 v) { return kernels::half_to_float(v); }
inline float to_float(kernels::BFloat16 v) { return kernels::bfloat16_to_float(v); }
template <typename H>
H from_float(float f) {
  if constexpr (std::is_same_v<H, kernels::Float16>)
    return kernels::float_to_half(f);
  else
    return kernels::float_to_bfloat16(f);
}

template <typename T>
void run_matmul(KernelContext& ctx, const MatMulPlan& p, const Tensor& A, const Tensor& B, Tensor& Y) {
  const int64_t batch_count = shape_size(p.batch);
  const int64_t rows = batch_count * p.M;
  if (rows == 0 || p.N == 0) return;
  const T* a = A.data<T>();
  const T* b = B.data<T>();
  T* y = Y.mutable_data<T>();
  const int64_t work_per_row = std::max<int64_t>(1, p.N * p.K);
  const int64_t min_rows = std::max<int64_t>(1, 32768 / work_per_row);
  ThreadPool::parallel_for(ctx.thread_pool(), rows, min_rows, [&](int64_t begin, int64_t end) {
    while (begin < end) {
      const int64_t bi = begin / p.M, m0 = begin % p.M;
      const int64_t m1 = std::min(p.M, m0 + (end - begin));
      int64_t a_off, b_off;
      batch_offsets(p, bi, a_off, b_off);
      kernels::gemm_ref<T>(false, false, m1 - m0, p.N, p.K, T(1), a + a_off + m0 * p.K, p.K, b + b_off, p.N, T(0),
                           y + (bi * p.M + m0) * p.N, p.N);
      begin += m1 - m0;
    }
  });
}

// The float product through the SGEMM; `packed` is B pre-packed at session creation, or null.
void matmul_float(ThreadPool* pool, const MatMulPlan& p, const float* a, const float* b, const kernels::PackedB* packed,
                  float* y) {
  const int64_t batch_count = shape_size(p.batch);
  if (batch_count * p.M == 0 || p.N == 0) return;
  // When B is shared by every batch and A is contiguous, all batches are one tall GEMM.
  const bool b_shared = std::all_of(p.b_batch.begin(), p.b_batch.end(), [](int64_t d) { return d == 1; });
  if (b_shared && p.a_batch == p.batch) {
    if (packed)
      kernels::sgemm_packed(false, batch_count * p.M, 1.0f, a, p.K, *packed, 0.0f, y, p.N, pool);
    else
      kernels::sgemm(false, false, batch_count * p.M, p.N, p.K, 1.0f, a, p.K, b, p.N, 0.0f, y, p.N, pool);
    return;
  }
  kernels::SgemmBatch batch;
  for (int64_t bi = 0; bi < batch_count; ++bi) {
    int64_t a_off, b_off;
    batch_offsets(p, bi, a_off, b_off);
    batch.a_offsets.push_back(a_off);
    batch.b_offsets.push_back(b_off);
    batch.c_offsets.push_back(bi * p.M * p.N);
  }
  kernels::sgemm_batched(batch, false, false, p.M, p.N, p.K, 1.0f, a, p.K, b, p.N, b_shared ? packed : nullptr, y, p.N,
                         pool);
}

// float16 / bfloat16: widened to float, multiplied by the SGEMM, rounded once per output element
// (onnxruntime's CPU MatMul for these types also accumulates in float).
template <typename H>
void matmul_half(ThreadPool* pool, const MatMulPlan& p, const Tensor& A, const Tensor& B, Tensor& Y) {
  auto widen = [](const Tensor& t) {
    std::vector<float> f(static_cast<size_t>(t.size()));
    const H* h = t.data<H>();
    for (size_t i = 0; i < f.size(); ++i) f[i] = to_float(h[i]);
    return f;
  };
  const std::vector<float> a = widen(A), b = widen(B);
  std::vector<float> y(static_cast<size_t>(Y.size()));
  matmul_float(pool, p, a.data(), b.data(), nullptr, y.data());
  H* out = Y.mutable_data<H>();
  for (size_t i = 0; i < y.size(); ++i) out[i] = from_float<H>(y[i]);
}

class MatMulKernel final : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& A = ctx.required_input(0);
    const Tensor& B = ctx.required_input(1);
    const ir::Node& node = ctx.node();
    if (A.dtype() != B.dtype())
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": A is " + A.describe() + " but B is " + B.describe());
    const MatMulPlan p = plan_matmul(node, A.shape(), B.shape());
    Tensor& Y = ctx.allocate_output(0, A.dtype(), p.out);
    switch (A.dtype()) {
      case DataType::Float: {
        // The packed copy holds the constant B; a feed of another shape would not match it.
        const bool use_packed = !packed_b_.empty() && packed_b_.K == p.K && packed_b_.N == p.N && B.rank() == 2;
        return matmul_float(ctx.thread_pool(), p, A.data<float>(), B.data<float>(), use_packed ? &packed_b_ : nullptr,
                            Y.mutable_data<float>());
      }
      case DataType::Float16: return matmul_half<kernels::Float16>(ctx.thread_pool(), p, A, B, Y);
      case DataType::BFloat16: return matmul_half<kernels::BFloat16>(ctx.thread_pool(), p, A, B, Y);
      case DataType::Double: return run_matmul<double>(ctx, p, A, B, Y);
      case DataType::Int32: return run_matmul<int32_t>(ctx, p, A, B, Y);
      case DataType::Int64: return run_matmul<int64_t>(ctx, p, A, B, Y);
      case DataType::UInt32: return run_matmul<uint32_t>(ctx, p, A, B, Y);
      case DataType::UInt64: return run_matmul<uint64_t>(ctx, p, A, B, Y);
      default: unsupported_type(node, 0, A.dtype());
    }
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
