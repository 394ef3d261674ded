// NonZero (opset 9, 13): the int64 coordinates [rank, count] of the non-zero elements in row-major
// order, as numpy.nonzero. Its output length depends on the data, so inference leaves it unknown.
#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool nonzero_supported(DataType dt) {
  bool ok = false;
  visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

class NonZeroKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    if (!nonzero_supported(x.dtype())) unsupported_type(ctx.node(), 0, x.dtype());
    std::vector<int64_t> hits;
    visit_numeric(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* xs = x.data<T>();
      for (int64_t i = 0; i < x.size(); ++i) {
        if (ComputeType<T>::load(xs[i]) != 0) hits.push_back(i);
      }
    });
    const int64_t rank = static_cast<int64_t>(x.rank());
    const int64_t n = static_cast<int64_t>(hits.size());
    Tensor& y = ctx.allocate_output(0, DataType::Int64, {rank, n});
    int64_t* ys = y.mutable_data<int64_t>();
    const std::vector<int64_t> strides = row_major_strides(x.shape());
    for (int64_t j = 0; j < n; ++j) {
      int64_t rem = hits[j];
      for (int64_t d = 0; d < rank; ++d) {
        ys[d * n + j] = rem / strides[d];
        rem %= strides[d];
      }
    }
  }
};

std::unique_ptr<OpKernel> make_non_zero(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !nonzero_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<NonZeroKernel>();
}

void infer_non_zero(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  ir::SymShape out(2);
  if (in.has_shape) out[0] = ir::Dim::of(static_cast<int64_t>(in.shape.size()));
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "NonZero", 9, kMaxOpset, make_non_zero, infer_non_zero});

}  // namespace onyxrt::ops
