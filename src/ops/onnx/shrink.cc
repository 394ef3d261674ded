// Shrink (opset 9): y = x + bias where x < -lambd, x - bias where x > lambd, else 0. Integer inputs
// compute in double and truncate back, as the ONNX reference's astype does.
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool shrink_supported(DataType dt) {
  return dt != DataType::Bool && dt != DataType::BFloat16 && visit_numeric(dt, [](auto) {});
}

class ShrinkKernel : public OpKernel {
 public:
  explicit ShrinkKernel(const ir::Node& node)
      : bias_(node.get_float("bias", 0.0f)), lambd_(node.get_float("lambd", 0.5f)) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!shrink_supported(x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using C = typename ComputeType<T>::type;
      const T* in = x.data<T>();
      T* out = y.mutable_data<T>();
      const double bias = bias_, lambd = lambd_;
      ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const double v = static_cast<double>(ComputeType<T>::load(in[i]));
          const double r = v < -lambd ? v + bias : (v > lambd ? v - bias : 0.0);
          out[i] = ComputeType<T>::store(static_cast<C>(r));
        }
      });
    });
  }

 private:
  float bias_;
  float lambd_;
};

std::unique_ptr<OpKernel> make_shrink(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !shrink_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ShrinkKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Shrink", 9, kMaxOpset, make_shrink, propagate_input0_type});

}  // namespace onyxrt::ops
