#include "kernels/transpose_strided_copy.h"

#include <algorithm>
#include <cstring>

#include "core/thread_pool.h"

namespace onyxrt::kernels {
namespace {

struct Bytes16 {
  uint64_t lo, hi;
};

template <typename T>
void copy_run(const char* in, int64_t in_stride, char* out, int64_t out_stride, int64_t n) {
  const T* s = reinterpret_cast<const T*>(in);
  T* d = reinterpret_cast<T*>(out);
  if (in_stride == 0 && out_stride == 1) {
    std::fill(d, d + n, *s);
    return;
  }
  for (int64_t i = 0; i < n; ++i) d[i * out_stride] = s[i * in_stride];
}

using RunFn = void (*)(const char*, int64_t, char*, int64_t, int64_t);

RunFn run_for_width(int bytes) {
  switch (bytes) {
    case 1: return copy_run<uint8_t>;
    case 2: return copy_run<uint16_t>;
    case 4: return copy_run<uint32_t>;
    case 8: return copy_run<uint64_t>;
    default: return copy_run<Bytes16>;
  }
}

}  // namespace

StridedCopyPlan plan_strided_copy(const std::vector<int64_t>& extent, const std::vector<int64_t>& in_strides,
                                  const std::vector<int64_t>& out_strides) {
  StridedCopyPlan p;
  p.size = 1;
  for (int64_t e : extent) p.size *= e;
  for (size_t d = 0; d < extent.size(); ++d) {
    if (extent[d] == 1) continue;
    // Dim d merges into the previous kept one when stepping the previous once equals stepping d
    // through its whole extent, in both arrays.
    if (!p.extent.empty() && p.in_strides.back() == in_strides[d] * extent[d] &&
        p.out_strides.back() == out_strides[d] * extent[d]) {
      p.extent.back() *= extent[d];
      p.in_strides.back() = in_strides[d];
      p.out_strides.back() = out_strides[d];
      continue;
    }
    p.extent.push_back(extent[d]);
    p.in_strides.push_back(in_strides[d]);
    p.out_strides.push_back(out_strides[d]);
  }
  if (p.extent.empty()) {
    p.extent = {1};
    p.in_strides = {1};
    p.out_strides = {1};
  }
  if (p.size == 0) {
    p.rows = 0;
    return p;
  }
  p.rows = p.size / p.extent.back();
  return p;
}

int64_t strided_copy_min_rows(const StridedCopyPlan& plan) {
  return std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(1, plan.extent.back()));
}

void strided_copy_rows(const StridedCopyPlan& plan, const void* in, void* out, int element_bytes, int64_t row_begin,
                       int64_t row_end) {
  if (row_begin >= row_end) return;
  const size_t rank = plan.extent.size();
  const int64_t inner = plan.extent[rank - 1];
  const int64_t is = plan.in_strides[rank - 1], os = plan.out_strides[rank - 1];
  const bool contiguous = is == 1 && os == 1;
  const RunFn run = run_for_width(element_bytes);
  const int64_t w = element_bytes;
  // Odometer over the outer dims, started at row_begin.
  std::vector<int64_t> idx(rank, 0);
  int64_t in_off = 0, out_off = 0;
  int64_t rem = row_begin;
  for (size_t d = rank - 1; d-- > 0;) {
    idx[d] = rem % plan.extent[d];
    rem /= plan.extent[d];
    in_off += idx[d] * plan.in_strides[d];
    out_off += idx[d] * plan.out_strides[d];
  }
  const char* src = static_cast<const char*>(in);
  char* dst = static_cast<char*>(out);
  for (int64_t row = row_begin; row < row_end; ++row) {
    if (contiguous) {
      std::memcpy(dst + out_off * w, src + in_off * w, static_cast<size_t>(inner * w));
    } else {
      run(src + in_off * w, is, dst + out_off * w, os, inner);
    }
    for (size_t d = rank - 1; d-- > 0;) {
      in_off += plan.in_strides[d];
      out_off += plan.out_strides[d];
      if (++idx[d] < plan.extent[d]) break;
      in_off -= idx[d] * plan.in_strides[d];
      out_off -= idx[d] * plan.out_strides[d];
      idx[d] = 0;
    }
  }
}

void strided_copy(const StridedCopyPlan& plan, const void* in, void* out, int element_bytes, ThreadPool* pool) {
  ThreadPool::parallel_for(pool, plan.rows, strided_copy_min_rows(plan), [&](int64_t begin, int64_t end) {
    strided_copy_rows(plan, in, out, element_bytes, begin, end);
  });
}

}  // namespace onyxrt::kernels
