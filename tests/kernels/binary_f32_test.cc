// Every float binary variant the CPU supports against the portable variant (bit for bit: each
// result is one IEEE operation), on ragged lengths with NaN, Inf and signed zeros mixed in; and the
// broadcast driver against an element-by-element evaluation over random shapes of rank 0 to 6,
// including empty dims.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/binary_f32.h"

namespace onyxrt::kernels {
namespace {

std::vector<float> random_values(std::mt19937& rng, int64_t n) {
  std::uniform_real_distribution<float> u(-4.0f, 4.0f);
  std::uniform_int_distribution<int> special(0, 15);
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 0.0f, -0.0f, 1e-40f, 3e38f};
  std::vector<float> v(n);
  for (float& x : v) {
    const int s = special(rng);
    x = s < 7 ? specials[s] : u(rng);
  }
  return v;
}

// Equal bit patterns, except that any NaN matches any NaN (payloads are not specified).
bool same(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(same(got[i], want[i])) << what << " at " << i << ": " << got[i] << " vs " << want[i];
  }
}

const char* const kOpNames[] = {"add", "sub", "mul", "div"};

TEST(BinaryF32Kernels, EveryVariantMatchesPortableOnRaggedLengthsWithSpecials) {
  const BinaryF32Variant& ref = binary_f32_variants().back();
  ASSERT_STREQ(ref.name, "f32_binary_portable");
  std::mt19937 rng(7);
  int tested = 0;
  for (const BinaryF32Variant& v : binary_f32_variants()) {
    if (!v.supported(cpu_features())) continue;
    ++tested;
    for (int64_t n : {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 1000}) {
      const std::vector<float> a = random_values(rng, n), b = random_values(rng, n);
      const float s = random_values(rng, 1)[0];
      for (int k = 0; k < kBinaryF32OpCount; ++k) {
        const std::string what = std::string(v.name) + " " + kOpNames[k] + " n=" + std::to_string(n);
        std::vector<float> got(n), want(n);
        v.vec_vec[k](a.data(), b.data(), got.data(), n);
        ref.vec_vec[k](a.data(), b.data(), want.data(), n);
        expect_same(got, want, what + " vec_vec");
        for (int64_t i = 0; i < n; ++i) {  // the portable variant itself against the plain operators
          const float r = k == 0 ? a[i] + b[i] : k == 1 ? a[i] - b[i] : k == 2 ? a[i] * b[i] : a[i] / b[i];
          ASSERT_TRUE(same(want[i], r)) << what;
        }
        v.vec_scalar[k](a.data(), s, got.data(), n);
        ref.vec_scalar[k](a.data(), s, want.data(), n);
        expect_same(got, want, what + " vec_scalar");
        v.scalar_vec[k](a.data(), s, got.data(), n);
        ref.scalar_vec[k](a.data(), s, want.data(), n);
        expect_same(got, want, what + " scalar_vec");
        if (k == 1 && n > 0) {
          ASSERT_TRUE(same(want[0], s - a[0])) << what << " scalar_vec order";
        }
      }
      std::vector<float> got(n), want(n);
      v.square(a.data(), got.data(), n);
      ref.square(a.data(), want.data(), n);
      expect_same(got, want, std::string(v.name) + " square");
      v.cube(a.data(), got.data(), n);
      ref.cube(a.data(), want.data(), n);
      expect_same(got, want, std::string(v.name) + " cube");
      for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(same(want[i], a[i] * a[i] * a[i]));
      // In place: y is a.
      std::vector<float> inplace = a;
      v.vec_vec[2](inplace.data(), b.data(), inplace.data(), n);
      ref.vec_vec[2](a.data(), b.data(), want.data(), n);
      expect_same(inplace, want, std::string(v.name) + " in place");
    }
  }
  EXPECT_GE(tested, 1);
}

Shape random_shape(std::mt19937& rng, int rank, bool allow_empty) {
  std::uniform_int_distribution<int> dim(allow_empty ? 0 : 1, 4);
  Shape s(rank);
  for (int64_t& d : s) d = dim(rng);
  return s;
}

// b's shape: a suffix of out's rank with each dim either kept or set to 1.
Shape broadcast_partner(std::mt19937& rng, const Shape& a) {
  std::uniform_int_distribution<int> coin(0, 2);
  const int drop = std::uniform_int_distribution<int>(0, static_cast<int>(a.size()))(rng);
  Shape b(a.begin() + drop, a.end());
  for (int64_t& d : b)
    if (coin(rng) == 0) d = 1;
  return b;
}

int64_t element_count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// y[idx] = a[idx mapped] op b[idx mapped], one output element at a time from its multi-index.
std::vector<float> broadcast_by_index(int op, const Shape& as, const std::vector<float>& a, const Shape& bs,
                                      const std::vector<float>& b, const Shape& out) {
  const size_t rank = out.size();
  std::vector<float> y(element_count(out));
  for (int64_t flat = 0; flat < static_cast<int64_t>(y.size()); ++flat) {
    std::vector<int64_t> idx(rank);
    int64_t r = flat;
    for (size_t d = rank; d-- > 0;) {
      idx[d] = r % out[d];
      r /= out[d];
    }
    auto offset = [&](const Shape& s) {
      int64_t off = 0;
      const size_t pad = rank - s.size();
      for (size_t d = 0; d < s.size(); ++d) off = off * s[d] + (s[d] == 1 ? 0 : idx[pad + d]);
      return off;
    };
    const float x = a[offset(as)], z = b[offset(bs)];
    y[flat] = op == 0 ? x + z : op == 1 ? x - z : op == 2 ? x * z : x / z;
  }
  return y;
}

TEST(BinaryF32Kernels, BroadcastRangesMatchIndexByIndexEvaluationUpToRank6) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 400; ++trial) {
    const int rank = trial % 7;
    Shape as = random_shape(rng, rank, trial % 5 == 0);
    Shape bs = broadcast_partner(rng, as);
    if (trial % 2) std::swap(as, bs);
    Shape out;
    ASSERT_TRUE(ref::broadcast_shape({as, bs}, out));
    const ref::BroadcastIndexer bi({as, bs});
    const std::vector<float> a = random_values(rng, element_count(as)), b = random_values(rng, element_count(bs));
    for (const BinaryF32Variant& v : binary_f32_variants()) {
      if (!v.supported(cpu_features())) continue;
      const int op = trial % kBinaryF32OpCount;
      const std::vector<float> want = broadcast_by_index(op, as, a, bs, b, out);
      std::vector<float> got(want.size(), 12345.0f);
      // Split into uneven pieces, as a thread pool would.
      const int64_t n = bi.output_size();
      for (int64_t begin = 0; begin < n;) {
        const int64_t end = std::min(n, begin + 1 + static_cast<int64_t>(rng() % 37));
        binary_f32_range(v, static_cast<BinaryF32Op>(op), bi, a.data(), b.data(), got.data(), begin, end);
        begin = end;
      }
      expect_same(got, want, std::string(v.name) + " " + kOpNames[op] + " " + shape_to_string(as) + " with " +
                                 shape_to_string(bs));
    }
  }
}

}  // namespace
}  // namespace onyxrt::kernels
