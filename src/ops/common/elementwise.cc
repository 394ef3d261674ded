#include "ops/common/elementwise.h"

#include <climits>

namespace onyxrt::ops {

Shape legacy_broadcast_shape(const Shape& a, const Shape& b, int64_t axis, const ir::Node& node) {
  const int64_t ra = static_cast<int64_t>(a.size());
  const int64_t rb = static_cast<int64_t>(b.size());
  int64_t start = axis == INT64_MIN ? ra - rb : axis;
  if (start < 0) start += ra;
  if (start < 0 || start + rb > ra) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": B " + shape_to_string(b) + " does not fit into A " +
                                                shape_to_string(a) + " at axis " + std::to_string(start));
  }
  Shape out(static_cast<size_t>(ra), 1);
  for (int64_t d = 0; d < rb; ++d) out[start + d] = b[d];
  return out;
}

}  // namespace onyxrt::ops
