#include "ops/common/softmax_axis.h"

#include "onyxrt/status.h"

namespace onyxrt::ops {

AxisSplit softmax_axis_split(const ir::Node& node, const Tensor& x, int64_t axis_attr, bool coerce_2d) {
  const Shape& s = x.shape();
  const int64_t rank = static_cast<int64_t>(s.size());
  const int64_t r = rank == 0 ? 1 : rank;
  if (axis_attr < -r || axis_attr >= r + (coerce_2d ? 1 : 0))
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": axis " + std::to_string(axis_attr) + " is out of range for " + x.describe());
  const int64_t axis = axis_attr < 0 ? axis_attr + r : axis_attr;
  AxisSplit split;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) {
      split.outer *= s[d];
    } else if (d == axis || coerce_2d) {
      split.len *= s[d];
    } else {
      split.inner *= s[d];
    }
  }
  return split;
}

}  // namespace onyxrt::ops
