// RandomNormal, RandomUniform (ONNX opsets 1, 22): a tensor of the `shape` attribute drawn from
// N(mean, scale^2) or U[low, high); the *Like variants (opsets 1, 22) take the shape, and by
// default the element type, from their input. `dtype` is float, double, float16 or (22)
// bfloat16. Values are drawn in double; see random_engine.h for seeding.
#include <memory>
#include <random>

#include "ops/common/type_propagation.h"
#include "ops/onnx/random_engine.h"
#include "ops/onnx/signal_io.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Dist { Normal, Uniform };

template <Dist D, bool Like>
class RandomKernel final : public OpKernel {
 public:
  RandomKernel(const ir::Node& node, DataType dtype)
      : seeds_(node),
        dtype_(dtype),
        shape_(Like ? Shape{} : node.get_ints("shape")),
        a_(D == Dist::Normal ? node.get_float("mean", 0.f) : node.get_float("low", 0.f)),
        b_(D == Dist::Normal ? node.get_float("scale", 1.f) : node.get_float("high", 1.f)) {}

  void compute(KernelContext& ctx) const override {
    DataType dt = dtype_;
    Shape shape = shape_;
    if constexpr (Like) {
      const Tensor& in = ctx.required_input(0);
      shape = in.shape();
      if (dt == DataType::Undefined) dt = in.dtype();
      if (!signal_type_ok(dt)) unsupported_type(ctx.node(), 0, dt);
    }
    Tensor& y = ctx.allocate_output(0, dt, shape);
    std::mt19937_64 gen = seeds_.engine();
    if constexpr (D == Dist::Normal) {
      std::normal_distribution<double> dist(a_, b_);
      for (int64_t i = 0; i < y.size(); ++i) signal_store(y, i, dist(gen));
    } else {
      std::uniform_real_distribution<double> dist(a_, b_);
      for (int64_t i = 0; i < y.size(); ++i) signal_store(y, i, dist(gen));
    }
  }

 private:
  RandomSeedSource seeds_;
  DataType dtype_;  // Undefined for *Like without dtype: the input's type
  Shape shape_;
  double a_, b_;
};

DataType dtype_attr(const ir::Node& node, DataType def) {
  const ir::Attribute* a = node.find("dtype");
  const DataType t = a ? static_cast<DataType>(a->i) : def;
  if (t != DataType::Undefined && !signal_type_ok(t)) {
    throw_error(ErrorCode::NotImplemented, node.describe() + ": dtype " + std::string(dtype_name(t)) +
                                               " is not implemented (float, double, float16, bfloat16)");
  }
  return t;
}

template <Dist D>
std::unique_ptr<OpKernel> make_random(const ir::Node& node) {
  const Shape shape = node.required("shape").ints;
  for (int64_t d : shape) {
    if (d < 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": shape " + shape_to_string(shape) + " has a negative dim");
  }
  return std::make_unique<RandomKernel<D, false>>(node, dtype_attr(node, DataType::Float));
}

template <Dist D>
std::unique_ptr<OpKernel> make_random_like(const ir::Node& node) {
  DataType t = dtype_attr(node, DataType::Undefined);
  if (t == DataType::Undefined) {
    const DataType in = input_dtype(node, 0);
    if (in != DataType::Undefined && !signal_type_ok(in)) unsupported_type(node, 0, in);
  }
  return std::make_unique<RandomKernel<D, true>>(node, t);
}

void infer_random(ir::InferenceContext& ctx) {
  const auto t = static_cast<DataType>(ctx.node().get_int("dtype", static_cast<int64_t>(DataType::Float)));
  ir::SymShape shape;
  for (int64_t d : ctx.node().get_ints("shape")) shape.push_back(ir::Dim::of(d));
  ctx.set_output_type(0, ir::TypeInfo::tensor(t, std::move(shape)));
}

void infer_random_like(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const ir::Attribute* a = ctx.node().find("dtype");
  ctx.set_output_type(0, tensor_type(a ? static_cast<DataType>(a->i) : in.elem, in.has_shape, in.shape));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "RandomNormal", 1, kMaxOpset, make_random<Dist::Normal>, infer_random});
ONYXRT_REGISTER_OP({"", "RandomUniform", 1, kMaxOpset, make_random<Dist::Uniform>, infer_random});
ONYXRT_REGISTER_OP({"", "RandomNormalLike", 1, kMaxOpset, make_random_like<Dist::Normal>, infer_random_like});
ONYXRT_REGISTER_OP({"", "RandomUniformLike", 1, kMaxOpset, make_random_like<Dist::Uniform>, infer_random_like});

}  // namespace onyxrt::ops
