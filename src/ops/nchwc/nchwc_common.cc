#include "ops/nchwc/nchwc_common.h"

#include "kernels/nchwc_reorder.h"

namespace onyxrt::ops::nchwc {

void check_blocked_input(const ir::Node& node, const Tensor& X, const char* what) {
  if (X.dtype() != DataType::Float) unsupported_type(node, 0, X.dtype());
  if (X.rank() != 4 || X.shape()[1] % kernels::kNchwcBlock != 0)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what +
                                                " must be NCHW8c [N, C, H, W] with C a multiple of 8, got " +
                                                shape_to_string(X.shape()));
}

void infer_with_channels(ir::InferenceContext& ctx, const ir::SymShape& shape, int64_t channels) {
  ir::SymShape out = shape;
  if (out.size() > 1) out[1] = channels >= 0 ? ir::Dim::of(kernels::nchwc_padded_channels(channels)) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Float, std::move(out)));
}

}  // namespace onyxrt::ops::nchwc
