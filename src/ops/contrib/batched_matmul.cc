#include "ops/contrib/batched_matmul.h"

#include <algorithm>
#include <type_traits>

#include "ir/shape_inference.h"
#include "kernels/ref/gemm.h"
#include "kernels/sgemm_batched.h"

namespace onyxrt::ops::contrib {

MatMulShapes plan_batched_matmul(const ir::Node& node, const Shape& a, const Shape& b) {
  auto fail = [&](const std::string& what) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (A " + shape_to_string(a) + ", B " +
                                                shape_to_string(b) + ")");
  };
  if (a.empty() || b.empty()) fail("matmul operands must have rank >= 1");
  MatMulShapes p;
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  p.M = a_vec ? 1 : a[a.size() - 2];
  p.K = a.back();
  const int64_t kb = b_vec ? b[0] : b[b.size() - 2];
  p.N = b_vec ? 1 : b.back();
  if (kb != p.K) fail("inner dims differ");
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

namespace {

// Offsets (in elements) of batch `bi` into A and B, where a broadcast (size-1) dim does not advance.
void offsets(const MatMulShapes& p, int64_t bi, int64_t& a_off, int64_t& b_off) {
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

// trans_a: each matrix of a is stored [K, M]; trans_b: each of b is stored [N, K].
void sgemm_over_batch(ThreadPool* pool, const MatMulShapes& p, float alpha, const float* a, bool trans_a,
                      const float* b, bool trans_b, const kernels::PackedB* packed, float* y) {
  const int64_t batch_count = shape_size(p.batch);
  if (batch_count * p.M == 0 || p.N == 0) return;
  const int64_t lda = trans_a ? p.M : p.K, ldb = trans_b ? p.K : p.N;
  const bool b_shared = std::all_of(p.b_batch.begin(), p.b_batch.end(), [](int64_t d) { return d == 1; });
  if (b_shared && p.a_batch == p.batch && !trans_a) {  // one tall GEMM
    if (packed)
      kernels::sgemm_packed(false, batch_count * p.M, alpha, a, p.K, *packed, 0.0f, y, p.N, pool);
    else
      kernels::sgemm(false, trans_b, batch_count * p.M, p.N, p.K, alpha, a, p.K, b, ldb, 0.0f, y, p.N, pool);
    return;
  }
  kernels::SgemmBatch batch;
  for (int64_t bi = 0; bi < batch_count; ++bi) {
    int64_t a_off, b_off;
    offsets(p, bi, a_off, b_off);
    batch.a_offsets.push_back(a_off);
    batch.b_offsets.push_back(b_off);
    batch.c_offsets.push_back(bi * p.M * p.N);
  }
  kernels::sgemm_batched(batch, trans_a, trans_b, p.M, p.N, p.K, alpha, a, lda, b, ldb, packed, y, p.N, pool);
}

}  // namespace

void batched_matmul_packed(ThreadPool* pool, const MatMulShapes& p, float alpha, const float* a,
                           const kernels::PackedB& b, float* y) {
  sgemm_over_batch(pool, p, alpha, a, false, nullptr, false, &b, y);
}

void batched_sgemm(ThreadPool* pool, const MatMulShapes& p, float alpha, const float* a, bool trans_a, const float* b,
                   bool trans_b, float* y) {
  sgemm_over_batch(pool, p, alpha, a, trans_a, b, trans_b, nullptr, y);
}

template <typename T>
void batched_matmul(ThreadPool* pool, const MatMulShapes& p, T alpha, const T* a, const T* b, T* y) {
  if constexpr (std::is_same_v<T, float>) return sgemm_over_batch(pool, p, alpha, a, false, b, false, nullptr, y);
  const int64_t rows = shape_size(p.batch) * p.M;
  if (rows == 0 || p.N == 0) return;
  const int64_t min_rows = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, p.N * p.K));
  ThreadPool::parallel_for(pool, rows, min_rows, [&](int64_t begin, int64_t end) {
    while (begin < end) {
      const int64_t bi = begin / p.M, m0 = begin % p.M;
      const int64_t m1 = std::min(p.M, m0 + (end - begin));
      int64_t a_off, b_off;
      offsets(p, bi, a_off, b_off);
      kernels::gemm_ref<T>(false, false, m1 - m0, p.N, p.K, alpha, a + a_off + m0 * p.K, p.K, b + b_off, p.N, T(0),
                           y + (bi * p.M + m0) * p.N, p.N);
      begin += m1 - m0;
    }
  });
}

template void batched_matmul<float>(ThreadPool*, const MatMulShapes&, float, const float*, const float*, float*);
template void batched_matmul<double>(ThreadPool*, const MatMulShapes&, double, const double*, const double*, double*);
template void batched_matmul<int32_t>(ThreadPool*, const MatMulShapes&, int32_t, const int32_t*, const int32_t*,
                                      int32_t*);
template void batched_matmul<int64_t>(ThreadPool*, const MatMulShapes&, int64_t, const int64_t*, const int64_t*,
                                      int64_t*);
template void batched_matmul<uint32_t>(ThreadPool*, const MatMulShapes&, uint32_t, const uint32_t*, const uint32_t*,
                                       uint32_t*);
template void batched_matmul<uint64_t>(ThreadPool*, const MatMulShapes&, uint64_t, const uint64_t*, const uint64_t*,
                                       uint64_t*);

ir::TypeInfo infer_matmul_type(ir::InferenceContext& ctx, const ir::TypeInfo& a, const ir::TypeInfo& b, DataType elem) {
  if (!a.has_shape || !b.has_shape || a.shape.empty() || b.shape.empty()) return ir::TypeInfo::tensor(elem);
  const bool a_vec = a.shape.size() == 1, b_vec = b.shape.size() == 1;
  const ir::SymShape ab(a.shape.begin(), a.shape.end() - (a_vec ? 1 : 2));
  const ir::SymShape bb(b.shape.begin(), b.shape.end() - (b_vec ? 1 : 2));
  ir::SymShape out = ir::broadcast_shapes(ab, bb, ctx);
  if (!a_vec) out.push_back(a.shape[a.shape.size() - 2]);
  if (!b_vec) out.push_back(b.shape.back());
  return ir::TypeInfo::tensor(elem, std::move(out));
}

}  // namespace onyxrt::ops::contrib
