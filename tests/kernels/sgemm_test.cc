// Every SGEMM micro-kernel variant the CPU supports, through the full driver (packing, blocking,
// threading, epilogue), against the portable reference GEMM (kernels/ref/gemm.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "kernels/ref/gemm.h"
#include "kernels/sgemm.h"
#include "kernels/sgemm_ukernels.h"

namespace onyxrt::kernels {
namespace {

struct Case {
  bool trans_a = false, trans_b = false;
  int64_t M = 1, N = 1, K = 1;
  float alpha = 1.0f, beta = 0.0f;
  int64_t pad = 0;  // extra floats per row on A, B and C: strides wider than the matrix
};

struct Operands {
  int64_t lda, ldb, ldc;
  std::vector<float> A, B, C;
};

Operands make_operands(const Case& c, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Operands o;
  const int64_t a_rows = c.trans_a ? c.K : c.M, a_cols = c.trans_a ? c.M : c.K;
  const int64_t b_rows = c.trans_b ? c.N : c.K, b_cols = c.trans_b ? c.K : c.N;
  o.lda = a_cols + c.pad;
  o.ldb = b_cols + c.pad;
  o.ldc = c.N + c.pad;
  o.A.resize(a_rows * o.lda);
  o.B.resize(b_rows * o.ldb);
  o.C.resize(c.M * o.ldc);
  for (auto* v : {&o.A, &o.B, &o.C})
    for (float& x : *v) x = dist(rng);
  return o;
}

std::vector<float> abs_of(const std::vector<float>& v) {
  std::vector<float> r(v.size());
  std::transform(v.begin(), v.end(), r.begin(), [](float x) { return std::fabs(x); });
  return r;
}

// Compares C against the reference in double, allowing the rounding error a float GEMM of depth K
// may make: K * eps * (|alpha| |A||B| + |beta| |C0|), elementwise.
void expect_matches_reference(const Case& c, const Operands& o, const std::vector<float>& got,
                              const std::string& what) {
  std::vector<double> A(o.A.begin(), o.A.end()), B(o.B.begin(), o.B.end()), C(o.C.begin(), o.C.end());
  gemm_ref<double>(c.trans_a, c.trans_b, c.M, c.N, c.K, c.alpha, A.data(), o.lda, B.data(), o.ldb, c.beta, C.data(),
                   o.ldc);
  std::vector<float> absA = abs_of(o.A), absB = abs_of(o.B), bound = abs_of(o.C);
  gemm_f32_ref(c.trans_a, c.trans_b, c.M, c.N, c.K, std::fabs(c.alpha), absA.data(), o.lda, absB.data(), o.ldb,
               std::fabs(c.beta), bound.data(), o.ldc);
  const double eps = std::numeric_limits<float>::epsilon();
  int failures = 0;
  for (int64_t i = 0; i < c.M && failures < 5; ++i)
    for (int64_t j = 0; j < c.N && failures < 5; ++j) {
      const int64_t at = i * o.ldc + j;
      const double tol = (c.K + 2) * eps * bound[at] + 1e-30;
      if (!(std::fabs(got[at] - C[at]) <= tol)) {
        ++failures;
        ADD_FAILURE() << what << " C[" << i << "," << j << "] = " << got[at] << ", reference " << C[at]
                      << " (tolerance " << tol << ")";
      }
    }
  // Padding between rows belongs to the caller and must be left alone.
  for (int64_t i = 0; i < c.M; ++i)
    for (int64_t j = c.N; j < o.ldc; ++j) ASSERT_EQ(got[i * o.ldc + j], o.C[i * o.ldc + j]) << what << " padding";
}

std::string describe(const Case& c) {
  return "M=" + std::to_string(c.M) + " N=" + std::to_string(c.N) + " K=" + std::to_string(c.K) +
         " ta=" + std::to_string(c.trans_a) + " tb=" + std::to_string(c.trans_b) + " alpha=" + std::to_string(c.alpha) +
         " beta=" + std::to_string(c.beta) + " pad=" + std::to_string(c.pad);
}

std::vector<float> run_unpacked(const SgemmUkernel& uk, const Case& c, const Operands& o, ThreadPool* pool,
                                const SgemmEpilogue& ep = {}) {
  std::vector<float> C = o.C;
  sgemm_with_ukernel(uk, c.trans_a, c.trans_b, c.M, c.N, c.K, c.alpha, o.A.data(), o.lda, o.B.data(), o.ldb, c.beta,
                     C.data(), o.ldc, pool, ep);
  return C;
}

std::vector<float> run_packed(const SgemmUkernel& uk, const Case& c, const Operands& o, ThreadPool* pool) {
  std::vector<float> C = o.C;
  PackedB packed = pack_b_with_ukernel(uk, c.trans_b, c.K, c.N, o.B.data(), o.ldb);
  sgemm_packed(c.trans_a, c.M, c.alpha, o.A.data(), o.lda, packed, c.beta, C.data(), o.ldc, pool);
  return C;
}

class SgemmVariant : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!uk().supported(cpu_features()))
      GTEST_SKIP() << uk().name << " needs an ISA this CPU (or ONYXRT_ISA) does not offer";
  }
  const SgemmUkernel& uk() const { return sgemm_ukernels()[GetParam()]; }
};

