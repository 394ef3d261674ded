// The axis rule shared by Softmax-like ops (Hardmax, LogSoftmax): before opset 13 the input is
// coerced to 2-D at `axis` (every dim from axis on forms one row); from 13 only `axis` does.
#pragma once
#include <cstdint>

#include "ir/graph.h"
#include "onyxrt/tensor.h"

namespace onyxrt::ops {

// x viewed as [outer, len, inner] with the reduction over len.
struct AxisSplit {
  int64_t outer = 1;
  int64_t len = 1;
  int64_t inner = 1;
};

// Raises InvalidArgument naming the node when `axis` is out of range for x.
AxisSplit softmax_axis_split(const ir::Node& node, const Tensor& x, int64_t axis, bool coerce_2d);

}  // namespace onyxrt::ops
