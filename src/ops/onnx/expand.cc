// Expand (opset 8, 13): broadcasts input 0 with the shape in input 1 by the numpy rule, in both
// directions: a 1 in `shape` keeps the input's extent, so the output may be larger than `shape`.
#include <string>
#include <type_traits>

#include "kernels/ref/strided_copy.h"
#include "kernels/transpose_strided_copy.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class ExpandKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!element_copyable(x.dtype())) unsupported_type(node, 0, x.dtype());
    const std::vector<int64_t> shape = tensor_to_int64s(ctx.required_input(1), node, "shape");
    const Shape& in = x.shape();
    const size_t rank = std::max(in.size(), shape.size());
    Shape out(rank);
    std::vector<int64_t> in_strides(rank, 0);
    const std::vector<int64_t> x_strides = row_major_strides(in);
    for (size_t k = 0; k < rank; ++k) {
      const int64_t a = k < rank - in.size() ? 1 : in[k - (rank - in.size())];
      const int64_t b = k < rank - shape.size() ? 1 : shape[k - (rank - shape.size())];
      if (a != b && a != 1 && b != 1) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": cannot broadcast " + x.describe() +
                                                    " to shape " + shape_to_string(Shape(shape)));
      }
      out[k] = a == 1 ? b : a;
      if (k >= rank - in.size() && a != 1) in_strides[k] = x_strides[k - (rank - in.size())];
    }
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), out);
    if (y.size() == 0) return;
    visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, std::string>) {
        kernels::ref::strided_copy(x.data<T>(), in_strides, y.mutable_data<T>(), kernels::ref::contiguous_strides(out),
                                   out);
      } else {
        kernels::strided_copy(kernels::plan_strided_copy(out, in_strides, kernels::ref::contiguous_strides(out)),
                              x.data<T>(), y.mutable_data<T>(), sizeof(T), ctx.thread_pool());
      }
    });
  }
};

std::unique_ptr<OpKernel> make_expand(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ExpandKernel>();
}

void infer_expand(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const Tensor* s = ctx.input_constant(1);
  if (s == nullptr || !in.has_shape) {
    const ir::TypeInfo& st = ctx.input_type(1);
    // The output rank is max(input rank, length of shape) when both are known.
    if (in.has_shape && st.has_shape && st.shape.size() == 1 && st.shape[0].known()) {
      ctx.set_output_type(0, ir::TypeInfo::tensor(
                                 in.elem, ir::SymShape(std::max<size_t>(in.shape.size(), st.shape[0].value))));
    } else {
      ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    }
    return;
  }
  ir::SymShape target;
  for (int64_t v : tensor_to_int64s(*s, ctx.node(), "shape")) target.push_back(ir::Dim::of(v));
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::broadcast_shapes(in.shape, target, ctx)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Expand", 8, kMaxOpset, make_expand, infer_expand});

}  // namespace onyxrt::ops