TEST_P(SgemmVariant, RandomRaggedShapesMatchReference) {
  std::mt19937 rng(1234 + GetParam());
  std::uniform_int_distribution<int64_t> dim(1, 67);
  const float alphas[] = {1.0f, 0.5f, -2.0f};
  const float betas[] = {0.0f, 1.0f, 0.75f};
  for (int iter = 0; iter < 120; ++iter) {
    Case c;
    c.M = dim(rng), c.N = dim(rng), c.K = dim(rng);
    c.trans_a = iter & 1, c.trans_b = (iter >> 1) & 1;
    c.alpha = alphas[iter % 3], c.beta = betas[(iter / 3) % 3];
    c.pad = (iter % 5 == 0) ? 3 : 0;
    Operands o = make_operands(c, rng);
    expect_matches_reference(c, o, run_unpacked(uk(), c, o, nullptr), std::string(uk().name) + " " + describe(c));
    if (HasFailure()) return;
  }
}

// Shapes that cross the K block, the N block and the M block, in every transpose combination.
TEST_P(SgemmVariant, LargeShapesCrossCacheBlocksMatchReference) {
  std::mt19937 rng(99);
  const Case shapes[] = {{false, false, 70, 600, 530, 1.0f, 0.0f, 0},
                         {false, false, 1100, 37, 300, 1.0f, 1.0f, 1},
                         {false, false, 129, 1000, 513, -0.5f, 0.25f, 0}};
  for (Case c : shapes)
    for (int t = 0; t < 4; ++t) {
      c.trans_a = t & 1, c.trans_b = t >> 1;
      Operands o = make_operands(c, rng);
      expect_matches_reference(c, o, run_unpacked(uk(), c, o, nullptr), std::string(uk().name) + " " + describe(c));
    }
}

TEST_P(SgemmVariant, PackedBGivesBitwiseTheSameAsUnpacked) {
  std::mt19937 rng(7);
  const Case shapes[] = {{false, false, 33, 45, 300, 1.0f, 0.0f, 0},
                         {true, true, 17, 600, 70, 2.0f, 0.5f, 2},
                         {false, true, 64, 64, 64, 1.0f, 1.0f, 0}};
  for (const Case& c : shapes) {
    Operands o = make_operands(c, rng);
    std::vector<float> packed = run_packed(uk(), c, o, nullptr);
    EXPECT_EQ(packed, run_unpacked(uk(), c, o, nullptr)) << describe(c);
    expect_matches_reference(c, o, packed, std::string(uk().name) + " packed " + describe(c));
  }
}

