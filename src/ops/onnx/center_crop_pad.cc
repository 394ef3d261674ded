// CenterCropPad (opset 18): crops or zero-pads each axis in `axes` (all axes when absent) to the
// extent in the `shape` input, keeping the centre. Where the difference is odd, the extra element
// is cropped from (or padded at) the end, as the ONNX reference does.
#include <string>

#include "kernels/ref/strided_copy.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class CenterCropPadKernel : public OpKernel {
 public:
  explicit CenterCropPadKernel(const ir::Node& node) : axes_(node.get_ints("axes")), has_axes_(node.has("axes")) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const std::vector<int64_t> target = tensor_to_int64s(ctx.required_input(1), node, "shape");
    const int64_t rank = static_cast<int64_t>(x.rank());
    std::vector<int64_t> axes;
    if (has_axes_) {
      axes = normalize_axes(axes_, rank, node);
    } else {
      for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
    }
    if (target.size() != axes.size()) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": shape has " + std::to_string(target.size()) +
                                                  " values for " + std::to_string(axes.size()) + " axes");
    }
    const Shape& in = x.shape();
    Shape out = in;
    for (size_t i = 0; i < axes.size(); ++i) out[axes[i]] = target[i];
    std::vector<int64_t> in_start(rank, 0), out_start(rank, 0), extent(in.begin(), in.end());
    for (int64_t d = 0; d < rank; ++d) {
      if (out[d] < in[d]) {
        in_start[d] = (in[d] - out[d]) / 2;
        extent[d] = out[d];
      } else if (out[d] > in[d]) {
        out_start[d] = (out[d] - in[d]) / 2;
      }
    }
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);  // zero-initialised: the padding
    if (y.size() == 0 || x.size() == 0) return;
    const std::vector<int64_t> is = row_major_strides(in), os = row_major_strides(out);
    int64_t in_off = 0, out_off = 0;
    for (int64_t d = 0; d < rank; ++d) {
      in_off += in_start[d] * is[d];
      out_off += out_start[d] * os[d];
    }
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      kernels::ref::strided_copy(x.data<T>() + in_off, is, y.mutable_data<T>() + out_off, os, extent);
    });
  }

 private:
  std::vector<int64_t> axes_;
  bool has_axes_;
};

std::unique_ptr<OpKernel> make_center_crop_pad(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<CenterCropPadKernel>(node);
}

void infer_center_crop_pad(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  const Tensor* t = ctx.input_constant(1);
  ir::SymShape out = in.shape;
  std::vector<int64_t> axes;
  if (ctx.node().has("axes")) {
    axes = normalize_axes(ctx.node().get_ints("axes"), rank, ctx.node());
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  std::vector<int64_t> target;
  if (t != nullptr) target = tensor_to_int64s(*t, ctx.node(), "shape");
  for (size_t i = 0; i < axes.size(); ++i) out[axes[i]] = i < target.size() ? ir::Dim::of(target[i]) : ir::Dim{};
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "CenterCropPad", 18, kMaxOpset, make_center_crop_pad, infer_center_crop_pad});

}  // namespace onyxrt::ops
