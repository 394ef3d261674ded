// Softmax (ONNX opsets 1, 11, 13). Before 13 the input is coerced to 2-D [prod(dims[:axis]),
// prod(dims[axis:])] and softmax runs over each whole row (default axis 1); from 13 it runs over
// the one dim `axis` (default -1). float16 / bfloat16 compute in float.
#include <algorithm>
#include <memory>
#include <type_traits>

#include "kernels/ref/softmax.h"
#include "kernels/vmath_parallel.h"
#include "ops/common/half_float.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

int64_t normalize_softmax_axis(const ir::Node& node, int64_t axis, int64_t rank) {
  // Opset 1 and 11 accept axis == rank only for rank 0; every opset accepts [-rank, rank - 1].
  const int64_t r = std::max<int64_t>(rank, 1);
  if (axis < -r || axis >= r)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis " + std::to_string(axis) +
                                                " is out of range for an input of rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

class SoftmaxKernel final : public OpKernel {
 public:
  explicit SoftmaxKernel(const ir::Node& node)
      : axis_(node.get_int("axis", node.opset >= 13 ? -1 : 1)), coerce_2d_(node.opset < 13) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx, X, ctx.allocate_output_uninitialized(0, X.dtype(), X.shape()));
      case DataType::Double: return run<double>(ctx, X, ctx.allocate_output(0, X.dtype(), X.shape()));
      case DataType::Float16:
      case DataType::BFloat16: {
        Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
        Tensor y = Tensor::allocate(DataType::Float, X.shape());
        run<float>(ctx, widen_to_float(X), y);
        return narrow_from_float(y, Y);
      }
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X, Tensor& Y) const {
    const Shape& s = X.shape();
    const int64_t rank = static_cast<int64_t>(s.size());
    const int64_t axis = normalize_softmax_axis(ctx.node(), axis_, rank);
    if (X.size() == 0) return;
    int64_t outer = 1, len = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis)
        outer *= s[d];
      else if (d == axis || coerce_2d_)
        len *= s[d];
      else
        inner *= s[d];
    }
    const T* x = X.data<T>();
    T* y = Y.mutable_data<T>();
    if constexpr (std::is_same_v<T, float>) {
      if (inner == 1) return kernels::softmax_rows(ctx.thread_pool(), x, y, outer, len, false);
    }
    const int64_t block = len * inner;
    ThreadPool::parallel_for(ctx.thread_pool(), outer, std::max<int64_t>(1, 16384 / block),
                             [&](int64_t begin, int64_t end) {
                               Tensor scratch;
                               if (inner > 1) scratch = Tensor::allocate(X.dtype(), {2 * inner}, ctx.allocator());
                               kernels::softmax_ref<T>(x + begin * block, y + begin * block, end - begin, len, inner,
                                                       inner > 1 ? scratch.mutable_data<T>() : nullptr);
                             });
  }

  int64_t axis_;
  bool coerce_2d_;
};

std::unique_ptr<OpKernel> make_softmax(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  if (t != DataType::Undefined && t != DataType::Float && t != DataType::Double && !is_half_float(t))
    unsupported_type(node, 0, t);
  return std::make_unique<SoftmaxKernel>(node);
}

void infer_softmax(ir::InferenceContext& ctx) { ctx.set_output_type(0, ctx.input_type(0)); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Softmax", 1, 10, make_softmax, infer_softmax});
ONYXRT_REGISTER_OP({"", "Softmax", 11, 12, make_softmax, infer_softmax});
ONYXRT_REGISTER_OP({"", "Softmax", 13, kMaxOpset, make_softmax, infer_softmax});

}  // namespace onyxrt::ops
