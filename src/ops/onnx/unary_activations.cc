// Relu, Sigmoid and Tanh: element-wise, output shaped like the input. The `consumed_inputs`
// attribute of opset 1 was a memory hint only and is ignored.
#include <cmath>
#include <type_traits>

#include "kernels/vmath_parallel.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class UnaryOp { Relu, Sigmoid, Tanh };

template <UnaryOp Op, typename C>
C apply(C x) {
  if constexpr (Op == UnaryOp::Relu) {
    return x < C(0) ? C(0) : x;  // NaN passes through, as in onnxruntime
  } else if constexpr (Op == UnaryOp::Sigmoid) {
    // Split by sign so exp never overflows.
    if (x >= C(0)) return C(1) / (C(1) + std::exp(-x));
    const C e = std::exp(x);
    return e / (C(1) + e);
  } else {
    return std::tanh(x);
  }
}

template <UnaryOp Op, typename T>
void run_unary(const Tensor& x, Tensor& y, KernelContext& ctx) {
  using CT = ComputeType<T>;
  const T* px = x.data<T>();
  T* py = y.mutable_data<T>();
  ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) py[i] = CT::store(apply<Op>(CT::load(px[i])));
  });
}

bool is_float_type(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Float16 || dt == DataType::BFloat16;
}

// Relu (opset 14) also takes signed integers.
bool supports(UnaryOp op, DataType dt) {
  if (is_float_type(dt)) return true;
  return op == UnaryOp::Relu && (dt == DataType::Int8 || dt == DataType::Int16 || dt == DataType::Int32 ||
                                 dt == DataType::Int64);
}

template <UnaryOp Op>
class UnaryKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!supports(Op, x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), x.shape());
    if (x.dtype() == DataType::Float) {
      constexpr kernels::VOp op = Op == UnaryOp::Relu      ? kernels::VOp::Relu
                                  : Op == UnaryOp::Sigmoid ? kernels::VOp::Sigmoid
                                                           : kernels::VOp::Tanh;
      kernels::vmath_apply(ctx.thread_pool(), op, x.data<float>(), y.mutable_data<float>(), x.size());
      return;
    }
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, kernels::Float16> ||
                    std::is_same_v<T, kernels::BFloat16>) {
        run_unary<Op, T>(x, y, ctx);
      } else if constexpr (Op == UnaryOp::Relu && std::is_signed_v<T>) {
        run_unary<Op, T>(x, y, ctx);
      }
    });
  }
};

template <UnaryOp Op>
std::unique_ptr<OpKernel> make_unary(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !supports(Op, dt)) unsupported_type(node, 0, dt);
  return std::make_unique<UnaryKernel<Op>>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Relu", 1, kMaxOpset, make_unary<UnaryOp::Relu>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Sigmoid", 1, kMaxOpset, make_unary<UnaryOp::Sigmoid>, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Tanh", 1, kMaxOpset, make_unary<UnaryOp::Tanh>, propagate_input0_type});

}  // namespace onyxrt::ops
