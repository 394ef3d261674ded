// Bernoulli (ONNX opsets 15, 22): y[i] = 1 with probability input[i] (float, double, float16,
// bfloat16), else 0, in `dtype` (default the input's type; any numeric type or bool).
// See random_engine.h for seeding.
#include <memory>
#include <random>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/onnx/random_engine.h"
#include "ops/onnx/signal_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class BernoulliKernel final : public OpKernel {
 public:
  BernoulliKernel(const ir::Node& node, DataType dtype) : seeds_(node), dtype_(dtype) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& p = ctx.required_input(0);
    if (!signal_type_ok(p.dtype())) unsupported_type(ctx.node(), 0, p.dtype());
    Tensor& y = ctx.allocate_output(0, dtype_ == DataType::Undefined ? p.dtype() : dtype_, p.shape());
    std::mt19937_64 gen = seeds_.engine();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    visit_numeric(y.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* out = y.mutable_data<T>();
      for (int64_t i = 0; i < p.size(); ++i) {
        const bool one = u(gen) < signal_load(p, i);
        if constexpr (std::is_same_v<T, kernels::Float16> || std::is_same_v<T, kernels::BFloat16>) {
          out[i] = ComputeType<T>::store(one ? 1.f : 0.f);
        } else {
          out[i] = static_cast<T>(one);
        }
      }
    });
  }

 private:
  RandomSeedSource seeds_;
  DataType dtype_;
};

std::unique_ptr<OpKernel> make_bernoulli(const ir::Node& node) {
  const DataType in = input_dtype(node, 0);
  if (in != DataType::Undefined && !signal_type_ok(in)) unsupported_type(node, 0, in);
  const ir::Attribute* a = node.find("dtype");
  const DataType t = a ? static_cast<DataType>(a->i) : DataType::Undefined;
  if (t != DataType::Undefined && !visit_numeric(t, [](auto) {})) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": dtype " + std::string(dtype_name(t)) + " is not implemented");
  }
  return std::make_unique<BernoulliKernel>(node, t);
}

void infer_bernoulli(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const ir::Attribute* a = ctx.node().find("dtype");
  ctx.set_output_type(0, tensor_type(a ? static_cast<DataType>(a->i) : in.elem, in.has_shape, in.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Bernoulli", 15, kMaxOpset, make_bernoulli, infer_bernoulli});

}  // namespace onyxrt::ops
