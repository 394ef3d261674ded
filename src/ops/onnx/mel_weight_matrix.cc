// MelWeightMatrix (ONNX opset 17): a [dft_length / 2 + 1, num_mel_bins] matrix of triangular
// filters, evenly spaced on the mel scale (mel = 2595 log10(1 + hz / 700)) between
// lower_edge_hertz and upper_edge_hertz, each rising from its left to its centre bin and falling
// to its right one. The bin placement follows the ONNX reference implementation exactly (the mel
// range is split into num_mel_bins + 2 steps and bins are floor((dft_length + 1) hz / rate)).
#include <cmath>
#include <memory>

#include "ops/common/axes.h"
#include "ops/onnx/quant_common.h"
#include "ops/onnx/signal_output.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class MelWeightMatrixKernel final : public OpKernel {
 public:
  explicit MelWeightMatrixKernel(const ir::Node& node) : out_type_(signal_output_type(node)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    auto int_scalar = [&](int i, const char* what) {
      const std::vector<int64_t> v = tensor_to_int64s(ctx.required_input(i), node, what);
      if (v.size() != 1) throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must be a scalar");
      return v[0];
    };
    auto real_scalar = [&](int i, const char* what) {
      const Tensor& t = ctx.required_input(i);
      if (t.size() != 1 || !quant::is_real_type(t.dtype())) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must be a float scalar");
      }
      return static_cast<double>(quant::load_real(t.dtype(), t.raw(), 0));
    };
    const int64_t bins = int_scalar(0, "num_mel_bins"), dft_length = int_scalar(1, "dft_length");
    const int64_t rate = int_scalar(2, "sample_rate");
    const double lower = real_scalar(3, "lower_edge_hertz"), upper = real_scalar(4, "upper_edge_hertz");
    if (bins <= 0 || dft_length <= 0 || rate <= 0) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": num_mel_bins, dft_length and sample_rate must be positive");
    }
    const int64_t spectrogram_bins = dft_length / 2 + 1;
    const double low_mel = 2595 * std::log10(1 + lower / 700), high_mel = 2595 * std::log10(1 + upper / 700);
    const double step = (high_mel - low_mel) / static_cast<double>(bins + 2);
    std::vector<int64_t> edge(static_cast<size_t>(bins + 2));
    for (int64_t i = 0; i < bins + 2; ++i) {
      const double hz = 700 * (std::pow(10.0, (i * step + low_mel) / 2595) - 1);
      edge[i] = static_cast<int64_t>(std::floor(static_cast<double>(dft_length + 1) * hz / static_cast<double>(rate)));
    }
    std::vector<double> w(static_cast<size_t>(spectrogram_bins * bins), 0.0);
    auto at = [&](int64_t j, int64_t i) -> double& {
      if (j < 0 || j >= spectrogram_bins) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": upper_edge_hertz lies beyond the Nyquist bin");
      }
      return w[j * bins + i];
    };
    for (int64_t i = 0; i < bins; ++i) {
      const int64_t left = edge[i], centre = edge[i + 1], right = edge[i + 2];
      if (centre == left) {
        at(centre, i) = 1;
      } else {
        for (int64_t j = left; j <= centre; ++j) at(j, i) = static_cast<double>(j - left) / static_cast<double>(centre - left);
      }
      for (int64_t j = centre; j < right; ++j) at(j, i) = static_cast<double>(right - j) / static_cast<double>(right - centre);
    }
    store_doubles(ctx.allocate_output(0, out_type_, {spectrogram_bins, bins}), w);
  }

 private:
  DataType out_type_;
};

std::unique_ptr<OpKernel> make_mel_weight_matrix(const ir::Node& node) {
  return std::make_unique<MelWeightMatrixKernel>(node);
}

void infer_mel_weight_matrix(ir::InferenceContext& ctx) {
  const auto t = static_cast<DataType>(ctx.node().get_int("output_datatype", static_cast<int64_t>(DataType::Float)));
  ir::Dim rows, cols;
  if (const Tensor* b = ctx.input_constant(0); b && b->size() == 1) cols = ir::Dim::of(tensor_to_int64s(*b, ctx.node(), "num_mel_bins")[0]);
  if (const Tensor* d = ctx.input_constant(1); d && d->size() == 1) rows = ir::Dim::of(tensor_to_int64s(*d, ctx.node(), "dft_length")[0] / 2 + 1);
  ctx.set_output_type(0, ir::TypeInfo::tensor(t, ir::SymShape{rows, cols}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MelWeightMatrix", 17, kMaxOpset, make_mel_weight_matrix, infer_mel_weight_matrix});

}  // namespace onyxrt::ops
