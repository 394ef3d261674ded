// Dropout (ONNX opsets 1, 6, 7, 10, 12, 13, 22).
// Inference (the default, and always before opset 12 as in onnxruntime): Y is X itself and the
// optional mask is all ones (of X's type before opset 10, bool from 10).
// Opset 12+: inputs ratio (default 0.5) and training_mode (default false). In training mode each
// element is kept with probability 1 - ratio and scaled by 1 / (1 - ratio); the mask marks kept
// elements. The `seed` attribute makes the mask repeatable; without it every run draws anew.
#include <cstring>
#include <memory>
#include <random>

#include "kernels/ref/float_types.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

double scalar_as_double(const Tensor& t, const ir::Node& node, const char* what) {
  if (t.size() != 1)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " must hold one value, got " + t.describe());
  double v = 0;
  bool ok = visit_numeric(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    v = static_cast<double>(ComputeType<T>::load(t.data<T>()[0]));
  });
  if (!ok) throw_error(ErrorCode::InvalidArgument, node.describe() + ": " + what + " has unsupported type " + t.describe());
  return v;
}

class DropoutKernel final : public OpKernel {
 public:
  explicit DropoutKernel(const ir::Node& node)
      : mask_bool_(node.opset >= 10), has_inputs_(node.opset >= 12), has_seed_(node.has("seed")),
        seed_(node.get_int("seed", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& X = ctx.required_input(0);
    double ratio = 0.5;
    bool training = false;
    if (has_inputs_) {
      if (const Tensor* r = ctx.input(1)) ratio = scalar_as_double(*r, node, "ratio");
      if (const Tensor* t = ctx.input(2)) training = scalar_as_double(*t, node, "training_mode") != 0;
    }
    if (training && (ratio < 0 || ratio > 1))
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": ratio must be in [0, 1], got " + std::to_string(ratio));
    const bool want_mask = ctx.output_count() > 1 && ctx.output_requested(1);
    if (!training || ratio == 0) {
      ctx.set_output(0, Value(X));
      if (want_mask) fill_ones(ctx.allocate_output(1, mask_bool_ ? DataType::Bool : X.dtype(), X.shape()), node);
      return;
    }
    Tensor& Y = ctx.allocate_output(0, X.dtype(), X.shape());
    Tensor mask = want_mask ? ctx.allocate_output(1, DataType::Bool, X.shape())
                            : Tensor::allocate(DataType::Bool, X.shape(), ctx.allocator());
    bool* m = mask.mutable_data<bool>();
    // MT19937 seeded like numpy's RandomState(seed), and doubles drawn as its random_sample does
    // (53 bits from two 32-bit outputs), so a seeded mask equals the ONNX reference's.
    std::mt19937 rng(has_seed_ ? static_cast<uint32_t>(seed_) : std::random_device{}());
    for (int64_t i = 0; i < X.size(); ++i) {
      const uint32_t a = rng() >> 5, b = rng() >> 6;
      const double u = (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
      m[i] = u >= ratio;
    }
    const double scale = ratio >= 1 ? 0.0 : 1.0 / (1.0 - ratio);
    kernels::visit_float_or_half(X.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using CT = ComputeType<T>;
      const T* x = X.data<T>();
      T* y = Y.mutable_data<T>();
      for (int64_t i = 0; i < X.size(); ++i)
        y[i] = m[i] ? CT::store(CT::load(x[i]) * static_cast<typename CT::type>(scale)) : CT::store(0);
    });
  }

 private:
  static void fill_ones(Tensor& t, const ir::Node& node) {
    if (!visit_numeric(t.dtype(), [&](auto tag) {
          using T = decltype(tag);
          T* p = t.mutable_data<T>();
          const T one = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(1));
          for (int64_t i = 0; i < t.size(); ++i) p[i] = one;
        }))
      unsupported_type(node, 0, t.dtype());
  }

  bool mask_bool_, has_inputs_, has_seed_;
  int64_t seed_;
};

std::unique_ptr<OpKernel> make_dropout(const ir::Node& node) {
  const DataType t = input_dtype(node, 0);
  // Identity works for any numeric type; training needs a float type, checked here when the
  // training_mode input exists so that the refusal comes at session creation.
  const bool may_train = node.opset >= 12 && node.has_input(2);
  if (t != DataType::Undefined) {
    const bool numeric = visit_numeric(t, [](auto) {});
    if (!numeric || (may_train && !kernels::is_float_or_half(t))) unsupported_type(node, 0, t);
  }
  return std::make_unique<DropoutKernel>(node);
}

void infer_dropout(ir::InferenceContext& ctx) {
  const ir::TypeInfo& x = ctx.input_type(0);
  ctx.set_output_type(0, x);
  if (ctx.output_count() > 1 && ctx.node().outputs[1] != nullptr) {
    ir::TypeInfo mask = x;
    mask.elem = ctx.node().opset >= 10 ? DataType::Bool : x.elem;
    if (mask.kind == ir::TypeInfo::Kind::Unknown) mask = ir::TypeInfo::tensor(mask.elem);
    ctx.set_output_type(1, mask);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Dropout", 1, 5, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 6, 6, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 7, 9, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 10, 11, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 12, 12, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 13, 21, make_dropout, infer_dropout});
ONYXRT_REGISTER_OP({"", "Dropout", 22, kMaxOpset, make_dropout, infer_dropout});

}  // namespace onyxrt::ops
