// Moving whole slices along one axis, for ops that iterate over or assemble tensors
// (Scan, Loop scan outputs, SplitToSequence, ConcatFromSequence, SequenceMap).
#pragma once
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt::ops {

// The index-th slice of `t` along `axis`, without that axis (shape of rank r-1).
Tensor slice_at(const Tensor& t, int64_t axis, int64_t index, Allocator* allocator);
// A contiguous range [begin, end) along `axis`, keeping the axis.
Tensor slice_range(const Tensor& t, int64_t axis, int64_t begin, int64_t end, Allocator* allocator);
// Joins tensors of identical shape along a new axis inserted at `axis`.
Tensor stack(const std::vector<Tensor>& parts, int64_t axis, Allocator* allocator);
// Joins tensors along an existing axis; every other dimension must agree.
Tensor concat(const std::vector<Tensor>& parts, int64_t axis, Allocator* allocator);

}  // namespace onyxrt::ops
