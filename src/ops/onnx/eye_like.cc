// EyeLike (opset 9, 22): a 2-D tensor shaped like the input with ones on diagonal k (k > 0 above,
// k < 0 below the main diagonal). The element type is `dtype` when given, else the input's.
#include <string>

#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool eye_supported(DataType dt) {
  bool ok = false;
  visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

DataType eye_dtype(const ir::Node& node, DataType input) {
  return node.has("dtype") ? static_cast<DataType>(node.get_int("dtype", 0)) : input;
}

class EyeLikeKernel : public OpKernel {
 public:
  explicit EyeLikeKernel(const ir::Node& node) : k_(node.get_int("k", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (x.rank() != 2) throw_error(ErrorCode::InvalidArgument, node.describe() + ": input must be 2-D, got " + x.describe());
    const DataType dt = eye_dtype(node, x.dtype());
    if (!eye_supported(dt)) unsupported_type(node, 0, dt);
    Tensor& y = ctx.allocate_output(0, dt, x.shape());
    const int64_t rows = x.shape()[0], cols = x.shape()[1];
    visit_numeric(dt, [&](auto tag) {
      using T = decltype(tag);
      T* ys = y.mutable_data<T>();
      const T one = ComputeType<T>::store(static_cast<typename ComputeType<T>::type>(1));
      for (int64_t i = 0; i < rows; ++i) {
        const int64_t j = i + k_;
        if (j >= 0 && j < cols) ys[i * cols + j] = one;
      }
    });
  }

 private:
  int64_t k_;
};

std::unique_ptr<OpKernel> make_eye_like(const ir::Node& node) {
  const DataType dt = eye_dtype(node, input_dtype(node, 0));
  if (dt != DataType::Undefined && !eye_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<EyeLikeKernel>(node);
}

void infer_eye_like(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const DataType dt = eye_dtype(ctx.node(), in.elem);
  ctx.set_output_type(0, in.has_shape ? ir::TypeInfo::tensor(dt, in.shape) : ir::TypeInfo::tensor(dt));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "EyeLike", 9, kMaxOpset, make_eye_like, infer_eye_like});

}  // namespace onyxrt::ops
