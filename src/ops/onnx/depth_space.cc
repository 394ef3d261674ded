// DepthToSpace and SpaceToDepth on NCHW tensors with block size b. Each is a reshape to 6-D, a
// transpose and a reshape back (the ONNX spec's own definition), done here as one strided copy:
//   DepthToSpace DCR (default): [N, b, b, C', H, W] -> perm (0, 3, 4, 1, 5, 2) -> [N, C', H*b, W*b]
//   DepthToSpace CRD (opset 11): [N, C', b, b, H, W] -> perm (0, 1, 4, 2, 5, 3)
//   SpaceToDepth DCR: [N, C, H', b, W', b] -> perm (0, 3, 5, 1, 2, 4) -> [N, C*b*b, H', W']
//   SpaceToDepth CRD (opset 28, the inverse of DepthToSpace CRD): perm (0, 1, 3, 5, 2, 4)
#include <string>

#include "kernels/ref/strided_copy.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Direction { DepthToSpaceDCR, DepthToSpaceCRD, SpaceToDepth, SpaceToDepthCRD };

Direction direction_of(const ir::Node& node) {
  const std::string mode = node.get_string("mode", "DCR");
  if (node.op_type == "SpaceToDepth") {
    if (mode == "CRD") return Direction::SpaceToDepthCRD;
    if (mode == "DCR") return Direction::SpaceToDepth;
  }
  if (mode == "DCR") return Direction::DepthToSpaceDCR;
  if (mode == "CRD") return Direction::DepthToSpaceCRD;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": unknown mode '" + mode + "'");
}

// Output shape, or throws naming the node when the input does not divide by the block.
Shape rearranged_shape(const Shape& s, int64_t b, Direction dir, const ir::Node& node) {
  if (s.size() != 4 || b <= 0) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": needs a 4-D input and a positive blocksize, got " +
                                                shape_to_string(s) + " and " + std::to_string(b));
  }
  if (dir == Direction::SpaceToDepth || dir == Direction::SpaceToDepthCRD) {
    if (s[2] % b != 0 || s[3] % b != 0) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": H and W of " + shape_to_string(s) +
                                                  " must divide by blocksize " + std::to_string(b));
    }
    return {s[0], s[1] * b * b, s[2] / b, s[3] / b};
  }
  if (s[1] % (b * b) != 0) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": C of " + shape_to_string(s) +
                                                " must divide by blocksize^2 = " + std::to_string(b * b));
  }
  return {s[0], s[1] / (b * b), s[2] * b, s[3] * b};
}

class DepthSpaceKernel : public OpKernel {
 public:
  explicit DepthSpaceKernel(const ir::Node& node)
      : dir_(direction_of(node)), b_(node.required("blocksize").i) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Shape& s = x.shape();
    const Shape out = rearranged_shape(s, b_, dir_, node);
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);
    if (y.size() == 0) return;
    const int64_t b = b_;
    std::vector<int64_t> in6;
    std::vector<int64_t> perm;
    switch (dir_) {
      case Direction::DepthToSpaceDCR:
        in6 = {s[0], b, b, s[1] / (b * b), s[2], s[3]};
        perm = {0, 3, 4, 1, 5, 2};
        break;
      case Direction::DepthToSpaceCRD:
        in6 = {s[0], s[1] / (b * b), b, b, s[2], s[3]};
        perm = {0, 1, 4, 2, 5, 3};
        break;
      case Direction::SpaceToDepth:
        in6 = {s[0], s[1], s[2] / b, b, s[3] / b, b};
        perm = {0, 3, 5, 1, 2, 4};
        break;
      case Direction::SpaceToDepthCRD:
        in6 = {s[0], s[1], s[2] / b, b, s[3] / b, b};
        perm = {0, 1, 3, 5, 2, 4};
        break;
    }
    const std::vector<int64_t> in_strides6 = kernels::ref::contiguous_strides(in6);
    std::vector<int64_t> extent(6), strides(6);
    for (int d = 0; d < 6; ++d) {
      extent[d] = in6[perm[d]];
      strides[d] = in_strides6[perm[d]];
    }
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::ref::strided_copy(x.data<T>(), strides, y.mutable_data<T>(), kernels::ref::contiguous_strides(extent),
                                 extent);
    });
  }

 private:
  Direction dir_;
  int64_t b_;
};

std::unique_ptr<OpKernel> make_depth_space(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<DepthSpaceKernel>(node);
}

void infer_depth_space(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  if (in.shape.size() != 4) ctx.fail("expects a 4-D input");
  const int64_t b = ctx.node().required("blocksize").i;
  const bool to_depth = ctx.node().op_type == "SpaceToDepth";
  auto scaled = [&](const ir::Dim& d, bool multiply, int64_t f) {
    if (!d.known()) return ir::Dim{};
    return ir::Dim::of(multiply ? d.value * f : d.value / f);
  };
  ir::SymShape out = in.shape;
  out[1] = scaled(in.shape[1], to_depth, b * b);
  out[2] = scaled(in.shape[2], !to_depth, b);
  out[3] = scaled(in.shape[3], !to_depth, b);
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "DepthToSpace", 1, 10, make_depth_space, infer_depth_space});
ONYXRT_REGISTER_OP({"", "DepthToSpace", 11, kMaxOpset, make_depth_space, infer_depth_space});
ONYXRT_REGISTER_OP({"", "SpaceToDepth", 1, 27, make_depth_space, infer_depth_space});
ONYXRT_REGISTER_OP({"", "SpaceToDepth", 28, kMaxOpset, make_depth_space, infer_depth_space});

}  // namespace onyxrt::ops