// A row-major B under a small M is read where it lies by variants with rows_b_in_place (no
// packing): the same bits as the packed B, for N around and past the panel width (a packed tail
// panel), K across the K block, strides wider than N, the epilogue in registers, 1-3 threads.
TEST_P(SgemmVariant, BReadInPlaceGivesThePackedBits) {
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const Case shapes[] = {{false, false, 34, 784, 34, 1.0f, 0.0f, 0},  {true, false, 68, 196, 68, 1.0f, 0.0f, 2},
                         {false, false, 136, 49, 300, 0.5f, 1.0f, 1}, {false, false, 5, 16, 7, 1.0f, 0.25f, 0},
                         {false, false, 160, 33, 513, -1.0f, 0.0f, 3}, {false, false, 13, 17, 1, 1.0f, 0.0f, 0}};
  for (const Case& c : shapes) {
    Operands o = make_operands(c, rng);
    std::vector<float> bias(c.N), sum(c.M * c.N);
    for (float& v : bias) v = dist(rng);
    for (float& v : sum) v = dist(rng);
    SgemmEpilogue ep;
    ep.bias_kind = SgemmEpilogue::Bias::kPerColumn;
    ep.bias = bias.data();
    ep.sum = sum.data();
    ep.ld_sum = c.N;
    ep.activation = SgemmEpilogue::Activation::kRelu;
    const PackedB packed = pack_b_with_ukernel(uk(), c.trans_b, c.K, c.N, o.B.data(), o.ldb);
    for (const SgemmEpilogue* e : {static_cast<const SgemmEpilogue*>(nullptr), static_cast<const SgemmEpilogue*>(&ep)})
      for (int threads : {1, 2, 3}) {
        ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
        const SgemmEpilogue none;
        std::vector<float> want = o.C;
        sgemm_packed(c.trans_a, c.M, c.alpha, o.A.data(), o.lda, packed, c.beta, want.data(), o.ldc, &pool,
                     e ? *e : none);
        const std::vector<float> got = run_unpacked(uk(), c, o, &pool, e ? *e : none);
        ASSERT_EQ(got, want) << uk().name << " " << describe(c) << " epilogue " << (e != nullptr) << " threads "
                             << threads;
        if (!e) expect_matches_reference(c, o, got, std::string(uk().name) + " " + describe(c));
      }
  }
}

TEST_P(SgemmVariant, ThreadCountDoesNotChangeTheResult) {
  std::mt19937 rng(11);
  const Case shapes[] = {{false, false, 200, 300, 280, 1.0f, 0.0f, 0},
                         {true, false, 5, 700, 40, 1.0f, 1.0f, 0},
                         {false, true, 61, 3, 17, 1.0f, 0.5f, 1},
                         // Several M blocks and K blocks of A packed once for the call (2+ threads),
                         // transposed and scaled on the way: the same floats as packed per task.
                         {true, false, 1100, 70, 300, 1.5f, 0.0f, 0},
                         {false, false, 1100, 40, 520, -0.5f, 1.0f, 1}};
  for (const Case& c : shapes) {
    Operands o = make_operands(c, rng);
    const std::vector<float> serial = run_unpacked(uk(), c, o, nullptr);
    expect_matches_reference(c, o, serial, std::string(uk().name) + " " + describe(c));
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
      EXPECT_EQ(run_unpacked(uk(), c, o, &pool), serial) << threads << " threads, " << describe(c);
      EXPECT_EQ(run_packed(uk(), c, o, &pool), serial) << threads << " threads packed, " << describe(c);
    }
  }
}

// M == 1 takes the row-vector path: every transpose, ragged N around the panel width, K across
// the K block; packed and unpacked agree bitwise, at every thread count.
TEST_P(SgemmVariant, RowVectorMatchesReferenceAndPackedAtEveryThreadCount) {
  std::mt19937 rng(21);
  for (int64_t N : {1, 7, 16, 33, 1000})
    for (int64_t K : {1, 70, 600})
      for (int t = 0; t < 4; ++t) {
        Case c{(t & 1) != 0, (t >> 1) != 0, 1, N, K, t == 3 ? -0.5f : 1.0f, t == 2 ? 0.75f : 0.0f, t == 1 ? 2 : 0};
        Operands o = make_operands(c, rng);
        const std::vector<float> serial = run_unpacked(uk(), c, o, nullptr);
        expect_matches_reference(c, o, serial, std::string(uk().name) + " " + describe(c));
        EXPECT_EQ(run_packed(uk(), c, o, nullptr), serial) << "packed, " << describe(c);
        ThreadPool pool(ThreadPoolSettings{.num_threads = 3});
        EXPECT_EQ(run_unpacked(uk(), c, o, &pool), serial) << "3 threads, " << describe(c);
        EXPECT_EQ(run_packed(uk(), c, o, &pool), serial) << "3 threads packed, " << describe(c);
        if (HasFailure()) return;
      }
}

