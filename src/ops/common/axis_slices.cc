#include "ops/common/axis_slices.h"

#include "ops/common/element_copy.h"
#include "onyxrt/status.h"

namespace onyxrt::ops {
namespace {

void require_copyable(DataType dt) {
  if (!element_copyable(dt))
    throw_error(ErrorCode::NotImplemented, "moving slices of " + std::string(dtype_name(dt)) + " tensors is not supported");
}

// Elements before and after `axis` (outer and inner strides).
void split_at_axis(const Shape& s, int64_t axis, int64_t& outer, int64_t& inner) {
  outer = 1;
  inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= s[i];
  for (size_t i = static_cast<size_t>(axis) + 1; i < s.size(); ++i) inner *= s[i];
}

}  // namespace

Tensor slice_range(const Tensor& t, int64_t axis, int64_t begin, int64_t end, Allocator* allocator) {
  require_copyable(t.dtype());
  const Shape& s = t.shape();
  if (axis < 0 || axis >= static_cast<int64_t>(s.size()) || begin < 0 || end > s[axis] || begin > end)
    throw_error(ErrorCode::InvalidArgument, "slice [" + std::to_string(begin) + "," + std::to_string(end) +
                                                ") along axis " + std::to_string(axis) + " is outside " + t.describe());
  Shape out_shape = s;
  out_shape[axis] = end - begin;
  Tensor out = Tensor::allocate(t.dtype(), out_shape, allocator);
  int64_t outer, inner;
  split_at_axis(s, axis, outer, inner);
  int64_t n = end - begin;
  for (int64_t o = 0; o < outer; ++o)
    copy_elements(t.dtype(), t.raw(), (o * s[axis] + begin) * inner, out.mutable_raw(), o * n * inner, n * inner);
  return out;
}

Tensor slice_at(const Tensor& t, int64_t axis, int64_t index, Allocator* allocator) {
  Tensor r = slice_range(t, axis, index, index + 1, allocator);
  Shape s = t.shape();
  s.erase(s.begin() + axis);
  return r.reshaped(s);
}

Tensor concat(const std::vector<Tensor>& parts, int64_t axis, Allocator* allocator) {
  if (parts.empty()) throw_error(ErrorCode::InvalidArgument, "concat of no tensors");
  const Tensor& first = parts[0];
  require_copyable(first.dtype());
  Shape out_shape = first.shape();
  if (axis < 0 || axis >= static_cast<int64_t>(out_shape.size()))
    throw_error(ErrorCode::InvalidArgument, "concat axis " + std::to_string(axis) + " is outside " + first.describe());
  out_shape[axis] = 0;
  for (const Tensor& p : parts) {
    bool same = p.dtype() == first.dtype() && p.rank() == first.rank();
    for (size_t i = 0; same && i < p.rank(); ++i) same = static_cast<int64_t>(i) == axis || p.shape()[i] == first.shape()[i];
    if (!same)
      throw_error(ErrorCode::InvalidArgument, "cannot concatenate " + p.describe() + " with " + first.describe() +
                                                  " along axis " + std::to_string(axis));
    out_shape[axis] += p.shape()[axis];
  }
  Tensor out = Tensor::allocate(first.dtype(), out_shape, allocator);
  int64_t outer, inner;
  split_at_axis(out_shape, axis, outer, inner);
  int64_t offset = 0;  // position along axis
  for (const Tensor& p : parts) {
    int64_t n = p.shape()[axis];
    for (int64_t o = 0; o < outer; ++o)
      copy_elements(first.dtype(), p.raw(), o * n * inner, out.mutable_raw(), (o * out_shape[axis] + offset) * inner,
                    n * inner);
    offset += n;
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& parts, int64_t axis, Allocator* allocator) {
  if (parts.empty()) throw_error(ErrorCode::InvalidArgument, "stack of no tensors");
  std::vector<Tensor> expanded;
  for (const Tensor& p : parts) {
    if (p.shape() != parts[0].shape())
      throw_error(ErrorCode::InvalidArgument, "cannot stack " + p.describe() + " with " + parts[0].describe());
    Shape s = p.shape();
    if (axis < 0 || axis > static_cast<int64_t>(s.size()))
      throw_error(ErrorCode::InvalidArgument, "stack axis " + std::to_string(axis) + " is outside rank " + std::to_string(s.size() + 1));
    s.insert(s.begin() + axis, 1);
    expanded.push_back(p.reshaped(s));
  }
  return concat(expanded, axis, allocator);
}

}  // namespace onyxrt::ops
