#include "kernels/transpose_blocked.h"

#include <algorithm>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/transpose_strided_copy.h"

namespace onyxrt::kernels {
namespace {

struct Bytes16 {
  uint64_t lo, hi;
};

// 16 x 16 elements: 16 input lines of 64 bytes for floats, within L1 alongside the output lines.
constexpr int64_t kTile = 16;

// out[ip * out_row + il] = in[ip + il * in_col] for ip < rows, il < cols: the 2-D swap, tiled.
template <typename T>
void swap_2d(const T* in, int64_t in_col, T* out, int64_t out_row, int64_t rows, int64_t cols) {
  for (int64_t il0 = 0; il0 < cols; il0 += kTile) {
    const int64_t il1 = std::min(cols, il0 + kTile);
    for (int64_t ip = 0; ip < rows; ++ip) {
      const T* s = in + ip;
      T* d = out + ip * out_row;
      for (int64_t il = il0; il < il1; ++il) d[il] = s[il * in_col];
    }
  }
}

struct SwapGeometry {
  std::vector<int64_t> outer_extent, outer_in_stride, outer_out_stride;
  int64_t outer_count = 1;
  int64_t rows = 0, row_out_stride = 0;  // the output dim reading the input contiguously
  int64_t cols = 0, col_in_stride = 0;   // the output's innermost dim
};

template <typename T>
void run_swap(const SwapGeometry& g, const T* in, T* out, ThreadPool* pool) {
  const int64_t row_blocks = (g.rows + kTile - 1) / kTile;
  const int64_t min_tasks = std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(1, kTile * g.cols));
  ThreadPool::parallel_for(pool, g.outer_count * row_blocks, min_tasks, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      int64_t outer = t / row_blocks;
      const int64_t rb = t % row_blocks;
      int64_t in_off = rb * kTile, out_off = rb * kTile * g.row_out_stride;
      for (size_t d = g.outer_extent.size(); d-- > 0;) {
        const int64_t i = outer % g.outer_extent[d];
        outer /= g.outer_extent[d];
        in_off += i * g.outer_in_stride[d];
        out_off += i * g.outer_out_stride[d];
      }
      swap_2d(in + in_off, g.col_in_stride, out + out_off, g.row_out_stride, std::min(kTile, g.rows - rb * kTile),
              g.cols);
    }
  });
}

template <typename Fn>
void with_element_type(int bytes, Fn&& fn) {
  switch (bytes) {
    case 1: return fn(uint8_t{});
    case 2: return fn(uint16_t{});
    case 4: return fn(uint32_t{});
    case 8: return fn(uint64_t{});
    default: return fn(Bytes16{});
  }
}

}  // namespace

void transpose_blocked(const ref::TransposePlan& plan, const void* in, void* out, int element_bytes,
                       ThreadPool* pool) {
  if (plan.size == 0) return;
  const size_t rank = plan.out_dims.size();
  const std::vector<int64_t> out_strides = [&] {
    std::vector<int64_t> s(rank, 1);
    for (size_t d = rank; d-- > 1;) s[d - 1] = s[d] * plan.out_dims[d];
    return s;
  }();
  size_t contiguous_dim = rank;
  for (size_t d = 0; d < rank; ++d)
    if (plan.in_strides[d] == 1 && plan.out_dims[d] > 1) contiguous_dim = d;
  if (contiguous_dim == rank - 1 || contiguous_dim == rank || rank == 1) {
    strided_copy(plan_strided_copy(plan.out_dims, plan.in_strides, out_strides), in, out, element_bytes, pool);
    return;
  }
  SwapGeometry g;
  g.rows = plan.out_dims[contiguous_dim];
  g.row_out_stride = out_strides[contiguous_dim];
  g.cols = plan.out_dims[rank - 1];
  g.col_in_stride = plan.in_strides[rank - 1];
  for (size_t d = 0; d + 1 < rank; ++d) {
    if (d == contiguous_dim) continue;
    g.outer_extent.push_back(plan.out_dims[d]);
    g.outer_in_stride.push_back(plan.in_strides[d]);
    g.outer_out_stride.push_back(out_strides[d]);
    g.outer_count *= plan.out_dims[d];
  }
  with_element_type(element_bytes, [&](auto tag) {
    using T = decltype(tag);
    run_swap(g, static_cast<const T*>(in), static_cast<T*>(out), pool);
  });
}

}  // namespace onyxrt::kernels
