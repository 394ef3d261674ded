// ScatterND, ScatterElements and the deprecated Scatter (= ScatterElements without reduction,
// opsets 9-10). The output is a copy of `data` with `updates` written at `indices`; `reduction`
// (opset 16: add, mul; opset 18: max, min) combines instead of overwriting. Negative indices count
// from the back; an index outside the axis raises InvalidArgument naming the node before anything
// is written, so no kernel reads or writes out of bounds.
#include <algorithm>
#include <string>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/common/scalar_input.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Reduction { None, Add, Mul, Max, Min };

Reduction parse_reduction(const ir::Node& node) {
  const std::string r = node.get_string("reduction", "none");
  if (r == "none") return Reduction::None;
  if (r == "add") return Reduction::Add;
  if (r == "mul") return Reduction::Mul;
  if (r == "max" && node.opset >= 18) return Reduction::Max;
  if (r == "min" && node.opset >= 18) return Reduction::Min;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": unknown reduction '" + r + "'");
}

template <typename T>
void combine(T& dst, const T& src, Reduction r) {
  // Types reached only through plain copies (strings, 16-byte elements) just overwrite.
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes16>) {
    dst = src;
  } else {
    using C = typename ComputeType<T>::type;
    const C a = ComputeType<T>::load(dst), b = ComputeType<T>::load(src);
    switch (r) {
      case Reduction::None: dst = src; return;
      case Reduction::Add: dst = ComputeType<T>::store(static_cast<C>(a + b)); return;
      case Reduction::Mul: dst = ComputeType<T>::store(static_cast<C>(a * b)); return;
      case Reduction::Max: dst = ComputeType<T>::store(std::max(a, b)); return;
      case Reduction::Min: dst = ComputeType<T>::store(std::min(a, b)); return;
    }
  }
}

// Calls fn(T{}) with the element type: any width for plain overwrites, numeric types otherwise.
template <typename Fn>
bool visit_scatter_type(DataType dt, Reduction r, Fn&& fn) {
  if (r == Reduction::None) return visit_by_element_width(dt, fn);
  return visit_numeric(dt, fn);
}

int64_t checked_index(const Tensor& indices, int64_t i, int64_t extent, const ir::Node& node, int64_t axis) {
  int64_t v = element_as_int64(indices, i);
  if (v < -extent || v >= extent) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": index " + std::to_string(v) + " at position " +
                                                std::to_string(i) + " is out of range [" + std::to_string(-extent) +
                                                ", " + std::to_string(extent - 1) + "] for axis " + std::to_string(axis));
  }
  return v < 0 ? v + extent : v;
}

void check_index_type(const ir::Node& node, DataType dt) {
  if (dt != DataType::Undefined && dt != DataType::Int32 && dt != DataType::Int64) unsupported_type(node, 1, dt);
}

class ScatterNDKernel : public OpKernel {
 public:
  explicit ScatterNDKernel(const ir::Node& node) : reduction_(parse_reduction(node)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& data = ctx.required_input(0);
    const Tensor& indices = ctx.required_input(1);
    const Tensor& updates = ctx.required_input(2);
    check_index_type(node, indices.dtype());
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    if (is.empty() || static_cast<size_t>(is.back()) > ds.size()) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": indices " + indices.describe() +
                                                  " do not index into " + data.describe());
    }
    const int64_t k = is.back();
    Shape expect(is.begin(), is.end() - 1);
    expect.insert(expect.end(), ds.begin() + k, ds.end());
    if (updates.shape() != expect) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": updates " + updates.describe() +
                                                  " should have shape " + shape_to_string(expect));
    }
    int64_t slice = 1;
    for (size_t d = k; d < ds.size(); ++d) slice *= ds[d];
    const std::vector<int64_t> strides = row_major_strides(ds);
    const int64_t n = k == 0 ? shape_size(Shape(is.begin(), is.end() - 1)) : indices.size() / k;
    std::vector<int64_t> offsets(n);
    for (int64_t j = 0; j < n; ++j) {
      int64_t off = 0;
      for (int64_t c = 0; c < k; ++c) off += checked_index(indices, j * k + c, ds[c], node, c) * strides[c];
      offsets[j] = off;
    }
    Tensor& y = ctx.allocate_output(0, data.dtype(), ds);
    copy_elements(data.dtype(), data.raw(), 0, y.mutable_raw(), 0, data.size());
    const bool ok = visit_scatter_type(data.dtype(), reduction_, [&](auto tag) {
      using T = decltype(tag);
      T* out = y.mutable_data<T>();
      const T* up = updates.data<T>();
      for (int64_t j = 0; j < n; ++j) {
        for (int64_t e = 0; e < slice; ++e) combine(out[offsets[j] + e], up[j * slice + e], reduction_);
      }
    });
    if (!ok) unsupported_type(node, 0, data.dtype());
  }

 private:
  Reduction reduction_;
};

