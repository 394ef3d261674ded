// TfIdfVectorizer (opset 9): counts, per row of X ([C] or [B, C], strings or integers), the
// n-grams listed in the pool (pool_strings or pool_int64s, grouped by length via ngram_counts),
// with n in [min_gram_length, max_gram_length] and up to max_skip_count items skipped between
// the items of an n-gram. Each match of pool n-gram k updates column ngram_indexes[k] of Y
// ([max(ngram_indexes) + 1] or [B, that]) by mode: TF adds 1, IDF sets weights[k] (or 1), TFIDF
// adds weights[k] (or 1). weights belong to the pool's n-grams, not to output columns ("the i-th
// element in weights is the weight of the i-th n-gram in pool"), as onnxruntime reads them; the
// onnx reference indexes them by column, which only differs when ngram_indexes is not 0..n-1.
// Unigrams are counted once, not once per skip distance, as the spec's example shows.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class TfIdfMode { TF, IDF, TFIDF };

struct TfIdfConfig {
  TfIdfMode mode = TfIdfMode::TF;
  int64_t min_gram = 1;
  int64_t max_gram = 1;
  int64_t max_skip = 0;
  int64_t output_size = 0;
  std::vector<int64_t> indexes;  // pool n-gram -> output column
  std::vector<float> weights;    // per pool n-gram; empty means 1
};

// Pool n-gram (a sequence of K) -> its position in the pool. K is std::string or int64_t.
template <typename K>
using NgramColumns = std::map<std::vector<K>, int64_t>;

template <typename K>
NgramColumns<K> load_ngrams(const ir::Node& node, const std::vector<K>& pool, const TfIdfConfig& cfg) {
  const std::vector<int64_t> counts = node.get_ints("ngram_counts");
  NgramColumns<K> columns;
  size_t id = 0;  // position of the n-gram in the pool, across all lengths
  for (size_t i = 0; i < counts.size(); ++i) {
    const int64_t size = static_cast<int64_t>(i) + 1;
    const int64_t begin = counts[i];
    const int64_t end = i + 1 < counts.size() ? counts[i + 1] : static_cast<int64_t>(pool.size());
    if (begin < 0 || end < begin || end > static_cast<int64_t>(pool.size())) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": ngram_counts does not index into the pool");
    }
    const int64_t n_grams = (end - begin) / size;
    for (int64_t k = 0; k < n_grams; ++k, ++id) {
      if (size < cfg.min_gram || size > cfg.max_gram) continue;
      if (id >= cfg.indexes.size()) {
        throw_error(ErrorCode::InvalidGraph, node.describe() + ": ngram_indexes has fewer entries than the pool has n-grams");
      }
      const auto first = pool.begin() + begin + k * size;
      columns[std::vector<K>(first, first + size)] = static_cast<int64_t>(id);  // a repeat keeps its last id
    }
  }
  return columns;
}

// One match of pool n-gram `id` in the row whose output is `y`.
inline void apply_match(const TfIdfConfig& cfg, int64_t id, float* y) {
  const float w = cfg.weights.empty() ? 1.0f : cfg.weights[id];
  float& out = y[cfg.indexes[id]];
  switch (cfg.mode) {
    case TfIdfMode::TF: out += 1.0f; break;
    case TfIdfMode::IDF: out = w; break;
    case TfIdfMode::TFIDF: out += w; break;
  }
}

// Applies every n-gram match of one row of `row_size` items to `y` (output_size entries, zeroed).
template <typename K>
void weigh_row(const K* row, int64_t row_size, const NgramColumns<K>& columns, const TfIdfConfig& cfg, float* y) {
  int64_t start_size = cfg.min_gram;
  std::vector<K> gram;
  for (int64_t skip = 1; skip <= cfg.max_skip + 1; ++skip) {
    for (int64_t start = 0; start < row_size; ++start) {
      gram.clear();
      for (int64_t n = 1; n <= cfg.max_gram; ++n) {
        const int64_t pos = start + (n - 1) * skip;
        if (pos >= row_size) break;
        gram.push_back(row[pos]);
        if (n < start_size) continue;
        auto it = columns.find(gram);
        if (it != columns.end()) apply_match(cfg, it->second, y);
      }
    }
    // Unigrams do not depend on the skip distance: count them in the first pass only.
    if (start_size == 1) {
      start_size = 2;
      if (start_size > cfg.max_gram) break;
    }
  }
}

