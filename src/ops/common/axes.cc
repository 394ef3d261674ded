#include "ops/common/axes.h"

#include <algorithm>
#include <string>

#include "onyxrt/status.h"

namespace onyxrt::ops {

int64_t normalize_axis(int64_t axis, int64_t rank, const ir::Node& node) {
  if (axis < -rank || axis >= rank || rank == 0) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis " + std::to_string(axis) +
                                                " is out of range for rank " + std::to_string(rank) +
                                                " (expected [" + std::to_string(-rank) + ", " +
                                                std::to_string(rank - 1) + "])");
  }
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const ir::Node& node) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    const int64_t n = normalize_axis(a, rank, node);
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": axis " + std::to_string(a) + " is repeated in the axes list");
    }
    out.push_back(n);
  }
  return out;
}

std::vector<int64_t> tensor_to_int64s(const Tensor& t, const ir::Node& node, const char* what) {
  if (t.rank() > 1) {
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": " + what + " must be 1-D, got " + t.describe());
  }
  std::vector<int64_t> out(static_cast<size_t>(t.size()));
  if (t.dtype() == DataType::Int64) {
    std::copy(t.data<int64_t>(), t.data<int64_t>() + t.size(), out.begin());
  } else if (t.dtype() == DataType::Int32) {
    std::copy(t.data<int32_t>(), t.data<int32_t>() + t.size(), out.begin());
  } else {
    throw_error(ErrorCode::InvalidArgument,
                node.describe() + ": " + what + " must be int64, got " + t.describe());
  }
  return out;
}

}  // namespace onyxrt::ops
