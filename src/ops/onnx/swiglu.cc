// SwiGLU (opset 28): Y = Swish_alpha(A) * B = A * sigmoid(alpha * A) * B, with A and B of one shape
// (no broadcasting). Halves compute in float, and the sigmoid is rounded to the element type
// before the products, as the ONNX reference does.
#include <cmath>
#include <type_traits>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool is_real_float(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

class SwiGluKernel : public OpKernel {
 public:
  explicit SwiGluKernel(const ir::Node& node) : alpha_(node.get_float("alpha", 1.0f)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    if (!is_real_float(a.dtype())) unsupported_type(node, 0, a.dtype());
    if (a.dtype() != b.dtype() || a.shape() != b.shape()) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": A and B must have the same type and shape, got " +
                                                  a.describe() + " and " + b.describe());
    }
    Tensor& y = ctx.allocate_output(0, a.dtype(), a.shape());
    visit_numeric(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using C = typename ComputeType<T>::type;
      if constexpr (std::is_floating_point_v<C>) {
        const T* pa = a.data<T>();
        const T* pb = b.data<T>();
        T* out = y.mutable_data<T>();
        const C alpha = static_cast<C>(alpha_);
        ThreadPool::parallel_for(ctx.thread_pool(), a.size(), 1 << 13, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            const C va = ComputeType<T>::load(pa[i]);
            const C sig = ComputeType<T>::load(ComputeType<T>::store(C(1) / (C(1) + std::exp(-alpha * va))));
            const C swish = ComputeType<T>::load(ComputeType<T>::store(va * sig));
            out[i] = ComputeType<T>::store(swish * ComputeType<T>::load(pb[i]));
          }
        });
      }
    });
  }

 private:
  float alpha_;
};

std::unique_ptr<OpKernel> make_swiglu(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !is_real_float(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<SwiGluKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "SwiGLU", 28, kMaxOpset, make_swiglu, propagate_input0_type});

}  // namespace onyxrt::ops
