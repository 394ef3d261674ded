// DFT (ONNX opsets 17, 20): Fourier transform along one axis of x, whose last dim holds 1 (real)
// or 2 (real, imaginary) components; the output's last dim is always 2. Opset 17 takes the axis
// as an attribute (default 1), opset 20 as an optional scalar input (default -2), counted over all
// of x's dims. dft_length zero-pads or truncates the axis; onesided keeps the first n / 2 + 1
// bins; inverse applies the 1/n-scaled inverse transform. Inverse together with onesided is the
// inverse real transform (numpy's irfft, as the ONNX reference defines it): x holds bins
// 0 .. n/2 of a Hermitian spectrum, the output is n real samples with a last dim of 1, and n
// defaults to 2 * (x.shape[axis] - 1).
#include <memory>

#include "kernels/ref/dft.h"
#include "kernels/ref/irfft.h"
#include "ops/common/axes.h"
#include "ops/onnx/signal_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

int64_t dft_axis(const ir::Node& node, const Tensor* axis_input, int64_t rank) {
  int64_t axis = node.opset >= 20 ? -2 : node.get_int("axis", 1);
  if (node.opset >= 20 && axis_input) axis = tensor_to_int64s(*axis_input, node, "axis").at(0);
  if (axis < -rank || axis >= rank - 1 || axis == -1) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis " + std::to_string(axis) +
                                                " must name a signal dim of x (rank " + std::to_string(rank) +
                                                "), not the trailing complex dim");
  }
  return axis < 0 ? axis + rank : axis;
}

class DftKernel final : public OpKernel {
 public:
  explicit DftKernel(const ir::Node& node) : onesided_(node.get_int("onesided", 0) != 0), inverse_(node.get_int("inverse", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!signal_type_ok(x.dtype())) unsupported_type(node, 0, x.dtype());
    const int64_t rank = static_cast<int64_t>(x.rank());
    if (rank < 2 || (x.shape().back() != 1 && x.shape().back() != 2)) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": x " + shape_to_string(x.shape()) +
                                                  " must have a last dim of 1 (real) or 2 (complex)");
    }
    const int64_t axis = dft_axis(node, ctx.input(2), rank);
    const int64_t count = x.shape()[axis];
    const bool irfft = inverse_ && onesided_;
    int64_t n = irfft ? 2 * (count - 1) : count;
    if (const Tensor* len = ctx.input(1); len && len->size() > 0) n = tensor_to_int64s(*len, node, "dft_length").at(0);
    if (n <= 0) throw_error(ErrorCode::InvalidArgument, node.describe() + ": dft_length must be positive");
    const int64_t bins = irfft ? n : (onesided_ ? n / 2 + 1 : n);
    const int64_t out_comps = irfft ? 1 : 2;
    const bool complex_in = x.shape().back() == 2;
    Shape out_shape = x.shape();
    out_shape[axis] = bins;
    out_shape.back() = out_comps;
    Tensor& y = ctx.allocate_output(0, x.dtype(), out_shape);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
    for (int64_t d = axis + 1; d < rank - 1; ++d) inner *= x.shape()[d];
    const int64_t comps = x.shape().back();
    ThreadPool::parallel_for(ctx.thread_pool(), outer * inner, 1, [&](int64_t b, int64_t e) {
      std::vector<double> re(count), im(count), out(2 * bins);
      for (int64_t line = b; line < e; ++line) {
        const int64_t o = line / inner, in = line % inner;
        for (int64_t j = 0; j < count; ++j) {
          const int64_t src = ((o * count + j) * inner + in) * comps;
          re[j] = signal_load(x, src);
          im[j] = complex_in ? signal_load(x, src + 1) : 0.0;
        }
        if (irfft) {
          kernels::irfft_ref(re.data(), complex_in ? im.data() : nullptr, count, n, out.data());
          for (int64_t k = 0; k < bins; ++k) signal_store(y, (o * bins + k) * inner + in, out[k]);
          continue;
        }
        kernels::dft_ref(re.data(), complex_in ? im.data() : nullptr, count, n, bins, inverse_, out.data());
        for (int64_t k = 0; k < bins; ++k) {
          const int64_t dst = ((o * bins + k) * inner + in) * 2;
          signal_store(y, dst, out[2 * k]);
          signal_store(y, dst + 1, out[2 * k + 1]);
        }
      }
    });
  }

 private:
  bool onesided_, inverse_;
};

std::unique_ptr<OpKernel> make_dft(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !signal_type_ok(t)) unsupported_type(node, 0, t);
  return std::make_unique<DftKernel>(node);
}

void infer_dft(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  if (!x.has_shape || x.shape.size() < 2) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  const Tensor* axis_c = ctx.input_constant(2);
  if (ctx.node().opset >= 20 && ctx.has_input(2) && !axis_c) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, ir::SymShape(x.shape.size())));
    return;
  }
  const int64_t axis = dft_axis(ctx.node(), axis_c, rank);
  const bool irfft = ctx.node().get_int("inverse", 0) != 0 && ctx.node().get_int("onesided", 0) != 0;
  ir::SymShape out = x.shape;
  out.back() = ir::Dim::of(irfft ? 1 : 2);
  ir::Dim n = x.shape[axis];
  if (irfft) n = n.known() ? ir::Dim::of(2 * (n.value - 1)) : ir::Dim{};
  if (ctx.has_input(1)) {
    const Tensor* len = ctx.input_constant(1);
    n = len && len->size() > 0 ? ir::Dim::of(tensor_to_int64s(*len, ctx.node(), "dft_length")[0]) : ir::Dim{};
  }
  if (!irfft && ctx.node().get_int("onesided", 0) != 0) n = n.known() ? ir::Dim::of(n.value / 2 + 1) : ir::Dim{};
  out[axis] = n;
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "DFT", 17, kMaxOpset, make_dft, infer_dft});

}  // namespace onyxrt::ops
