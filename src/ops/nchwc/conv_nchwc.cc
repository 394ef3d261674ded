// com.onyxrt.nchwc Conv: Y = activation(Conv(X, W, B) + Sum) on NCHW8c tensors, the layout pass's
// form of Conv and com.microsoft FusedConv. X is [N, Cp, H, W] blocked, W and B are the original
// filters [M, C / group, KH, KW] and bias [M], Sum (optional input 3) and Y are [N, Mp, OH, OW]
// blocked; attributes are Conv's plus FusedConv's activation / activation_params, and
// nchw_input = 1 for a group-1 conv whose X is plain NCHW (a first layer's 3-channel image, which
// padding to 8 channels would make nearly three times the work). Group 1 runs the direct
// convolution's tiles (or Winograd, for 3x3 stride-1 windows where it pays), depthwise (group ==
// C == M) its depthwise tiles, both storing blocks without a transpose; other groups, when each
// holds whole blocks of input and output channels, run the tiles once per group on that group's
// blocks. The channels past M are written too (zero bias), so that a following blocked operator
// reads finite values there.
#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/nchwc_reorder.h"
#include "ops/contrib/float_inputs.h"
#include "ops/nchwc/nchwc_common.h"
#include "ops/onnx/conv_runner.h"

namespace onyxrt::ops::nchwc {
namespace {

// group == C == M: the depthwise tiles (filters packed ahead as conv_direct_pack_dw_weights).
bool is_depthwise(int64_t group, int64_t C, int64_t M) { return group > 1 && group == C && M == C; }

class ConvNchwcKernel final : public OpKernel {
 public:
  explicit ConvNchwcKernel(const ir::Node& node)
      : cfg_(parse_conv_config(node)), nchw_input_(node.get_int("nchw_input", 0) != 0) {
    cfg_.act = parse_conv_activation(node);
  }

