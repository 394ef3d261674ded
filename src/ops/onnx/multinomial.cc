// Multinomial (ONNX opsets 7, 22): for each row of input [batch, classes] of unnormalized log
// probabilities, `sample_size` (default 1) class indices drawn with probability softmax(row), as
// int32 (default) or int64 `dtype`. See random_engine.h for seeding.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "ops/onnx/random_engine.h"
#include "ops/onnx/signal_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class MultinomialKernel final : public OpKernel {
 public:
  MultinomialKernel(const ir::Node& node, DataType dtype)
      : seeds_(node), dtype_(dtype), samples_(node.get_int("sample_size", 1)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!signal_type_ok(x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    if (x.rank() != 2 || x.shape()[1] <= 0) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input " + shape_to_string(x.shape()) +
                                                  " must be [batch_size, class_size] with class_size > 0");
    }
    const int64_t batch = x.shape()[0], classes = x.shape()[1];
    Tensor& y = ctx.allocate_output(0, dtype_, {batch, samples_});
    std::mt19937_64 gen = seeds_.engine();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> cdf(static_cast<size_t>(classes));
    for (int64_t b = 0; b < batch; ++b) {
      double mx = -INFINITY;
      for (int64_t c = 0; c < classes; ++c) mx = std::max(mx, signal_load(x, b * classes + c));
      double run = 0;
      for (int64_t c = 0; c < classes; ++c) cdf[c] = run += std::exp(signal_load(x, b * classes + c) - mx);
      for (int64_t s = 0; s < samples_; ++s) {
        const double r = u(gen) * run;
        const int64_t k = std::min<int64_t>(classes - 1, std::upper_bound(cdf.begin(), cdf.end(), r) - cdf.begin());
        if (dtype_ == DataType::Int64) y.mutable_data<int64_t>()[b * samples_ + s] = k;
        else y.mutable_data<int32_t>()[b * samples_ + s] = static_cast<int32_t>(k);
      }
    }
  }

 private:
  RandomSeedSource seeds_;
  DataType dtype_;
  int64_t samples_;
};

std::unique_ptr<OpKernel> make_multinomial(const ir::Node& node) {
  const DataType in = input_dtype(node, 0);
  if (in != DataType::Undefined && !signal_type_ok(in)) unsupported_type(node, 0, in);
  const auto t = static_cast<DataType>(node.get_int("dtype", static_cast<int64_t>(DataType::Int32)));
  if (t != DataType::Int32 && t != DataType::Int64) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": dtype " + std::string(dtype_name(t)) + " must be int32 or int64");
  }
  if (node.get_int("sample_size", 1) < 1) throw_error(ErrorCode::InvalidGraph, node.describe() + ": sample_size must be positive");
  return std::make_unique<MultinomialKernel>(node, t);
}

void infer_multinomial(ir::InferenceContext& ctx) {
  const auto t = static_cast<DataType>(ctx.node().get_int("dtype", static_cast<int64_t>(DataType::Int32)));
  const ir::TypeInfo& in = ctx.input_type(0);
  const ir::Dim batch = in.has_shape && in.shape.size() == 2 ? in.shape[0] : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(t, ir::SymShape{batch, ir::Dim::of(ctx.node().get_int("sample_size", 1))}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Multinomial", 7, kMaxOpset, make_multinomial, infer_multinomial});

}  // namespace onyxrt::ops
