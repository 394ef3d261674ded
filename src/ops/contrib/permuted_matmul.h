// The operand layouts com.onyxrt PermutedMatMul (permuted_matmul.cc) can run, shared with the
// pass that makes it (opt/permuted_matmul_fusion.cc), so that the pass only writes perms the
// kernel takes.
#pragma once
#include <cstdint>
#include <vector>

namespace onyxrt::ops::contrib {

// After `perm`, the operand's last dim is one of its two matrix dims: the SGEMM reads it with a
// unit stride along rows or columns.
inline bool permuted_matmul_keeps_unit_stride(const std::vector<int64_t>& perm) {
  const int64_t last = static_cast<int64_t>(perm.size()) - 1;
  return last >= 1 && (perm[last] == last || perm[last - 1] == last);
}

}  // namespace onyxrt::ops::contrib