  bool prepack(const PrepackContext& ctx) override {
    bool packed = false;
    const Tensor* W = ctx.constant_input(1);
    const int64_t C = W && W->rank() == 4 ? W->shape()[1] * cfg_.group : 0;
    const bool depthwise = W && is_depthwise(cfg_.group, C, W->shape()[0]);
    const int wino_tile = W && W->dtype() == DataType::Float ? winograd_planned(ctx.node(), *W) : 0;
    if (wino_tile) {
      winograd_ = kernels::winograd_pack_weights(W->data<float>(), W->shape()[0], W->shape()[1], wino_tile);
      weights_from_ = W->data<float>();
      packed = true;
    } else if (depthwise && W->dtype() == DataType::Float && W->size() > 0) {
      weights_ = {kernels::conv_direct_pack_dw_weights(W->data<float>(), C, W->shape()[2], W->shape()[3])};
      weights_from_ = W->data<float>();
      packed = true;
    } else if (W && W->dtype() == DataType::Float && W->rank() == 4 && !depthwise && W->size() > 0 &&
               W->shape()[0] % cfg_.group == 0) {
      const int64_t Mg = W->shape()[0] / cfg_.group, group_floats = W->size() / cfg_.group;
      weights_.clear();
      for (int64_t g = 0; g < cfg_.group; ++g)
        weights_.push_back(kernels::conv_direct_pack_weights(W->data<float>() + g * group_floats, Mg, W->shape()[1],
                                                             W->shape()[2], W->shape()[3], /*nchwc=*/!nchw_input_));
      weights_from_ = W->data<float>();
      packed = true;
    }
    const Tensor* B = ctx.constant_input(2);
    if (B && B->dtype() == DataType::Float && B->rank() == 1) {
      bias_ = padded_bias(*B);
      bias_from_ = B->data<float>();
      packed = true;
    }
    plan_window(ctx.node(), W);
    return packed;
  }

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& W = ctx.required_input(1);
    const Tensor* B = ctx.input(2);
    const Tensor* Z = ctx.input(3);
    if (!nchw_input_) check_blocked_input(node, X, "X");
    if (nchw_input_ && X.dtype() != DataType::Float) unsupported_type(node, 0, X.dtype());
    if (nchw_input_ && X.rank() != 4)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": X must be [N, C, H, W], got " + shape_to_string(X.shape()));
    auto fail = [&](const std::string& what) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " (X " + shape_to_string(X.shape()) +
                                                  ", W " + shape_to_string(W.shape()) + ")");
    };
    if (W.dtype() != DataType::Float || W.rank() != 4) fail("W must be a float [M, C / group, KH, KW]");
    const int64_t M = W.shape()[0], C = W.shape()[1] * cfg_.group;
    const bool depthwise = is_depthwise(cfg_.group, C, M);
    const int64_t G = depthwise ? 1 : cfg_.group, Cg = C / G, Mg = M % G == 0 ? M / G : 0;
    if (G > 1 && (Mg == 0 || Cg % kernels::kNchwcBlock != 0 || Mg % kernels::kNchwcBlock != 0))
      fail("a grouped convolution runs blocked only when each group holds whole blocks of 8 input and output channels");
    if (nchw_input_ && (cfg_.group != 1 || X.shape()[1] != C)) fail("an NCHW X must hold W's input channels, group 1");
    if (!nchw_input_ && X.shape()[1] != kernels::nchwc_padded_channels(C))
      fail("X must hold W's input channels rounded up to 8");
    if (B && (B->dtype() != DataType::Float || B->rank() != 1 || B->shape()[0] != M))
      fail("B must be a float vector of one value per output channel");
    const bool planned = window_from_ && window_from_ == W.data<float>() && X.shape()[2] == window_in_[0] &&
                         X.shape()[3] == window_in_[1];
    const kernels::Window3d win = planned ? window_ : conv_window(cfg_, node, W, {X.shape()[2], X.shape()[3]});
    if (!kernels::conv_direct_nchwc_supports(win)) fail("pads beyond the window's reach do not run blocked");
    const Shape out{X.shape()[0], kernels::nchwc_padded_channels(M), win.out[1], win.out[2]};
    if (Z && (Z->dtype() != DataType::Float || Z->shape() != out))
      fail("Sum must be float " + shape_to_string(out) + ", got " + shape_to_string(Z->shape()));
    Tensor& Y = ctx.allocate_output_uninitialized(0, DataType::Float, out);
    if (Y.size() == 0) return;

    std::vector<float> call_bias;
    const float* bias = nullptr;
    if (B) {
      if (bias_from_ == B->data<float>()) {
        bias = bias_.data();
      } else {
        call_bias = padded_bias(*B);
        bias = call_bias.data();
      }
    }
    const bool winograd =
        !winograd_.u.empty() && weights_from_ == W.data<float>() && kernels::winograd_tile(win, C, M) == winograd_.tile;
    if (winograd) {
      kernels::WinogradArgs wa;
      wa.win = win, wa.batch = X.shape()[0], wa.in_channels = C, wa.out_channels = M;
      wa.x = X.data<float>(), wa.bias = bias, wa.z = Z ? Z->data<float>() : nullptr;
      wa.y = Y.mutable_data<float>(), wa.act = cfg_.act, wa.weights = &winograd_;
      ThreadPool* pool = ctx.thread_pool();
      const int64_t ws = kernels::conv_winograd_workspace_size(wa, pool ? pool->num_threads() : 1);
      Tensor ws_w = Tensor::allocate_uninitialized(DataType::Float, {ws}, ctx.allocator());
      return kernels::conv_winograd_f32(wa, ws_w.mutable_data<float>(), pool);
    }
    kernels::ConvDirectArgs a;
    a.win = win;
    a.batch = X.shape()[0], a.in_channels = Cg, a.out_channels = depthwise ? M : Mg;
    a.x = X.data<float>(), a.w = W.data<float>(), a.bias = bias, a.z = Z ? Z->data<float>() : nullptr;
    a.y = Y.mutable_data<float>(), a.act = cfg_.act, a.nchwc = true, a.nchw_x = nchw_input_;
    const bool prepacked = static_cast<int64_t>(weights_.size()) == G && weights_from_ == W.data<float>();
    if (prepacked) a.packed_w = &weights_[0];
    const int64_t ws = depthwise ? kernels::conv_direct_dw_workspace_size(a) : kernels::conv_direct_workspace_size(a);
    // Every path writes its scratch before reading it.
    Tensor workspace = ws > 0 ? Tensor::allocate_uninitialized(DataType::Float, {ws}, ctx.allocator()) : Tensor();
    float* scratch = ws > 0 ? workspace.mutable_data<float>() : nullptr;
    if (depthwise) return kernels::conv_direct_dw_f32(a, scratch, ctx.thread_pool());
    if (G == 1) return kernels::conv_direct_f32(a, scratch, ctx.thread_pool());
    // One call per image and group: a group's channels are a contiguous run of whole blocks of
    // an image (not of the batch), so each call takes one image.
    const int64_t in_plane = X.shape()[2] * X.shape()[3], out_plane = win.out[1] * win.out[2];
    const int64_t Cp = X.shape()[1], Mp = out[1];
    a.batch = 1;
    for (int64_t n = 0; n < X.shape()[0]; ++n)
      for (int64_t g = 0; g < G; ++g) {
        kernels::ConvDirectArgs ag = a;
        ag.x = X.data<float>() + (n * Cp + g * Cg) * in_plane;
        ag.y = Y.mutable_data<float>() + (n * Mp + g * Mg) * out_plane;
        ag.z = Z ? Z->data<float>() + (n * Mp + g * Mg) * out_plane : nullptr;
        ag.bias = bias ? bias + g * Mg : nullptr;
        ag.w = W.data<float>() + g * Mg * W.shape()[1] * W.shape()[2] * W.shape()[3];
        ag.packed_w = prepacked ? &weights_[static_cast<size_t>(g)] : nullptr;
        kernels::conv_direct_f32(ag, scratch, ctx.thread_pool());
      }
  }

 private:
  // The tiles read whole blocks of 8 (or 16) bias values.
  static std::vector<float> padded_bias(const Tensor& B) {
    std::vector<float> b(static_cast<size_t>(kernels::nchwc_padded_channels(B.shape()[0]) + kernels::kNchwcBlock), 0.0f);
    std::copy(B.data<float>(), B.data<float>() + B.size(), b.begin());
    return b;
  }

  // Winograd (the tile side it returns) when the input's inferred size makes it the faster path
  // (group 1, 3x3, stride 1, enough channels and tiles): its filters are packed instead of the
  // direct tiles' (1.8-4x their size, so not both). A run whose actual size turns it down packs the
  // direct filters per call.
  int winograd_planned(const ir::Node& node, const Tensor& W) const {
    if (nchw_input_ || cfg_.group != 1 || W.rank() != 4 || W.shape()[2] != 3 || W.shape()[3] != 3) return 0;
    const ir::TypeInfo& x = node.inputs[0]->type;
    if (!x.has_shape || x.shape.size() != 4 || !x.shape[2].known() || !x.shape[3].known()) return 0;
    const kernels::Window3d win = conv_window(cfg_, node, W, {x.shape[2].value, x.shape[3].value});
    return kernels::winograd_tile(win, W.shape()[1], W.shape()[0]);
  }

  // The window over the input's inferred plane, for constant filters: a run whose X has that
  // plane takes it as it is. Working it out on every run (attribute defaults, pads, output size)
  // cost as much as the arithmetic of a small 1x1 convolution.
  void plan_window(const ir::Node& node, const Tensor* W) {
    const ir::TypeInfo& x = node.inputs[0]->type;
    if (!W || W->rank() != 4 || W->dtype() != DataType::Float || !x.has_shape || x.shape.size() != 4 ||
        !x.shape[2].known() || !x.shape[3].known())
      return;
    try {
      window_ = conv_window(cfg_, node, *W, {x.shape[2].value, x.shape[3].value});
    } catch (const Error&) {
      return;  // compute() works it out again and raises there, naming the run's shapes
    }
    window_in_[0] = x.shape[2].value, window_in_[1] = x.shape[3].value;
    window_from_ = W->data<float>();
  }

  ConvConfig cfg_;
  kernels::Window3d window_;
  int64_t window_in_[2] = {0, 0};
  const float* window_from_ = nullptr;  // the filters window_ was made with; nullptr: none made
  bool nchw_input_;
  kernels::WinogradWeights winograd_;
  std::vector<kernels::ConvDirectWeights> weights_;  // one per group
  const float* weights_from_ = nullptr;
  std::vector<float> bias_;
  const float* bias_from_ = nullptr;
};

std::unique_ptr<OpKernel> make_conv_nchwc(const ir::Node& node) {
  contrib::require_float_inputs(node, {0, 1, 2, 3}, /*allow_double=*/false);
  return std::make_unique<ConvNchwcKernel>(node);
}

void infer_conv_nchwc(ir::InferenceContext& ctx) {
  const ir::TypeInfo t = conv_output_type(ctx);
  if (!t.has_shape) return ctx.set_output_type(0, t);
  const ir::TypeInfo& w = ctx.input_type(1);
  infer_with_channels(ctx, t.shape, w.has_shape && !w.shape.empty() && w.shape[0].known() ? w.shape[0].value : -1);
}

}  // namespace

ONYXRT_REGISTER_OP({kDomain, "Conv", 1, kMaxOpset, make_conv_nchwc, infer_conv_nchwc});

}  // namespace onyxrt::ops::nchwc
