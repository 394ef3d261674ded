// The `p` of LpPool and GlobalLpPool: a float in opset 1, an int from opset 2, default 2, positive.
#pragma once
#include "ir/graph.h"

namespace onyxrt::ops {

double lp_norm_order(const ir::Node& node);

}  // namespace onyxrt::ops
