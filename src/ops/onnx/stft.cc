// STFT (ONNX opset 17): short-time Fourier transform of signal [batch, length, 1 or 2]. Frames of
// frame_length samples start every frame_step samples (only whole frames); each is multiplied by
// `window` (default all ones) and transformed, giving [batch, frames, bins, 2] with bins =
// frame_length / 2 + 1 when onesided (default 1) else frame_length. frame_length defaults to the
// window's length, else to the whole signal.
#include <memory>

#include "kernels/ref/dft.h"
#include "ops/common/axes.h"
#include "ops/onnx/signal_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class StftKernel final : public OpKernel {
 public:
  explicit StftKernel(const ir::Node& node) : onesided_(node.get_int("onesided", 1) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    const Tensor* window = ctx.input(2);
    const Tensor* len_in = ctx.input(3);
    if (!signal_type_ok(x.dtype())) unsupported_type(node, 0, x.dtype());
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (signal " + shape_to_string(x.shape()) + ")");
    };
    if (x.rank() != 3 || (x.shape()[2] != 1 && x.shape()[2] != 2)) fail("signal must be [batch, length, 1 or 2]");
    const int64_t batch = x.shape()[0], length = x.shape()[1], comps = x.shape()[2];
    const int64_t step = tensor_to_int64s(ctx.required_input(1), node, "frame_step").at(0);
    int64_t frame = length;
    if (window) frame = window->size();
    if (len_in) frame = tensor_to_int64s(*len_in, node, "frame_length").at(0);
    if (window && (window->rank() != 1 || window->size() != frame)) fail("window must be 1-D with frame_length values");
    if (step <= 0 || frame <= 0 || frame > length) fail("frame_step must be positive and frame_length in [1, length]");
    const int64_t frames = (length - frame) / step + 1;
    const int64_t bins = onesided_ ? frame / 2 + 1 : frame;
    Tensor& y = ctx.allocate_output(0, x.dtype(), {batch, frames, bins, 2});
    std::vector<double> w(static_cast<size_t>(frame), 1.0);
    if (window) {
      if (!signal_type_ok(window->dtype())) unsupported_type(node, 2, window->dtype());
      for (int64_t j = 0; j < frame; ++j) w[j] = signal_load(*window, j);
    }
    ThreadPool::parallel_for(ctx.thread_pool(), batch * frames, 1, [&](int64_t b, int64_t e) {
      std::vector<double> re(frame), im(frame), out(2 * bins);
      for (int64_t bf = b; bf < e; ++bf) {
        const int64_t n = bf / frames, f = bf % frames;
        for (int64_t j = 0; j < frame; ++j) {
          const int64_t src = (n * length + f * step + j) * comps;
          re[j] = signal_load(x, src) * w[j];
          im[j] = comps == 2 ? signal_load(x, src + 1) * w[j] : 0.0;
        }
        kernels::dft_ref(re.data(), comps == 2 ? im.data() : nullptr, frame, frame, bins, false, out.data());
        for (int64_t k = 0; k < 2 * bins; ++k) signal_store(y, bf * bins * 2 + k, out[k]);
      }
    });
  }

 private:
  bool onesided_;
};

std::unique_ptr<OpKernel> make_stft(const ir::Node& node) {
  for (int i : {0, 2}) {
    if (!node.has_input(i)) continue;
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !signal_type_ok(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<StftKernel>(node);
}

void infer_stft(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::SymShape out(4);
  out[3] = ir::Dim::of(2);
  if (x.has_shape && x.shape.size() == 3) {
    out[0] = x.shape[0];
    int64_t frame = -1;
    if (ctx.has_input(3)) {
      if (const Tensor* l = ctx.input_constant(3)) frame = tensor_to_int64s(*l, ctx.node(), "frame_length").at(0);
    } else if (ctx.has_input(2)) {
      const ir::TypeInfo& w = ctx.input_type(2);
      if (w.has_shape && w.shape.size() == 1 && w.shape[0].known()) frame = w.shape[0].value;
    } else if (x.shape[1].known()) {
      frame = x.shape[1].value;
    }
    const Tensor* step = ctx.input_constant(1);
    if (frame > 0) {
      out[2] = ir::Dim::of(ctx.node().get_int("onesided", 1) != 0 ? frame / 2 + 1 : frame);
      if (step && x.shape[1].known()) {
        out[1] = ir::Dim::of((x.shape[1].value - frame) / tensor_to_int64s(*step, ctx.node(), "frame_step").at(0) + 1);
      }
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "STFT", 17, kMaxOpset, make_stft, infer_stft});

}  // namespace onyxrt::ops
