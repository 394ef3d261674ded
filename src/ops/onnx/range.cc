// Range (opset 11): start + i * delta for i in [0, max(ceil((limit - start) / delta), 0)), as
// numpy.arange. The three inputs are scalars of one type (float, double, int16, int32, int64;
// float16 and bfloat16 from opset 25, computed in float and rounded on store).
#include <algorithm>
#include <cmath>
#include <string>

#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool range_supported(DataType dt) {
  return dt == DataType::Float || dt == DataType::Double || dt == DataType::Int16 || dt == DataType::Int32 ||
         dt == DataType::Int64 || dt == DataType::Float16 || dt == DataType::BFloat16;
}

// 16-bit floats: the same arithmetic in float, rounded to the storage type on store.
template <typename S>
void fill_range_16(KernelContext& ctx, const Tensor& s, const Tensor& l, const Tensor& d) {
  const float start = static_cast<float>(element_as_double(s, 0)), limit = static_cast<float>(element_as_double(l, 0)),
              delta = static_cast<float>(element_as_double(d, 0));
  if (delta == 0) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": delta must not be 0");
  const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((static_cast<double>(limit) - start) / delta)));
  Tensor& y = ctx.allocate_output(0, s.dtype(), {n});
  S* ys = y.mutable_data<S>();
  for (int64_t i = 0; i < n; ++i) ys[i] = ComputeType<S>::store(start + static_cast<float>(i) * delta);
}

template <typename T>
void fill_range(KernelContext& ctx, const Tensor& s, const Tensor& l, const Tensor& d) {
  const T start = s.data<T>()[0], limit = l.data<T>()[0], delta = d.data<T>()[0];
  if (delta == 0) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": delta must not be 0");
  int64_t n;
  if constexpr (std::is_floating_point_v<T>) {
    n = static_cast<int64_t>(std::ceil((static_cast<double>(limit) - start) / delta));
  } else {
    const int64_t span = static_cast<int64_t>(limit) - static_cast<int64_t>(start);
    const int64_t step = delta;
    n = span / step + ((span % step != 0 && ((span > 0) == (step > 0))) ? 1 : 0);
  }
  if (n < 0) n = 0;
  Tensor& y = ctx.allocate_output(0, s.dtype(), {n});
  T* ys = y.mutable_data<T>();
  for (int64_t i = 0; i < n; ++i) ys[i] = static_cast<T>(start + static_cast<T>(i) * delta);
}

class RangeKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& s = ctx.required_input(0);
    const Tensor& l = ctx.required_input(1);
    const Tensor& d = ctx.required_input(2);
    for (const Tensor* t : {&s, &l, &d}) {
      if (t->size() != 1 || t->dtype() != s.dtype()) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": start, limit and delta must be scalars of one "
                                                                  "type, got " +
                                                    t->describe());
      }
    }
    switch (s.dtype()) {
      case DataType::Float: return fill_range<float>(ctx, s, l, d);
      case DataType::Double: return fill_range<double>(ctx, s, l, d);
      case DataType::Int16: return fill_range<int16_t>(ctx, s, l, d);
      case DataType::Int32: return fill_range<int32_t>(ctx, s, l, d);
      case DataType::Int64: return fill_range<int64_t>(ctx, s, l, d);
      case DataType::Float16: return fill_range_16<kernels::Float16>(ctx, s, l, d);
      case DataType::BFloat16: return fill_range_16<kernels::BFloat16>(ctx, s, l, d);
      default: unsupported_type(node, 0, s.dtype());
    }
  }
};

std::unique_ptr<OpKernel> make_range(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !range_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<RangeKernel>();
}

void infer_range(ir::InferenceContext& ctx) {
  const DataType elem = ctx.input_type(0).elem;
  const Tensor* s = ctx.input_constant(0);
  const Tensor* l = ctx.input_constant(1);
  const Tensor* d = ctx.input_constant(2);
  ir::Dim n;
  if (s && l && d && s->size() == 1 && l->size() == 1 && d->size() == 1) {
    const double delta = element_as_double(*d, 0);
    if (delta != 0) {
      const double count = std::ceil((element_as_double(*l, 0) - element_as_double(*s, 0)) / delta);
      n = ir::Dim::of(count > 0 ? static_cast<int64_t>(count) : 0);
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(elem, ir::SymShape{n}));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Range", 11, kMaxOpset, make_range, infer_range});

}  // namespace onyxrt::ops
