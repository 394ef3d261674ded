#include "kernels/ref/normalization.h"

namespace onyxrt::kernels {

bool broadcast_param_index(const Shape& param, const Shape& target, std::vector<int64_t>& index) {
  if (param.size() > target.size()) {
    // Leading 1s beyond the target's rank are harmless.
    for (size_t i = 0; i + target.size() < param.size(); ++i)
      if (param[i] != 1) return false;
  }
  const size_t r = target.size();
  std::vector<int64_t> pstride(r, 0);
  int64_t stride = 1;
  for (size_t k = 0; k < r; ++k) {
    const size_t ti = r - 1 - k;
    if (k >= param.size()) break;
    const int64_t pd = param[param.size() - 1 - k];
    if (pd != target[ti] && pd != 1) return false;
    pstride[ti] = pd == 1 ? 0 : stride;
    stride *= pd;
  }
  int64_t total = 1;
  for (int64_t d : target) total *= d;
  index.assign(static_cast<size_t>(total), 0);
  std::vector<int64_t> coord(r, 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < r; ++d) off += coord[d] * pstride[d];
    index[static_cast<size_t>(i)] = off;
    for (size_t d = r; d-- > 0;) {
      if (++coord[d] < target[d]) break;
      coord[d] = 0;
    }
  }
  return true;
}

}  // namespace onyxrt::kernels
