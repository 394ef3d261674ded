// FeatureVectorizer (ai.onnx.ml opset 1): concatenates the columns of its inputs ([N, C_i] or
// 1-D [C_i]) into Y [N, sum(inputdimensions)] of float; input i fills inputdimensions[i] columns,
// truncated or zero-padded.
#include <memory>

#include "ops/ml/feature_matrix.h"
#include "ops/ml/ml_attributes.h"
#include "ops/registry.h"

namespace onyxrt::ops::ml {
namespace {

class FeatureVectorizerKernel : public OpKernel {
 public:
  explicit FeatureVectorizerKernel(const ir::Node& node) : dims_(node.get_ints("inputdimensions")) {
    for (int64_t d : dims_) {
      if (d < 0) fail_attr(node, "inputdimensions must not be negative");
      total_ += d;
    }
  }

  void compute(KernelContext& ctx) const override {
    const int n_in = ctx.input_count();
    if (n_in != static_cast<int>(dims_.size())) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": " + std::to_string(n_in) + " inputs but " +
                                                  std::to_string(dims_.size()) + " inputdimensions");
    }
    std::vector<FeatureMatrix<float>> ins;
    int64_t rows = -1;
    for (int i = 0; i < n_in; ++i) {
      ins.push_back(read_features<float>(ctx.required_input(i), ctx.node()));
      if (rows >= 0 && ins.back().rows != rows) {
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": inputs differ in their number of rows");
      }
      rows = ins.back().rows;
    }
    if (rows < 0) rows = 0;
    Tensor& y = ctx.allocate_output(0, DataType::Float, {rows, total_});
    float* out = y.mutable_data<float>();
    for (int64_t r = 0; r < rows; ++r) {
      int64_t col = 0;
      for (int i = 0; i < n_in; ++i) {
        const int64_t take = std::min(dims_[i], ins[i].cols);
        std::copy(ins[i].row(r), ins[i].row(r) + take, out + r * total_ + col);
        col += dims_[i];
      }
    }
  }

 private:
  std::vector<int64_t> dims_;
  int64_t total_ = 0;
};

std::unique_ptr<OpKernel> make_feature_vectorizer(const ir::Node& node) {
  for (int i = 0; i < node.input_count(); ++i) check_ml_input(node, i);
  return std::make_unique<FeatureVectorizerKernel>(node);
}

void infer_feature_vectorizer(ir::InferenceContext& ctx) {
  int64_t total = 0;
  for (int64_t d : ctx.node().get_ints("inputdimensions")) total += d;
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::Dim rows = x.has_shape && !x.shape.empty() ? (x.shape.size() == 1 ? ir::Dim::of(1) : x.shape[0]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, ir::SymShape{rows, ir::Dim::of(total)}));
}

}  // namespace

ONYXRT_REGISTER_OP({"ai.onnx.ml", "FeatureVectorizer", 1, kMaxOpset, make_feature_vectorizer, infer_feature_vectorizer});

}  // namespace onyxrt::ops::ml
