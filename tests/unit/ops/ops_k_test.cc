// ai.onnx.ml lookup ops, TfIdfVectorizer and the preview.training optimizers run outside a
// session. Expected values come from independent oracles written here: a std::map built from the
// test's own keys and values for LabelEncoder, a brute-force enumeration of every skip-gram for
// TfIdfVectorizer, and the Adagrad formula spelled out per element.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "unit/ops/test_kernel_context.h"

namespace onyxrt::ops::testing {
namespace {

constexpr const char* kMl = "ai.onnx.ml";

// The code creating the kernel raised, or -1 when it succeeded.
int creation_error(const SingleNodeGraph& g) {
  try {
    g.create_kernel();
  } catch (const Error& e) {
    return static_cast<int>(e.code());
  }
  return -1;
}

TEST(OpsKLabelEncoder, Opset2StringsToFloatsMatchesMapWithDefault) {
  const std::vector<std::string> keys{"a", "bb", "c", "dd"};
  const std::vector<float> values{0.5f, -2.0f, 7.25f, 1e3f};
  const std::vector<std::string> x{"c", "zz", "a", "dd", "", "bb"};
  std::map<std::string, float> oracle;
  for (size_t i = 0; i < keys.size(); ++i) oracle[keys[i]] = values[i];

  SingleNodeGraph g("LabelEncoder", 2);
  g.node.domain = kMl;
  g.input(make_tensor<std::string>(DataType::String, {2, 3}, x))
      .attr_strings("keys_strings", keys)
      .attr_floats("values_floats", values)
      .attr_float("default_float", -9.0f);
  const Tensor y = g.run()[0].tensor();  // a shallow copy: run() returns a temporary
  ASSERT_EQ(y.dtype(), DataType::Float);
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  for (size_t i = 0; i < x.size(); ++i) {
    const auto it = oracle.find(x[i]);
    EXPECT_EQ(y.data<float>()[i], it == oracle.end() ? -9.0f : it->second) << x[i];
  }
  EXPECT_EQ(g.infer().elem, DataType::Float);
}

TEST(OpsKLabelEncoder, Opset4TensorAttributesWithoutDefaultUseMinusOne) {
  const std::vector<int32_t> keys{3, 1, 4, 15};
  const std::vector<int64_t> values{30, 10, 40, 150};
  const std::vector<int32_t> x{4, 2, 15, 3, 1, 9};
  std::map<int32_t, int64_t> oracle;
  for (size_t i = 0; i < keys.size(); ++i) oracle[keys[i]] = values[i];

  SingleNodeGraph g("LabelEncoder", 4);
  g.node.domain = kMl;
  g.input(make_tensor<int32_t>(DataType::Int32, {6}, x))
      .attr_tensor("keys_tensor", make_tensor<int32_t>(DataType::Int32, {4}, keys))
      .attr_tensor("values_tensor", make_tensor<int64_t>(DataType::Int64, {4}, values));
  const Tensor y = g.run()[0].tensor();  // a shallow copy: run() returns a temporary
  ASSERT_EQ(y.dtype(), DataType::Int64);
  for (size_t i = 0; i < x.size(); ++i) {
    const auto it = oracle.find(x[i]);
    EXPECT_EQ(y.data<int64_t>()[i], it == oracle.end() ? -1 : it->second) << x[i];  // spec: {-1} for integers
  }
}

TEST(OpsKLabelEncoder, Opset1MapsBothDirectionsThroughClasses) {
  const std::vector<std::string> classes{"x", "y", "z"};
  SingleNodeGraph to_int("LabelEncoder", 1);
  to_int.node.domain = kMl;
  to_int.input(make_tensor<std::string>(DataType::String, {3}, std::vector<std::string>{"z", "q", "x"}))
      .attr_strings("classes_strings", classes);
  const Tensor ints = to_int.run()[0].tensor();  // a shallow copy: run() returns a temporary
  EXPECT_EQ(tensor_values<int64_t>(ints), (std::vector<int64_t>{2, -1, 0}));  // indexes into `classes`

  SingleNodeGraph to_string("LabelEncoder", 1);
  to_string.node.domain = kMl;
  to_string.input(make_tensor<int64_t>(DataType::Int64, {3}, std::vector<int64_t>{1, 7, 2}))
      .attr_strings("classes_strings", classes)
      .attr_string("default_string", "none");
  const Tensor strs = to_string.run()[0].tensor();  // a shallow copy: run() returns a temporary
  EXPECT_EQ(tensor_values<std::string>(strs), (std::vector<std::string>{classes[1], "none", classes[2]}));
}

TEST(OpsKLabelEncoder, BadAttributesAndTypesFailAtCreation) {
  SingleNodeGraph counts("LabelEncoder", 2);
  counts.node.domain = kMl;
  counts.input(Tensor::allocate(DataType::Int64, {2}))
      .attr_ints("keys_int64s", {1, 2, 3})
      .attr_floats("values_floats", {1.0f, 2.0f});
  EXPECT_EQ(creation_error(counts), static_cast<int>(ErrorCode::InvalidGraph));

  SingleNodeGraph int32_at_2("LabelEncoder", 2);
  int32_at_2.node.domain = kMl;
  int32_at_2.input(Tensor::allocate(DataType::Int32, {2})).attr_ints("keys_int64s", {1}).attr_ints("values_int64s", {1});
  EXPECT_EQ(creation_error(int32_at_2), static_cast<int>(ErrorCode::NotImplemented));  // int32 arrives with opset 4
}

// Every n-gram of X (lengths min..max, skips 0..max_skip; unigrams once) matched against the
// pool by brute force; returns TF counts per output column.
std::vector<float> brute_force_tf(const std::vector<int64_t>& x, const std::vector<std::vector<int64_t>>& pool_grams,
                                  const std::vector<int64_t>& columns, int64_t out_size, int64_t min_n,
                                  int64_t max_n, int64_t max_skip) {
  std::vector<float> y(static_cast<size_t>(out_size), 0.0f);
  const int64_t len = static_cast<int64_t>(x.size());
  for (int64_t n = min_n; n <= max_n; ++n) {
    const int64_t skips = n == 1 ? 0 : max_skip;
    for (int64_t s = 0; s <= skips; ++s) {
      for (int64_t start = 0; start + (n - 1) * (s + 1) < len; ++start) {
        std::vector<int64_t> gram;
        for (int64_t k = 0; k < n; ++k) gram.push_back(x[start + k * (s + 1)]);
        for (size_t p = 0; p < pool_grams.size(); ++p) {
          if (pool_grams[p] == gram) y[columns[p]] += 1.0f;
        }
      }
    }
  }
  return y;
}

TEST(OpsKTfIdfVectorizer, TfCountsMatchBruteForceSkipGrams) {
  // Pool: unigrams {2, 5}, bigrams {(1,2), (2,2), (5,1)}; columns permuted.
  const std::vector<int64_t> pool{2, 5, 1, 2, 2, 2, 5, 1};
  const std::vector<std::vector<int64_t>> grams{{2}, {5}, {1, 2}, {2, 2}, {5, 1}};
  const std::vector<int64_t> columns{4, 0, 3, 1, 2};
  const std::vector<int64_t> x{1, 2, 2, 5, 1, 2, 3, 2, 5, 5, 1, 2};
  for (int64_t max_skip : {0, 1, 3}) {
    for (int64_t min_n : {1, 2}) {
      SingleNodeGraph g("TfIdfVectorizer", 9);
      g.input(make_tensor<int64_t>(DataType::Int64, {2, 6}, x))
          .attr_string("mode", "TF")
          .attr_int("min_gram_length", min_n)
          .attr_int("max_gram_length", 2)
          .attr_int("max_skip_count", max_skip)
          .attr_ints("ngram_counts", {0, 2})
          .attr_ints("ngram_indexes", columns)
          .attr_ints("pool_int64s", pool);
      const Tensor y = g.run()[0].tensor();  // a shallow copy: run() returns a temporary
      ASSERT_EQ(y.shape(), (Shape{2, 5}));
      for (int64_t row = 0; row < 2; ++row) {
        const std::vector<int64_t> xr(x.begin() + row * 6, x.begin() + (row + 1) * 6);
        const std::vector<float> want = brute_force_tf(xr, grams, columns, 5, min_n, 2, max_skip);
        const std::vector<float> got(y.data<float>() + row * 5, y.data<float>() + (row + 1) * 5);
        EXPECT_EQ(got, want) << "row " << row << " skip " << max_skip << " min_n " << min_n;
      }
      const ir::TypeInfo t = g.infer();
      ASSERT_TRUE(t.shape_known());
      EXPECT_EQ(t.concrete_shape(), (Shape{2, 5}));
    }
  }
}

TEST(OpsKTfIdfVectorizer, StringInputAgainstIntegerPoolIsRejected) {
  SingleNodeGraph g("TfIdfVectorizer", 9);
  g.input(make_tensor<std::string>(DataType::String, {2}, std::vector<std::string>{"a", "b"}))
      .attr_string("mode", "TF").attr_int("min_gram_length", 1).attr_int("max_gram_length", 1)
      .attr_int("max_skip_count", 0).attr_ints("ngram_counts", {0}).attr_ints("ngram_indexes", {0})
      .attr_ints("pool_int64s", {1});
  EXPECT_THROW(g.run(), Error);
}

TEST(OpsKTraining, MultiTensorAdagradFollowsTheFormula) {
  const double r = 0.3, decay = 0.05, eps = 1e-3, norm = 0.02;
  const int64_t t = 3;
  const std::vector<float> x1{0.5f, -1.0f}, x2{2.0f, 0.25f, -0.75f};
  const std::vector<float> g1{0.1f, -0.2f}, g2{-0.3f, 0.4f, 0.05f};
  const std::vector<float> h1{0.0f, 1.0f}, h2{0.5f, 0.0f, 2.0f};
  SingleNodeGraph g("Adagrad", 1, 4);
  g.node.domain = "ai.onnx.preview.training";
  g.input(make_tensor<float>(DataType::Float, {}, std::vector<double>{r}))
      .input(make_tensor<int64_t>(DataType::Int64, {}, std::vector<int64_t>{t}))
      .input(make_tensor<float>(DataType::Float, {2}, x1)).input(make_tensor<float>(DataType::Float, {3}, x2))
      .input(make_tensor<float>(DataType::Float, {2}, g1)).input(make_tensor<float>(DataType::Float, {3}, g2))
      .input(make_tensor<float>(DataType::Float, {2}, h1)).input(make_tensor<float>(DataType::Float, {3}, h2))
      .attr_float("decay_factor", static_cast<float>(decay)).attr_float("epsilon", static_cast<float>(eps))
      .attr_float("norm_coefficient", static_cast<float>(norm));
  const std::vector<Value> out = g.run();
  ASSERT_EQ(out.size(), 4u);
  const std::vector<const std::vector<float>*> xs{&x1, &x2}, gs{&g1, &g2}, hs{&h1, &h2};
  for (size_t k = 0; k < 2; ++k) {
    for (size_t e = 0; e < xs[k]->size(); ++e) {
      const double rate = r / (1 + t * static_cast<double>(static_cast<float>(decay)));
      const double gr = static_cast<float>(norm) * (*xs[k])[e] + (*gs[k])[e];
      const double h = (*hs[k])[e] + gr * gr;
      const double xn = (*xs[k])[e] - rate * gr / (std::sqrt(h) + static_cast<float>(eps));
      EXPECT_NEAR(out[k].tensor().data<float>()[e], xn, 1e-6);
      EXPECT_NEAR(out[2 + k].tensor().data<float>()[e], h, 1e-6);
    }
  }
}

TEST(OpsKTraining, MismatchedStateShapeIsRejected) {
  SingleNodeGraph g("Momentum", 1, 2);
  g.node.domain = "ai.onnx.preview.training";
  g.input(make_tensor<float>(DataType::Float, {}, std::vector<float>{0.1f}))
      .input(make_tensor<int64_t>(DataType::Int64, {}, std::vector<int64_t>{1}))
      .input(Tensor::allocate(DataType::Float, {2})).input(Tensor::allocate(DataType::Float, {2}))
      .input(Tensor::allocate(DataType::Float, {3}))
      .attr_float("alpha", 0.9f).attr_float("beta", 0.1f).attr_float("norm_coefficient", 0.0f)
      .attr_string("mode", "standard");
  EXPECT_THROW(g.run(), Error);
}

}  // namespace
}  // namespace onyxrt::ops::testing
