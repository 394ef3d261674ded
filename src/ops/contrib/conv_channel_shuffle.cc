// com.onyxrt ConvChannelShuffle (opset 1): com.microsoft FusedConv whose output channels leave
// shuffled over its groups, the channel shuffle of ShuffleNet (Reshape [N, G, M / G, H, W],
// Transpose perm [0, 2, 1, 3, 4], Reshape [N, M, H, W]) that opt/conv_channel_shuffle_fusion.cc
// folds into the convolution before it. Attributes: FusedConv's, plus `shuffle_groups`, which must
// equal `group` (each group's GEMM then writes its rows `group` channels apart). Z, when given, is
// in the convolution's own channel order.
#include <memory>
#include <string>

#include "ops/contrib/float_inputs.h"
#include "ops/onnx/conv_runner.h"

namespace onyxrt::ops::contrib {
namespace {

class ConvChannelShuffleKernel final : public OpKernel {
 public:
  explicit ConvChannelShuffleKernel(const ir::Node& node) : cfg_(parse_conv_config(node)) {
    cfg_.act = parse_conv_activation(node);
    const int64_t groups = node.get_int("shuffle_groups", 0);
    if (groups != cfg_.group)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": shuffle_groups (" + std::to_string(groups) +
                                               ") must equal group (" + std::to_string(cfg_.group) + ")");
    cfg_.shuffle_output = true;
  }

  void compute(KernelContext& ctx) const override { run_conv(cfg_, ctx, /*z_input=*/3); }
  bool prepack(const PrepackContext& ctx) override { return prepack_conv(cfg_, ctx); }

 private:
  ConvConfig cfg_;
};

std::unique_ptr<OpKernel> make_conv_channel_shuffle(const ir::Node& node) {
  require_float_inputs(node, {0, 1, 2, 3}, /*allow_double=*/false);
  return std::make_unique<ConvChannelShuffleKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"com.onyxrt", "ConvChannelShuffle", 1, kMaxOpset, make_conv_channel_shuffle, infer_conv_output});

}  // namespace onyxrt::ops::contrib
