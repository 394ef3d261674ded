// Numpy-style broadcasting of N input shapes, as ONNX's multidirectional broadcasting rule
// (docs/Broadcasting.md) defines it, expressed as runs of contiguous output elements so that
// element-wise kernels keep a tight inner loop.
#pragma once
#include <cstdint>
#include <vector>

#include "onyxrt/tensor.h"

namespace onyxrt::kernels::ref {

// Output shape of broadcasting `shapes` together; false when two dims are neither equal nor 1.
bool broadcast_shape(const std::vector<Shape>& shapes, Shape& out);

class BroadcastIndexer {
 public:
  // The shapes must be compatible (broadcast_shape returned true).
  explicit BroadcastIndexer(const std::vector<Shape>& inputs);

  const Shape& output_shape() const { return out_shape_; }
  int64_t output_size() const { return out_size_; }
  int input_count() const { return static_cast<int>(steps_.size()); }

  // Calls fn(out_index, in_offsets, in_steps, count) for consecutive runs covering output
  // elements [begin, end). Along a run, input k advances by in_steps[k] (0 or 1) per element,
  // starting at element in_offsets[k].
  template <typename Fn>
  void for_each_run(int64_t begin, int64_t end, Fn&& fn) const {
    std::vector<int64_t> offsets(steps_.size());
    const int64_t inner = dims_.back();
    int64_t pos = begin;
    while (pos < end) {
      const int64_t row = pos / inner;
      const int64_t col = pos % inner;
      row_offsets(row, offsets.data());
      for (size_t k = 0; k < steps_.size(); ++k) offsets[k] += col * steps_[k];
      const int64_t count = (inner - col < end - pos) ? inner - col : end - pos;
      fn(pos, offsets.data(), steps_.data(), count);
      pos += count;
    }
  }

 private:
  // Offsets of every input at the start of output row `row` (row = index over all dims but the last).
  void row_offsets(int64_t row, int64_t* offsets) const;

  Shape out_shape_;
  int64_t out_size_ = 0;
  std::vector<int64_t> dims_;                  // merged output dims, innermost last, never empty
  std::vector<std::vector<int64_t>> strides_;  // per input, per merged dim; 0 where it repeats
  std::vector<int64_t> steps_;                 // per input, stride of the innermost merged dim
};

}  // namespace onyxrt::kernels::ref
