// numpy-matmul shape rules for the quantized matmuls (MatMulInteger, QLinearMatMul): a 1-D A is a
// row vector, a 1-D B a column vector (their unit dim dropped from the result) and batch dims
// broadcast. The plan lists, for each output matrix, where its A and B matrices start.
#pragma once
#include <string>
#include <vector>

#include "ops/op_kernel.h"

namespace onyxrt::ops::quant {

struct MatMulPlan {
  int64_t M = 1, N = 1, K = 1;
  Shape out;
  std::vector<int64_t> a_offset, b_offset;  // element offsets, one per output matrix
};

inline MatMulPlan plan_matmul(const Shape& a_in, const Shape& b_in, const ir::Node& node) {
  auto fail = [&](const std::string& what) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (A " + shape_to_string(a_in) + ", B " +
                                                shape_to_string(b_in) + ")");
  };
  if (a_in.empty() || b_in.empty()) fail("operands must have rank >= 1");
  Shape a = a_in, b = b_in;
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  MatMulPlan p;
  p.M = a[a.size() - 2];
  p.K = a.back();
  p.N = b.back();
  if (b[b.size() - 2] != p.K) fail("inner dimensions differ");
  const size_t rank = std::max(a.size(), b.size());
  Shape ab(rank - a.size(), 1), bb(rank - b.size(), 1), batch(rank - 2);
  ab.insert(ab.end(), a.begin(), a.end() - 2);
  bb.insert(bb.end(), b.begin(), b.end() - 2);
  for (size_t d = 0; d + 2 < rank; ++d) {
    if (ab[d] != bb[d] && ab[d] != 1 && bb[d] != 1) fail("batch dimensions do not broadcast");
    batch[d] = ab[d] == 1 ? bb[d] : ab[d];
  }
  const int64_t count = shape_size(batch);
  for (int64_t idx = 0; idx < count; ++idx) {
    int64_t rem = idx, ao = 0, bo = 0, as = 1, bs = 1;
    for (size_t d = batch.size(); d-- > 0;) {
      const int64_t c = rem % batch[d];
      rem /= batch[d];
      ao += (ab[d] == 1 ? 0 : c) * as;
      bo += (bb[d] == 1 ? 0 : c) * bs;
      as *= ab[d];
      bs *= bb[d];
    }
    p.a_offset.push_back(ao * p.M * p.K);
    p.b_offset.push_back(bo * p.K * p.N);
  }
  p.out = batch;
  if (a_in.size() > 1) p.out.push_back(p.M);
  if (b_in.size() > 1) p.out.push_back(p.N);
  return p;
}

// Symbolic version for shape inference: returns false when ranks are unknown.
inline bool infer_matmul_shape(const ir::TypeInfo& a, const ir::TypeInfo& b, ir::SymShape& out) {
  if (!a.has_shape || !b.has_shape || a.shape.empty() || b.shape.empty()) return false;
  const size_t ar = a.shape.size(), br = b.shape.size();
  const size_t abatch = ar >= 2 ? ar - 2 : 0, bbatch = br >= 2 ? br - 2 : 0;
  const size_t n = std::max(abatch, bbatch);
  out.clear();
  for (size_t d = 0; d < n; ++d) {
    const ir::Dim* da = d + abatch >= n ? &a.shape[d + abatch - n] : nullptr;
    const ir::Dim* db = d + bbatch >= n ? &b.shape[d + bbatch - n] : nullptr;
    if (!da) out.push_back(*db);
    else if (!db) out.push_back(*da);
    else if (da->known() && da->value == 1) out.push_back(*db);
    else out.push_back(*da);
  }
  if (ar > 1) out.push_back(a.shape[ar - 2]);
  if (br > 1) out.push_back(b.shape[br - 1]);
  return true;
}

}  // namespace onyxrt::ops::quant