class TfIdfVectorizerKernel : public OpKernel {
 public:
  explicit TfIdfVectorizerKernel(const ir::Node& node) {
    const std::string mode = node.get_string("mode", "");
    if (mode == "TF") {
      cfg_.mode = TfIdfMode::TF;
    } else if (mode == "IDF") {
      cfg_.mode = TfIdfMode::IDF;
    } else if (mode == "TFIDF") {
      cfg_.mode = TfIdfMode::TFIDF;
    } else {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": mode must be TF, IDF or TFIDF, got \"" + mode + "\"");
    }
    cfg_.min_gram = node.get_int("min_gram_length", 1);
    cfg_.max_gram = node.get_int("max_gram_length", 1);
    cfg_.max_skip = node.get_int("max_skip_count", 0);
    if (cfg_.min_gram < 1 || cfg_.max_gram < cfg_.min_gram || cfg_.max_skip < 0) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0");
    }
    cfg_.indexes = node.get_ints("ngram_indexes");
    const std::vector<int64_t>& indexes = cfg_.indexes;
    if (indexes.empty()) throw_error(ErrorCode::InvalidGraph, node.describe() + ": ngram_indexes is empty");
    cfg_.output_size = *std::max_element(indexes.begin(), indexes.end()) + 1;
    if (*std::min_element(indexes.begin(), indexes.end()) < 0) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": ngram_indexes must not be negative");
    }
    cfg_.weights = node.get_floats("weights");
    if (!cfg_.weights.empty() && cfg_.weights.size() != indexes.size()) {
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": weights has " + std::to_string(cfg_.weights.size()) +
                                               " values for " + std::to_string(indexes.size()) + " n-grams");
    }
    const std::vector<std::string> strs = node.get_strings("pool_strings");
    string_pool_ = !strs.empty();
    if (string_pool_) {
      string_columns_ = load_ngrams(node, strs, cfg_);
    } else {
      int_columns_ = load_ngrams(node, node.get_ints("pool_int64s"), cfg_);
    }
  }

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (x.rank() > 2) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X must be [C] or [B, C], got " + x.describe());
    }
    const bool batched = x.rank() == 2;
    const int64_t rows = batched ? x.shape()[0] : 1;
    const int64_t row_size = batched ? x.shape()[1] : x.size();
    if (batched && rows < 1) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X [B, C] needs B > 0, got " + x.describe());
    }
    Shape out_shape = batched ? Shape{rows, cfg_.output_size} : Shape{cfg_.output_size};
    Tensor& y = ctx.allocate_output(0, DataType::Float, out_shape);
    std::fill(y.mutable_data<float>(), y.mutable_data<float>() + y.size(), 0.0f);
    if (x.dtype() == DataType::String) {
      if (!string_pool_) mismatch(ctx, x);
      weigh_rows(ctx, x.data<std::string>(), rows, row_size, string_columns_, y.mutable_data<float>());
    } else {
      if (string_pool_) mismatch(ctx, x);
      std::vector<int64_t> items(static_cast<size_t>(x.size()));
      for (int64_t i = 0; i < x.size(); ++i) items[i] = element_as_int64(x, i);
      weigh_rows(ctx, items.data(), rows, row_size, int_columns_, y.mutable_data<float>());
    }
  }

 private:
  [[noreturn]] static void mismatch(KernelContext& ctx, const Tensor& x) {
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": X " + x.describe() +
                                                " does not match the pool (pool_strings needs strings, pool_int64s integers)");
  }

  template <typename K>
  void weigh_rows(KernelContext& ctx, const K* items, int64_t rows, int64_t row_size, const NgramColumns<K>& columns,
                  float* y) const {
    if (columns.empty() || row_size == 0) return;
    ThreadPool::parallel_for(ctx.thread_pool(), rows, 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        weigh_row(items + r * row_size, row_size, columns, cfg_, y + r * cfg_.output_size);
      }
    });
  }

  TfIdfConfig cfg_;
  bool string_pool_ = false;
  NgramColumns<std::string> string_columns_;
  NgramColumns<int64_t> int_columns_;
};

std::unique_ptr<OpKernel> make_tfidf_vectorizer(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && dt != DataType::String && dt != DataType::Int32 && dt != DataType::Int64) {
    unsupported_type(node, 0, dt);
  }
  return std::make_unique<TfIdfVectorizerKernel>(node);
}

void infer_tfidf_vectorizer(ir::InferenceContext& ctx) {
  const std::vector<int64_t> indexes = ctx.node().get_ints("ngram_indexes");
  const ir::TypeInfo& in = ctx.input_type(0);
  if (indexes.empty() || !in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float));
    return;
  }
  const ir::Dim columns = ir::Dim::of(*std::max_element(indexes.begin(), indexes.end()) + 1);
  ir::SymShape shape = in.shape.size() == 2 ? ir::SymShape{in.shape[0], columns} : ir::SymShape{columns};
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(shape)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "TfIdfVectorizer", 9, kMaxOpset, make_tfidf_vectorizer, infer_tfidf_vectorizer});

}  // namespace onyxrt::ops
