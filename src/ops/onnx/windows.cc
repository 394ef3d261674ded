// HannWindow, HammingWindow, BlackmanWindow (ONNX opset 17): a 1-D window of `size` samples in
// `output_datatype` (default float). `periodic` (default 1) uses N = size as the period, as for a
// window that repeats in an STFT; otherwise N = size - 1 (symmetric). Hamming uses the ONNX
// coefficients alpha = 25/46, beta = 21/46.
#include <cmath>
#include <memory>
#include <numbers>

#include "ops/common/axes.h"
#include "ops/onnx/signal_output.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class WindowKind { Hann, Hamming, Blackman };

double window_value(WindowKind kind, int64_t n, double period) {
  const double x = 2 * std::numbers::pi * static_cast<double>(n) / period;
  switch (kind) {
    case WindowKind::Hann: return 0.5 - 0.5 * std::cos(x);
    case WindowKind::Hamming: return 25.0 / 46.0 - (21.0 / 46.0) * std::cos(x);
    case WindowKind::Blackman: return 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2 * x);
  }
  return 0;
}

template <WindowKind Kind>
class WindowKernel final : public OpKernel {
 public:
  explicit WindowKernel(const ir::Node& node)
      : out_type_(signal_output_type(node)), periodic_(node.get_int("periodic", 1) != 0) {}

  void compute(KernelContext& ctx) const override {
    const std::vector<int64_t> size_v = tensor_to_int64s(ctx.required_input(0), ctx.node(), "size");
    if (size_v.size() != 1 || size_v[0] < 0) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": size must be a non-negative scalar");
    }
    const int64_t size = size_v[0];
    const double period = static_cast<double>(periodic_ ? size : size - 1);
    std::vector<double> w(static_cast<size_t>(size));
    for (int64_t n = 0; n < size; ++n) w[n] = window_value(Kind, n, period);
    if (size == 1 && !periodic_) w[0] = 1.0;  // 0/0: the single-sample symmetric window is 1
    store_doubles(ctx.allocate_output(0, out_type_, {size}), w);
  }

 private:
  DataType out_type_;
  bool periodic_;
};

template <WindowKind Kind>
std::unique_ptr<OpKernel> make_window(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Int32 && t != DataType::Int64) unsupported_type(node, 0, t);
  return std::make_unique<WindowKernel<Kind>>(node);
}

void infer_window(ir::InferenceContext& ctx) {
  const auto t = static_cast<DataType>(ctx.node().get_int("output_datatype", static_cast<int64_t>(DataType::Float)));
  ir::Dim d;
  if (const Tensor* size = ctx.input_constant(0); size && size->size() == 1) {
    d = ir::Dim::of(tensor_to_int64s(*size, ctx.node(), "size")[0]);
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(t, ir::SymShape{d}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "HannWindow", 17, kMaxOpset, make_window<WindowKind::Hann>, infer_window});
ONYXRT_REGISTER_OP({"", "HammingWindow", 17, kMaxOpset, make_window<WindowKind::Hamming>, infer_window});
ONYXRT_REGISTER_OP({"", "BlackmanWindow", 17, kMaxOpset, make_window<WindowKind::Blackman>, infer_window});

}  // namespace onyxrt::ops
