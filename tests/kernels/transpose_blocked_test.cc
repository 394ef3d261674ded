// The blocked transpose and the run-copying strided copy against the element-at-a-time reference
// kernels (kernels/ref/transpose.h, kernels/ref/strided_copy.h), for every element width, on
// random shapes of rank 0 to 6 with ragged tile edges and empty dims, serially and on a pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/ref/strided_copy.h"
#include "kernels/ref/transpose.h"
#include "kernels/transpose_blocked.h"
#include "kernels/transpose_strided_copy.h"

namespace onyxrt::kernels {
namespace {

struct Bytes16 {
  uint64_t lo, hi;
  bool operator==(const Bytes16&) const = default;
};

ThreadPoolSettings three_threads() {
  ThreadPoolSettings s;
  s.num_threads = 3;
  return s;
}

template <typename T>
std::vector<T> iota_values(int64_t n) {
  std::vector<T> v(n);
  for (int64_t i = 0; i < n; ++i) {
    // Distinct per element where the width allows: the low bytes carry the index.
    uint64_t tag = static_cast<uint64_t>(i) * 2654435761u + 1;
    std::memcpy(&v[i], &tag, std::min(sizeof(T), sizeof tag));
  }
  return v;
}

Shape random_shape(std::mt19937& rng, int rank, bool allow_empty, int max_dim) {
  std::uniform_int_distribution<int> dim(allow_empty ? 0 : 1, max_dim);
  Shape s(rank);
  for (int64_t& d : s) d = dim(rng);
  return s;
}

template <typename T>
void check_transpose(std::mt19937& rng, const Shape& shape, ThreadPool* pool) {
  std::vector<int64_t> perm(shape.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  const ref::TransposePlan plan = ref::plan_transpose(shape, perm);
  const std::vector<T> in = iota_values<T>(plan.size);
  std::vector<T> want(plan.size), got(plan.size);
  ref::transpose_range(in.data(), want.data(), plan, 0, plan.size);
  transpose_blocked(plan, in.data(), got.data(), sizeof(T), pool);
  std::string p;
  for (int64_t d : perm) p += std::to_string(d) + ",";
  ASSERT_TRUE(got == want) << shape_to_string(shape) << " perm " << p << " width " << sizeof(T);
}

TEST(TransposeBlocked, MatchesReferenceForEveryWidthAndRank) {
  ThreadPool pool(three_threads());
  std::mt19937 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = trial % 7;
    // Large dims now and then so tiles have ragged edges and the pool splits the work.
    const Shape shape = random_shape(rng, rank, trial % 11 == 0, trial % 3 == 0 && rank <= 3 ? 40 : 5);
    ThreadPool* p = trial % 2 ? &pool : nullptr;
    check_transpose<uint8_t>(rng, shape, p);
    check_transpose<uint16_t>(rng, shape, p);
    check_transpose<uint32_t>(rng, shape, p);
    check_transpose<uint64_t>(rng, shape, p);
    check_transpose<Bytes16>(rng, shape, p);
  }
  // The shapes of the models: attention heads and NCHW <-> NHWC.
  for (const Shape& s : {Shape{1, 128, 12, 64}, Shape{1, 64, 56, 56}, Shape{300, 517}}) {
    check_transpose<uint32_t>(rng, s, &pool);
  }
}

// Slice-like (positive and negative steps into a larger array) and Expand-like (zero strides) copies.
template <typename T>
void check_strided(std::mt19937& rng, int rank, ThreadPool* pool) {
  const Shape extent = random_shape(rng, rank, rng() % 9 == 0, rng() % 3 == 0 && rank <= 3 ? 30 : 4);
  std::vector<int64_t> in_strides(rank), out_strides = ref::contiguous_strides(extent);
  int64_t span = 1, start = 0;
  for (int d = rank; d-- > 0;) {
    const int kind = static_cast<int>(rng() % 4);  // 0: repeat, 1: step back, 2-3: step forward
    const int64_t step = kind == 0 ? 0 : (kind == 1 ? -1 : 1) * static_cast<int64_t>(1 + rng() % 2);
    in_strides[d] = step * span;
    if (step < 0 && extent[d] > 0) start += -step * span * (extent[d] - 1);
    span *= std::max<int64_t>(1, extent[d]) * 2 + 1;
  }
  const std::vector<T> in = iota_values<T>(span);
  int64_t n = 1;
  for (int64_t e : extent) n *= e;
  std::vector<T> want(n), got(n);
  ref::strided_copy(in.data() + start, in_strides, want.data(), out_strides, extent);
  strided_copy(plan_strided_copy(extent, in_strides, out_strides), in.data() + start, got.data(), sizeof(T), pool);
  ASSERT_TRUE(got == want) << shape_to_string(extent) << " width " << sizeof(T);
}

TEST(TransposeStridedCopy, MatchesReferenceForSliceAndExpandStrides) {
  ThreadPool pool(three_threads());
  std::mt19937 rng(9);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = trial % 7;
    ThreadPool* p = trial % 2 ? &pool : nullptr;
    check_strided<uint8_t>(rng, rank, p);
    check_strided<uint16_t>(rng, rank, p);
    check_strided<uint32_t>(rng, rank, p);
    check_strided<uint64_t>(rng, rank, p);
    check_strided<Bytes16>(rng, rank, p);
  }
}

}  // namespace
}  // namespace onyxrt::kernels
