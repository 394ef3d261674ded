// Axis arguments as ONNX ops take them: negative values count from the back (accepted range
// [-rank, rank-1]); errors name the node so a bad model is easy to locate.
#pragma once
#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace onyxrt::ops {

// Maps axis in [-rank, rank-1] to [0, rank-1]; raises InvalidArgument naming the node otherwise.
int64_t normalize_axis(int64_t axis, int64_t rank, const ir::Node& node);
// normalize_axis on each; raises InvalidArgument on a repeated axis.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const ir::Node& node);
// The values of a 1-D (or 0-D) int64/int32 tensor, e.g. an `axes` or `shape` input.
std::vector<int64_t> tensor_to_int64s(const Tensor& t, const ir::Node& node, const char* what);

}  // namespace onyxrt::ops
