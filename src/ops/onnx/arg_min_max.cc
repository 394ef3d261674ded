// ArgMax and ArgMin: the int64 index of the largest (smallest) element along `axis`. The first
// occurrence wins on ties unless `select_last_index` (opset 12) asks for the last. A NaN counts as
// the extreme value, as numpy's argmax/argmin do (and, like ties, the last NaN under
// `select_last_index`).
#include <string>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename T, bool IsMax>
void arg_extreme(const Tensor& x, Tensor& y, int64_t axis, bool last) {
  using C = typename ComputeType<T>::type;
  const Shape& s = x.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
  const int64_t n = s[axis];
  const T* xs = x.data<T>();
  int64_t* ys = y.mutable_data<int64_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* base = xs + o * n * inner + i;
      int64_t best = 0;
      C best_v = ComputeType<T>::load(base[0]);
      for (int64_t k = 1; k < n; ++k) {
        const C v = ComputeType<T>::load(base[k * inner]);
        if (best_v != best_v) {  // a NaN already won; NaNs tie among themselves
          if (!last) break;
          if (v != v) best = k;
          continue;
        }
        const bool better = IsMax ? (v > best_v) : (v < best_v);
        if (better || v != v || (last && v == best_v)) {
          best = k;
          best_v = v;
        }
      }
      ys[o * inner + i] = best;
    }
  }
}

bool arg_supported(DataType dt) {
  bool ok = false;
  if (dt != DataType::Bool) visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

template <bool IsMax>
class ArgKernel : public OpKernel {
 public:
  explicit ArgKernel(const ir::Node& node)
      : axis_(node.get_int("axis", 0)),
        keepdims_(node.get_int("keepdims", 1) != 0),
        last_(node.get_int("select_last_index", 0) != 0) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!arg_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const int64_t axis = normalize_axis(axis_, static_cast<int64_t>(x.rank()), node);
    if (x.shape()[axis] == 0) {
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": cannot take an arg extreme over axis " + std::to_string(axis) +
                      " of extent 0 in " + x.describe());
    }
    Shape out;
    for (size_t d = 0; d < x.rank(); ++d) {
      if (static_cast<int64_t>(d) != axis) {
        out.push_back(x.shape()[d]);
      } else if (keepdims_) {
        out.push_back(1);
      }
    }
    Tensor& y = ctx.allocate_output(0, DataType::Int64, out);
    visit_numeric(x.dtype(), [&](auto tag) { arg_extreme<decltype(tag), IsMax>(x, y, axis, last_); });
  }

 private:
  int64_t axis_;
  bool keepdims_;
  bool last_;
};

template <bool IsMax>
std::unique_ptr<OpKernel> make_arg(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !arg_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ArgKernel<IsMax>>(node);
}

void infer_arg(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64));
    return;
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  const int64_t axis = normalize_axis(ctx.node().get_int("axis", 0), rank, ctx.node());
  const bool keepdims = ctx.node().get_int("keepdims", 1) != 0;
  ir::SymShape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (d != axis) {
      out.push_back(in.shape[d]);
    } else if (keepdims) {
      out.push_back(ir::Dim::of(1));
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ArgMax", 1, kMaxOpset, make_arg<true>, infer_arg});
ONYXRT_REGISTER_OP({"", "ArgMin", 1, kMaxOpset, make_arg<false>, infer_arg});

}  // namespace onyxrt::ops