// Every variant's own row-vector panel (16 columns for AVX2, 32 for AVX-512) sums each column
// in the same order, so a model's head gives the same bits whichever the CPU dispatches.
TEST_P(SgemmVariant, RowVectorPanelsOfEveryWidthAgree) {
  if (!uk().gemv_panel) GTEST_SKIP() << uk().name << " has no row-vector panel";
  std::mt19937 rng(23);
  for (const SgemmUkernel& other : sgemm_ukernels()) {
    if (&other == &uk() || !other.gemv_panel || !other.supported(cpu_features())) continue;
    for (int64_t N : {5, 32, 45, 1000})
      for (int64_t K : {3, 257, 1280})
        for (int t = 0; t < 2; ++t) {
          Case c{false, t == 1, 1, N, K, 1.0f, 0.0f, 0};
          Operands o = make_operands(c, rng);
          EXPECT_EQ(run_unpacked(uk(), c, o, nullptr), run_unpacked(other, c, o, nullptr))
              << uk().name << " vs " << other.name << " " << describe(c);
          EXPECT_EQ(run_packed(uk(), c, o, nullptr), run_packed(other, c, o, nullptr))
              << uk().name << " vs " << other.name << " packed " << describe(c);
          if (HasFailure()) return;
        }
  }
}

// A variant's rows companion (partial last M panels, the epilogue in registers) gives the bits of
// its plain kernel followed by the separate epilogue: every ragged row count, K across K blocks,
// beta, and each bias kind, sum and activation.
// Tiles of 1-3 rows run two panels at a time where the variant has rows_two_panels: the same bits
// as one panel at a time, for N with an odd panel count and a partial last panel, K across the K
// block, beta, every part of the epilogue, B packed or not, 1-3 threads.
TEST_P(SgemmVariant, TwoPanelTilesGiveTheOnePanelBits) {
  if (!uk().rows_two_panels) GTEST_SKIP() << uk().name << " has no two-panel companion";
  SgemmUkernel one_panel = uk();
  one_panel.rows_two_panels = nullptr;
  std::mt19937 rng(31);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  using Act = SgemmEpilogue::Activation;
  const int64_t nr = uk().nr;
  const Case shapes[] = {{false, false, 128, 3 * nr, 200, 1.0f, 0.0f, 0},
                         {false, true, 2, 2 * nr, uk().kc + 9, 1.0f, 0.5f, 1},
                         {true, false, 9, 5 * nr + 7, 33, -0.5f, 0.0f, 0},
                         {false, false, 1, 4 * nr + 1, 64, 1.0f, 1.0f, 2},
                         {false, false, 3 * uk().mr + 3, 2 * nr - 1, 17, 1.0f, 0.0f, 0}};
  for (const Case& c : shapes)
    for (int variant = 0; variant < 3; ++variant) {
      Operands o = make_operands(c, rng);
      std::vector<float> bias(std::max(c.M, c.N)), sum(c.M * c.N);
      for (auto* v : {&bias, &sum})
        for (float& e : *v) e = dist(rng);
      SgemmEpilogue ep;
      if (variant > 0) {
        ep.bias_kind = variant == 1 ? SgemmEpilogue::Bias::kPerColumn : SgemmEpilogue::Bias::kPerRow;
        ep.bias = bias.data();
        ep.sum = variant == 2 ? sum.data() : nullptr;
        ep.ld_sum = c.N;
        ep.activation = variant == 1 ? Act::kRelu : Act::kLeakyRelu;
        ep.alpha = 0.1f;
      }
      for (int threads : {1, 2, 3}) {
        ThreadPool pool(ThreadPoolSettings{.num_threads = threads});
        const std::vector<float> got = run_unpacked(uk(), c, o, &pool, ep);
        ASSERT_EQ(got, run_unpacked(one_panel, c, o, &pool, ep))
            << uk().name << " " << describe(c) << " epilogue " << variant << " threads " << threads;
        if (variant == 0) {
          ASSERT_EQ(run_packed(uk(), c, o, &pool), got) << uk().name << " packed " << describe(c);
          expect_matches_reference(c, o, got, std::string(uk().name) + " " + describe(c));
        }
      }
    }
}

