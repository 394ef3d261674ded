// TopK: the K largest (or smallest, `largest`=0 from opset 11) elements along `axis` and their int64
// indices. K is an attribute in opset 1 and a 1-element int64 input from opset 10. Ties keep the
// lower index first, as onnxruntime does; NaN sorts above every number. `sorted`=0 is allowed to
// return any order, and this kernel returns sorted order for it too.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/scalar_input.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

template <typename C>
bool is_nan(C v) {
  return v != v;
}

template <typename T>
void topk(const Tensor& x, Tensor& values, Tensor& indices, int64_t axis, int64_t k, bool largest) {
  using C = typename ComputeType<T>::type;
  const Shape& s = x.shape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
  const int64_t n = s[axis];
  const T* xs = x.data<T>();
  T* vs = values.mutable_data<T>();
  int64_t* is = indices.mutable_data<int64_t>();
  std::vector<std::pair<C, int64_t>> row(static_cast<size_t>(n));
  // Strict weak order with NaN as the greatest value, index ascending among equals.
  auto before = [largest](const std::pair<C, int64_t>& a, const std::pair<C, int64_t>& b) {
    const bool an = is_nan(a.first), bn = is_nan(b.first);
    if (an || bn) {
      if (an && bn) return a.second < b.second;
      return largest ? an : bn;
    }
    if (a.first != b.first) return largest ? a.first > b.first : a.first < b.first;
    return a.second < b.second;
  };
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * n * inner + i;
      for (int64_t j = 0; j < n; ++j) row[j] = {ComputeType<T>::load(xs[base + j * inner]), j};
      std::partial_sort(row.begin(), row.begin() + k, row.end(), before);
      const int64_t out_base = o * k * inner + i;
      for (int64_t j = 0; j < k; ++j) {
        vs[out_base + j * inner] = xs[base + row[j].second * inner];
        is[out_base + j * inner] = row[j].second;
      }
    }
  }
}

bool topk_supported(DataType dt) {
  bool ok = false;
  if (dt != DataType::Bool) visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

class TopKKernel : public OpKernel {
 public:
  explicit TopKKernel(const ir::Node& node)
      : axis_(node.get_int("axis", -1)),
        largest_(node.get_int("largest", 1) != 0),
        k_attr_(node.opset < 10 ? node.get_int("k", -1) : -1) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!topk_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const int64_t axis = normalize_axis(axis_, static_cast<int64_t>(x.rank()), node);
    const int64_t k = node.opset < 10 ? k_attr_ : scalar_as_int64(ctx.required_input(1), node, "K");
    if (k < 0 || k > x.shape()[axis]) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": K = " + std::to_string(k) +
                                                  " is outside [0, " + std::to_string(x.shape()[axis]) +
                                                  "] for axis " + std::to_string(axis) + " of " + x.describe());
    }
    Shape out = x.shape();
    out[axis] = k;
    Tensor& values = ctx.allocate_output(0, x.dtype(), out);
    // Indices are computed either way; a graph that drops them gets a scratch tensor.
    Tensor scratch;
    Tensor& indices = ctx.output_count() > 1 && ctx.output_requested(1)
                          ? ctx.allocate_output(1, DataType::Int64, out)
                          : (scratch = Tensor::allocate(DataType::Int64, out, ctx.allocator()));
    if (values.size() == 0) return;
    visit_numeric(x.dtype(), [&](auto tag) { topk<decltype(tag)>(x, values, indices, axis, k, largest_); });
  }

 private:
  int64_t axis_;
  bool largest_;
  int64_t k_attr_;
};

std::unique_ptr<OpKernel> make_topk(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !topk_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<TopKKernel>(node);
}

void infer_topk(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  const ir::Node& node = ctx.node();
  ir::SymShape out;
  bool known = in.has_shape;
  if (known) {
    out = in.shape;
    const int64_t axis = normalize_axis(node.get_int("axis", -1), static_cast<int64_t>(out.size()), node);
    if (node.opset < 10) {
      out[axis] = ir::Dim::of(node.required("k").i);
    } else if (const Tensor* kt = ctx.input_constant(1)) {
      out[axis] = ir::Dim::of(scalar_as_int64(*kt, node, "K"));
    } else {
      out[axis] = ir::Dim{};
    }
  }
  ctx.set_output_type(0, known ? ir::TypeInfo::tensor(in.elem, out) : ir::TypeInfo::tensor(in.elem));
  if (ctx.output_count() > 1) {
    ctx.set_output_type(1, known ? ir::TypeInfo::tensor(DataType::Int64, out) : ir::TypeInfo::tensor(DataType::Int64));
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "TopK", 1, 9, make_topk, infer_topk});
ONYXRT_REGISTER_OP({"", "TopK", 10, kMaxOpset, make_topk, infer_topk});

}  // namespace onyxrt::ops
