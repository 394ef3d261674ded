// Col2Im (ONNX opset 18): folds input [N, C * prod(block_shape), L] back into an image
// [N, C, image_shape...], summing overlapping entries; L must equal the number of sliding-block
// positions that dilations, pads and strides give. 1 to 3 spatial dims.
#include <memory>

#include "kernels/ref/col2im.h"
#include "ops/common/axes.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class Col2ImKernel final : public OpKernel {
 public:
  explicit Col2ImKernel(const ir::Node& node)
      : dilations_(node.get_ints("dilations")), pads_(node.get_ints("pads")), strides_(node.get_ints("strides")) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const std::vector<int64_t> image = tensor_to_int64s(ctx.required_input(1), node, "image_shape");
    const std::vector<int64_t> block = tensor_to_int64s(ctx.required_input(2), node, "block_shape");
    const size_t r = image.size();
    auto fail = [&](ErrorCode code, const std::string& what) {
      throw_error(code, node.describe() + ": " + what + " (input " + shape_to_string(X.shape()) + ")");
    };
    if (r == 0 || r > 3) fail(ErrorCode::NotImplemented, "only 1 to 3 spatial dims are supported");
    if (block.size() != r) fail(ErrorCode::InvalidArgument, "block_shape must have image_shape's length");
    const std::vector<int64_t> dil = dilations_.empty() ? std::vector<int64_t>(r, 1) : dilations_;
    const std::vector<int64_t> str = strides_.empty() ? std::vector<int64_t>(r, 1) : strides_;
    const std::vector<int64_t> pad = pads_.empty() ? std::vector<int64_t>(2 * r, 0) : pads_;
    if (dil.size() != r || str.size() != r || pad.size() != 2 * r)
      fail(ErrorCode::InvalidArgument, "dilations/strides need one value and pads two per spatial dim");
    kernels::Window3d w;
    int64_t block_size = 1, positions = 1;
    for (size_t i = 0; i < r; ++i) {
      const size_t j = 3 - r + i;
      w.in[j] = image[i];
      w.kernel[j] = block[i];
      w.stride[j] = str[i];
      w.dilation[j] = dil[i];
      w.pad_begin[j] = pad[i];
      w.out[j] = (image[i] + pad[i] + pad[i + r] - ((block[i] - 1) * dil[i] + 1)) / str[i] + 1;
      block_size *= block[i];
      positions *= w.out[j];
    }
    if (X.rank() != 3 || X.shape()[1] % block_size != 0 || X.shape()[2] != positions)
      fail(ErrorCode::InvalidArgument, "input must be [N, C * prod(block_shape), L] with L = " + std::to_string(positions));
    const int64_t N = X.shape()[0], C = X.shape()[1] / block_size;
    Shape out{N, C};
    out.insert(out.end(), image.begin(), image.end());
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out);
    if (Y.size() == 0 || X.size() == 0) return;
    const int64_t in_per = X.size() / N, out_per = Y.size() / N;
    for (int64_t n = 0; n < N; ++n) {
      if (X.dtype() == DataType::Float)
        kernels::col2im_add_3d_ref<float>(w, C, X.data<float>() + n * in_per, Y.mutable_data<float>() + n * out_per);
      else
        kernels::col2im_add_3d_ref<double>(w, C, X.data<double>() + n * in_per, Y.mutable_data<double>() + n * out_per);
    }
  }

 private:
  std::vector<int64_t> dilations_, pads_, strides_;
};

std::unique_ptr<OpKernel> make_col2im(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Float && t != DataType::Double) unsupported_type(node, 0, t);
  return std::make_unique<Col2ImKernel>(node);
}

void infer_col2im(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ir::SymShape out;
  bool known = false;
  if (const Tensor* img = ctx.has_input(1) ? ctx.input_constant(1) : nullptr) {
    const std::vector<int64_t> dims = tensor_to_int64s(*img, ctx.node(), "image_shape");
    out.push_back(x.has_shape && x.shape.size() == 3 ? x.shape[0] : ir::Dim{});
    ir::Dim c;
    const Tensor* blk = ctx.has_input(2) ? ctx.input_constant(2) : nullptr;
    if (blk && x.has_shape && x.shape.size() == 3 && x.shape[1].known()) {
      int64_t bs = 1;
      for (int64_t b : tensor_to_int64s(*blk, ctx.node(), "block_shape")) bs *= b;
      if (bs > 0) c = ir::Dim::of(x.shape[1].value / bs);
    }
    out.push_back(c);
    for (int64_t d : dims) out.push_back(ir::Dim::of(d));
    known = true;
  }
  ctx.set_output_type(0, known ? ir::TypeInfo::tensor(x.elem, std::move(out)) : ir::TypeInfo::tensor(x.elem));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Col2Im", 18, kMaxOpset, make_col2im, infer_col2im});

}  // namespace onyxrt::ops