TEST_P(SgemmVariant, RowsCompanionEqualsKernelThenEpilogue) {
  if (!uk().rows) GTEST_SKIP() << uk().name << " has no rows companion";
  SgemmUkernel plain = uk();
  plain.rows = nullptr;
  plain.rows_two_panels = nullptr;
  std::mt19937 rng(29);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  using Act = SgemmEpilogue::Activation;
  const Act acts[] = {Act::kNone, Act::kRelu, Act::kClip, Act::kLeakyRelu};
  for (int64_t M = 1; M <= 2 * uk().mr + 1; ++M)
    for (int t = 0; t < 4; ++t) {
      Case c{false, t % 2 == 1, M, 3 * uk().nr + 5, t == 3 ? uk().kc + 37 : 19 + 7 * t, 1.0f, t == 2 ? 0.5f : 0.0f, 0};
      Operands o = make_operands(c, rng);
      std::vector<float> bias(std::max(c.M, c.N)), sum(c.M * c.N);
      for (auto* v : {&bias, &sum})
        for (float& e : *v) e = dist(rng);
      SgemmEpilogue ep;
      ep.bias_kind = t == 1 ? SgemmEpilogue::Bias::kPerRow : SgemmEpilogue::Bias::kPerColumn;
      ep.bias = bias.data();
      ep.sum = t >= 2 ? sum.data() : nullptr;
      ep.ld_sum = c.N;
      ep.activation = acts[(M + t) % 4];
      ep.alpha = ep.activation == Act::kClip ? -0.2f : 0.1f;
      ep.beta = 0.3f;
      EXPECT_EQ(run_unpacked(uk(), c, o, nullptr), run_unpacked(plain, c, o, nullptr)) << describe(c);
      EXPECT_EQ(run_unpacked(uk(), c, o, nullptr, ep), run_unpacked(plain, c, o, nullptr, ep)) << "epilogue " << describe(c);
      if (HasFailure()) return;
    }
  // (beta 0.5 above: the plain path's partial tiles round beta * C apart from the sum, where the
  // kernels fuse it.) A row gives the same bits whether its tile is whole or partial: the rows
  // companion fuses beta * C as the whole tile does.
  for (int r = 1; r < uk().mr; ++r) {
    Case c{false, false, 2 * uk().mr, 2 * uk().nr, 300, 1.0f, 0.7f, 0};
    Operands o = make_operands(c, rng);
    std::vector<float> whole = o.C, partial = o.C;
    const int64_t M = uk().mr + r;
    sgemm_with_ukernel(uk(), false, false, c.M, c.N, c.K, 1.0f, o.A.data(), o.lda, o.B.data(), o.ldb, c.beta,
                       whole.data(), o.ldc, nullptr);
    sgemm_with_ukernel(uk(), false, false, M, c.N, c.K, 1.0f, o.A.data(), o.lda, o.B.data(), o.ldb, c.beta,
                       partial.data(), o.ldc, nullptr);
    ASSERT_EQ(0, std::memcmp(whole.data(), partial.data(), sizeof(float) * M * o.ldc)) << uk().name << " rows " << r;
  }
  // Likewise a column, whether its panel is whole or the last, partial one (which the companion
  // finishes in a full-width copy), with beta fused and every part of the epilogue.
  for (int r = 1; r < uk().nr; ++r) {
    Case c{false, false, 2 * uk().mr + 3, 2 * uk().nr, 300, 1.0f, 0.7f, 0};
    Operands o = make_operands(c, rng);
    std::vector<float> bias(c.N), sum(c.M * c.N);
    for (auto* v : {&bias, &sum})
      for (float& e : *v) e = dist(rng);
    SgemmEpilogue ep;
    ep.bias_kind = r % 2 ? SgemmEpilogue::Bias::kPerColumn : SgemmEpilogue::Bias::kPerRow;
    ep.bias = bias.data();
    ep.sum = sum.data();
    ep.ld_sum = c.N;
    ep.activation = acts[r % 4];
    ep.alpha = ep.activation == Act::kClip ? -0.2f : 0.1f;
    ep.beta = 0.3f;
    std::vector<float> whole = o.C, partial = o.C;
    const int64_t N = uk().nr + r;
    sgemm_with_ukernel(uk(), false, false, c.M, c.N, c.K, 1.0f, o.A.data(), o.lda, o.B.data(), o.ldb, c.beta,
                       whole.data(), o.ldc, nullptr, ep);
    sgemm_with_ukernel(uk(), false, false, c.M, N, c.K, 1.0f, o.A.data(), o.lda, o.B.data(), o.ldb, c.beta,
                       partial.data(), o.ldc, nullptr, ep);
    for (int64_t i = 0; i < c.M; ++i) {
      ASSERT_EQ(0, std::memcmp(whole.data() + i * o.ldc, partial.data() + i * o.ldc, sizeof(float) * N))
          << uk().name << " columns " << N << " row " << i;
      ASSERT_EQ(0, std::memcmp(o.C.data() + i * o.ldc + N, partial.data() + i * o.ldc + N,
                               sizeof(float) * (o.ldc - N)))
          << uk().name << " wrote past column " << N << " in row " << i;
    }
  }
}

