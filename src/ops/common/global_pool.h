// What GlobalAveragePool, GlobalMaxPool and GlobalLpPool share: [N, C, spatial...] -> [N, C, 1...],
// one value per (image, channel) plane, planes split over the pool.
#pragma once
#include <algorithm>

#include "ops/registry.h"

namespace onyxrt::ops {

// Y[n, c, 1...] = reduce(plane (n, c), plane size); reduce is T(const T*, int64_t).
template <typename T, typename Reduce>
void run_global_pool(KernelContext& ctx, const Tensor& X, Reduce reduce) {
  if (X.rank() < 3)
    throw_error(ErrorCode::InvalidArgument,
                ctx.node().describe() + ": X must be [N, C, spatial...], got " + shape_to_string(X.shape()));
  Shape out_shape(X.shape());
  std::fill(out_shape.begin() + 2, out_shape.end(), 1);
  Tensor& Y = ctx.allocate_output(0, X.dtype(), out_shape);
  const int64_t planes = X.shape()[0] * X.shape()[1];
  if (planes == 0) return;
  const int64_t plane = X.size() / planes;
  const T* x = X.data<T>();
  T* y = Y.mutable_data<T>();
  ThreadPool::parallel_for(ctx.thread_pool(), planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, plane)),
                           [&](int64_t begin, int64_t end) {
                             for (int64_t p = begin; p < end; ++p) y[p] = reduce(x + p * plane, plane);
                           });
}

// Output type: X's element type, X's rank, N and C kept, spatial dims 1.
void infer_global_pool_output(ir::InferenceContext& ctx);

}  // namespace onyxrt::ops