class ScatterElementsKernel : public OpKernel {
 public:
  explicit ScatterElementsKernel(const ir::Node& node)
      : reduction_(parse_reduction(node)), axis_(node.get_int("axis", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& data = ctx.required_input(0);
    const Tensor& indices = ctx.required_input(1);
    const Tensor& updates = ctx.required_input(2);
    check_index_type(node, indices.dtype());
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    const int64_t rank = static_cast<int64_t>(ds.size());
    const int64_t axis = normalize_axis(axis_, rank, node);
    bool fits = updates.shape() == is && static_cast<int64_t>(is.size()) == rank;
    for (int64_t d = 0; fits && d < rank; ++d) fits = d == axis || is[d] <= ds[d];
    if (!fits) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": indices " + indices.describe() + " and updates " +
                                                  updates.describe() + " do not fit data " + data.describe());
    }
    const std::vector<int64_t> dstr = row_major_strides(ds);
    const int64_t n = indices.size();
    std::vector<int64_t> offsets(n);
    std::vector<int64_t> idx(rank, 0);
    for (int64_t j = 0; j < n; ++j) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d) {
        off += (d == axis ? checked_index(indices, j, ds[axis], node, axis) : idx[d]) * dstr[d];
      }
      offsets[j] = off;
      for (int64_t d = rank; d-- > 0;) {
        if (++idx[d] < is[d]) break;
        idx[d] = 0;
      }
    }
    Tensor& y = ctx.allocate_output(0, data.dtype(), ds);
    copy_elements(data.dtype(), data.raw(), 0, y.mutable_raw(), 0, data.size());
    const bool ok = visit_scatter_type(data.dtype(), reduction_, [&](auto tag) {
      using T = decltype(tag);
      T* out = y.mutable_data<T>();
      const T* up = updates.data<T>();
      for (int64_t j = 0; j < n; ++j) combine(out[offsets[j]], up[j], reduction_);
    });
    if (!ok) unsupported_type(node, 0, data.dtype());
  }

 private:
  Reduction reduction_;
  int64_t axis_;
};

bool scatter_type_ok(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt == DataType::Undefined) return true;
  bool ok = false;
  if (parse_reduction(node) == Reduction::None) return element_copyable(dt);
  visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

std::unique_ptr<OpKernel> make_scatter_nd(const ir::Node& node) {
  if (!scatter_type_ok(node)) unsupported_type(node, 0, input_dtype(node, 0));
  check_index_type(node, input_dtype(node, 1));
  return std::make_unique<ScatterNDKernel>(node);
}

std::unique_ptr<OpKernel> make_scatter_elements(const ir::Node& node) {
  if (!scatter_type_ok(node)) unsupported_type(node, 0, input_dtype(node, 0));
  check_index_type(node, input_dtype(node, 1));
  return std::make_unique<ScatterElementsKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "ScatterND", 11, kMaxOpset, make_scatter_nd, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "ScatterElements", 11, kMaxOpset, make_scatter_elements, propagate_input0_type});
ONYXRT_REGISTER_OP({"", "Scatter", 9, 10, make_scatter_elements, propagate_input0_type});

}  // namespace onyxrt::ops