TEST_P(SgemmVariant, BetaZeroIgnoresNaNInC) {
  std::mt19937 rng(5);
  Case c{false, false, 19, 35, 9, 1.0f, 0.0f, 0};
  Operands o = make_operands(c, rng);
  std::vector<float> C(o.C.size(), std::numeric_limits<float>::quiet_NaN());
  sgemm_with_ukernel(uk(), false, false, c.M, c.N, c.K, 1.0f, o.A.data(), o.lda, o.B.data(), o.ldb, 0.0f, C.data(),
                     o.ldc, nullptr);
  std::fill(o.C.begin(), o.C.end(), 0.0f);
  expect_matches_reference(c, o, C, uk().name);
}

TEST_P(SgemmVariant, EpilogueAddsBiasThenSumThenActivation) {
  using Act = SgemmEpilogue::Activation;
  std::mt19937 rng(3);
  Case c{false, true, 37, 53, 300, 1.0f, 0.5f, 0};
  Operands o = make_operands(c, rng);
  std::vector<float> bias(std::max(c.M, c.N));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& b : bias) b = dist(rng);
  const int64_t ld_sum = c.N + 3;
  std::vector<float> sum(c.M * ld_sum);
  for (float& z : sum) z = dist(rng);
  const std::vector<float> plain = run_unpacked(uk(), c, o, nullptr);
  for (auto kind : {SgemmEpilogue::Bias::kNone, SgemmEpilogue::Bias::kPerColumn, SgemmEpilogue::Bias::kPerRow})
    for (Act act : {Act::kNone, Act::kRelu, Act::kClip, Act::kLeakyRelu})
      for (bool with_sum : {false, true}) {
        SgemmEpilogue ep;
        ep.bias_kind = kind;
        ep.bias = bias.data();
        ep.sum = with_sum ? sum.data() : nullptr;
        ep.ld_sum = ld_sum;
        ep.activation = act;
        ep.alpha = act == Act::kClip ? -0.25f : 0.1f;
        ep.beta = 0.5f;
        ThreadPool pool(ThreadPoolSettings{.num_threads = 2});
        const std::vector<float> fused = run_unpacked(uk(), c, o, &pool, ep);
        for (int64_t i = 0; i < c.M; ++i)
          for (int64_t j = 0; j < c.N; ++j) {
            float expected = plain[i * o.ldc + j];
            if (kind == SgemmEpilogue::Bias::kPerColumn) expected += bias[j];
            if (kind == SgemmEpilogue::Bias::kPerRow) expected += bias[i];
            if (with_sum) expected += sum[i * ld_sum + j];
            if (act == Act::kRelu) expected = std::max(expected, 0.0f);
            if (act == Act::kClip) expected = std::min(std::max(expected, -0.25f), 0.5f);
            if (act == Act::kLeakyRelu && expected < 0.0f) expected *= 0.1f;
            ASSERT_EQ(fused[i * o.ldc + j], expected) << "i=" << i << " j=" << j << " act=" << int(act);
          }
      }
}

