#include "kernels/ref/broadcast.h"

#include <algorithm>

namespace onyxrt::kernels::ref {

bool broadcast_shape(const std::vector<Shape>& shapes, Shape& out) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  out.assign(rank, 1);
  for (const Shape& s : shapes) {
    const size_t pad = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t& o = out[pad + d];
      if (s[d] == o || s[d] == 1) continue;
      if (o != 1) return false;
      o = s[d];
    }
  }
  return true;
}

BroadcastIndexer::BroadcastIndexer(const std::vector<Shape>& inputs) {
  broadcast_shape(inputs, out_shape_);
  out_size_ = 1;
  for (int64_t d : out_shape_) out_size_ *= d;
  const size_t rank = out_shape_.size();
  const size_t n = inputs.size();

  // Per output dim, which inputs repeat along it. Dims of extent 1 are dropped; neighbours with
  // the same repeat pattern merge into one dim, so equal shapes become a single run.
  std::vector<std::vector<bool>> patterns;
  for (size_t d = 0; d < rank; ++d) {
    if (out_shape_[d] == 1) continue;
    std::vector<bool> repeats(n);
    for (size_t k = 0; k < n; ++k) {
      const size_t pad = rank - inputs[k].size();
      repeats[k] = d < pad || inputs[k][d - pad] == 1;
    }
    if (!patterns.empty() && patterns.back() == repeats) {
      dims_.back() *= out_shape_[d];
    } else {
      patterns.push_back(std::move(repeats));
      dims_.push_back(out_shape_[d]);
    }
  }
  if (dims_.empty()) {
    dims_.push_back(1);
    patterns.push_back(std::vector<bool>(n, false));
  }
  strides_.assign(n, std::vector<int64_t>(dims_.size(), 0));
  for (size_t k = 0; k < n; ++k) {
    int64_t stride = 1;
    for (size_t d = dims_.size(); d-- > 0;) {
      if (patterns[d][k]) continue;
      strides_[k][d] = stride;
      stride *= dims_[d];
    }
  }
  steps_.resize(n);
  for (size_t k = 0; k < n; ++k) steps_[k] = strides_[k].back();
}

void BroadcastIndexer::row_offsets(int64_t row, int64_t* offsets) const {
  for (size_t k = 0; k < strides_.size(); ++k) offsets[k] = 0;
  for (size_t d = dims_.size() - 1; d-- > 0;) {
    const int64_t idx = row % dims_[d];
    row /= dims_[d];
    for (size_t k = 0; k < strides_.size(); ++k) offsets[k] += idx * strides_[k][d];
  }
}

}  // namespace onyxrt::kernels::ref
