// MaxUnpool (ONNX opsets 9, 11, 22): scatters X into a zero tensor at the flat positions I that
// MaxPool's Indices output gave (positions over the whole output tensor, batch and channel
// included). The output shape is the optional output_shape input, or else
// (in - 1) * stride + kernel - pad_begin - pad_end per spatial dim.
#include <algorithm>
#include <memory>
#include <type_traits>
#include <vector>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct UnpoolAttributes {
  std::vector<int64_t> kernel, strides, pads;
};

UnpoolAttributes unpool_attributes(const ir::Node& node) {
  UnpoolAttributes a;
  a.kernel = node.required("kernel_shape").ints;
  const size_t r = a.kernel.size();
  a.strides = node.get_ints("strides", std::vector<int64_t>(r, 1));
  a.pads = node.get_ints("pads", std::vector<int64_t>(2 * r, 0));
  if (a.strides.size() != r || a.pads.size() != 2 * r)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": strides and pads must have one and two values per kernel_shape dim");
  return a;
}

int64_t default_out_dim(const UnpoolAttributes& a, size_t i, int64_t in) {
  return (in - 1) * a.strides[i] + a.kernel[i] - a.pads[i] - a.pads[i + a.kernel.size()];
}

class MaxUnpoolKernel final : public OpKernel {
 public:
  explicit MaxUnpoolKernel(const ir::Node& node) : attrs_(unpool_attributes(node)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    const Tensor& I = ctx.required_input(1);
    if (X.rank() != attrs_.kernel.size() + 2 || I.shape() != X.shape() || I.dtype() != DataType::Int64)
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected X [N, C, spatial...] matching kernel_shape and int64 I of X's shape, got " +
                                                  shape_to_string(X.shape()) + " and " + shape_to_string(I.shape()));
    Shape out;
    if (const Tensor* os = ctx.input(2)) {
      out = tensor_to_int64s(*os, node, "output_shape");
      if (out.size() != X.rank())
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": output_shape must have " + std::to_string(X.rank()) + " values");
    } else {
      out = {X.shape()[0], X.shape()[1]};
      for (size_t i = 0; i < attrs_.kernel.size(); ++i) out.push_back(default_out_dim(attrs_, i, X.shape()[i + 2]));
    }
    Tensor& Y = ctx.allocate_output(0, X.dtype(), out);
    const int64_t total = Y.size();
    const int64_t* idx = I.data<int64_t>();
    const bool ok = visit_by_element_width(X.dtype(), [&](auto tag) {
      using E = decltype(tag);
      if constexpr (std::is_trivially_copyable_v<E>) {
        E* y = Y.mutable_data<E>();
        std::fill(y, y + total, E{});
        const E* x = X.data<E>();
        for (int64_t i = 0; i < X.size(); ++i) {
          if (idx[i] < 0 || idx[i] >= total)
            throw_error(ErrorCode::InvalidArgument, node.describe() + ": index " + std::to_string(idx[i]) +
                                                        " is outside the output of " + std::to_string(total) + " elements");
          y[idx[i]] = x[i];
        }
      }
    });
    if (!ok || X.dtype() == DataType::String) unsupported_type(node, 0, X.dtype());
  }

 private:
  UnpoolAttributes attrs_;
};

std::unique_ptr<OpKernel> make_max_unpool(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && !(t == DataType::Float || t == DataType::Double || t == DataType::Float16))
    unsupported_type(node, 0, t);
  return std::make_unique<MaxUnpoolKernel>(node);
}

void infer_max_unpool(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  const UnpoolAttributes a = unpool_attributes(ctx.node());
  if (ctx.has_input(2)) {
    const Tensor* os = ctx.input_constant(2);
    if (os == nullptr) {
      ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
      return;
    }
    ir::SymShape s;
    for (int64_t d : tensor_to_int64s(*os, ctx.node(), "output_shape")) s.push_back(ir::Dim::of(d));
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
    return;
  }
  if (!x.has_shape || x.shape.size() != a.kernel.size() + 2) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem));
    return;
  }
  ir::SymShape s{x.shape[0], x.shape[1]};
  for (size_t i = 0; i < a.kernel.size(); ++i)
    s.push_back(x.shape[i + 2].known() ? ir::Dim::of(default_out_dim(a, i, x.shape[i + 2].value)) : ir::Dim{});
  ctx.set_output_type(0, ir::TypeInfo::tensor(x.elem, std::move(s)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "MaxUnpool", 9, 10, make_max_unpool, infer_max_unpool});
ONYXRT_REGISTER_OP({"", "MaxUnpool", 11, 21, make_max_unpool, infer_max_unpool});
ONYXRT_REGISTER_OP({"", "MaxUnpool", 22, kMaxOpset, make_max_unpool, infer_max_unpool});

}  // namespace onyxrt::ops