TEST_P(SgemmVariant, EmptyKScalesC) {
  std::mt19937 rng(2);
  Case c{false, false, 7, 9, 0, 1.0f, 0.5f, 0};
  Operands o = make_operands(c, rng);
  expect_matches_reference(c, o, run_unpacked(uk(), c, o, nullptr), uk().name);
}

// A vector A-panel packer writes the layout sgemm.cc documents, float for float: alpha * a[i][k]
// at k * MR + i, zeros in the rows past the matrix, nothing past MR x kc.
void expect_documented_a_panels(SgemmPackAFn pack, int MR, const std::string& name) {
  std::mt19937 rng(77 + MR);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int iter = 0; iter < 200; ++iter) {
    const int64_t rows = 1 + iter % MR, kc = 1 + static_cast<int64_t>(rng() % 300), lda = kc + iter % 7;
    const float alpha = iter % 3 == 0 ? 1.0f : dist(rng);
    std::vector<float> a(static_cast<size_t>(rows * lda));
    for (float& v : a) v = dist(rng);
    std::vector<float> dst(static_cast<size_t>(MR * kc + 8), std::numeric_limits<float>::quiet_NaN());
    pack(a.data(), lda, rows, kc, alpha, dst.data());
    for (int64_t k = 0; k < kc; ++k)
      for (int i = 0; i < MR; ++i) {
        const float want = i < rows ? alpha * a[static_cast<size_t>(i * lda + k)] : 0.0f;
        ASSERT_EQ(dst[static_cast<size_t>(k * MR + i)], want)
            << name << " rows " << rows << " kc " << kc << " at k " << k << " row " << i;
      }
    for (size_t j = static_cast<size_t>(MR * kc); j < dst.size(); ++j) ASSERT_TRUE(std::isnan(dst[j])) << "wrote past the panel";
  }
}

TEST_P(SgemmVariant, PackAPanelWritesTheDocumentedLayout) {
  if (!uk().pack_a) GTEST_SKIP() << uk().name << " packs A with the generic loop";
  expect_documented_a_panels(uk().pack_a, uk().mr, uk().name);
}

// The AVX-512 kernel's packer is AVX2 code: checked wherever AVX2 runs, not only on AVX-512.
TEST(SgemmPackA, Avx2PackersWriteTheDocumentedLayoutForEveryPanelHeight) {
  if (!cpu_features().has_avx2_fma()) GTEST_SKIP() << "needs AVX2";
  expect_documented_a_panels(f32_gemm_pack_a6_avx2, 6, "f32_gemm_pack_a6_avx2");
  expect_documented_a_panels(f32_gemm_pack_a14_avx2, 14, "f32_gemm_pack_a14_avx2");
}

INSTANTIATE_TEST_SUITE_P(AllVariants, SgemmVariant, ::testing::Range(0, static_cast<int>(sgemm_ukernels().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(sgemm_ukernels()[info.param].name);
                         });

TEST(SgemmDispatch, SelectsTheFirstSupportedVariant) {
  const SgemmUkernel& selected = sgemm_selected_ukernel();
  EXPECT_TRUE(selected.supported(cpu_features()));
  for (const SgemmUkernel& uk : sgemm_ukernels()) {
    if (&uk == &selected) break;
    EXPECT_FALSE(uk.supported(cpu_features())) << uk.name << " is listed first and supported";
  }
  PackedB packed = pack_b(false, 4, 4, std::vector<float>(16, 1.0f).data(), 4);
  EXPECT_EQ(packed.ukernel, &selected);
}

}  // namespace
}  // namespace onyxrt::kernels
