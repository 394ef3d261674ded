// Unique (opset 11): the distinct elements of the flattened input (or the distinct slices along
// `axis`), with the index of each one's first occurrence, the inverse map from every input
// element/slice to its unique entry, and the counts. sorted=1 (default) orders them ascending
// (slices lexicographically), sorted=0 in order of first occurrence. Output sizes depend on the
// data, so inference leaves them unknown.
#include <algorithm>
#include <numeric>
#include <string>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/element_copy.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct UniqueGroups {
  std::vector<int64_t> first;    // per unique entry: first input position
  std::vector<int64_t> inverse;  // per input position: unique entry
  std::vector<int64_t> counts;   // per unique entry
};

// x viewed as [outer, n, inner]; slice j is every x[o, j, i].
template <typename T>
UniqueGroups group_slices(const T* x, int64_t outer, int64_t n, int64_t inner, bool sorted) {
  auto key = [&](int64_t o, int64_t j, int64_t i) {
    if constexpr (std::is_same_v<T, std::string>) {
      return x[(o * n + j) * inner + i];
    } else {
      return ComputeType<T>::load(x[(o * n + j) * inner + i]);
    }
  };
  // -1, 0, 1 lexicographic comparison of two slices.
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const auto va = key(o, a, i), vb = key(o, b, i);
        if (va < vb) return -1;
        if (vb < va) return 1;
      }
    }
    return 0;
  };
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
  UniqueGroups g;
  g.inverse.assign(n, 0);
  std::vector<int64_t> group_of_sorted(n);
  for (int64_t k = 0; k < n; ++k) {
    if (k == 0 || compare(order[k - 1], order[k]) != 0) {
      g.first.push_back(order[k]);  // stable sort: the first of a run is the earliest occurrence
      g.counts.push_back(0);
    }
    group_of_sorted[k] = static_cast<int64_t>(g.first.size()) - 1;
    ++g.counts.back();
  }
  std::vector<int64_t> rank(g.first.size());
  std::iota(rank.begin(), rank.end(), 0);
  if (!sorted) {
    // Renumber groups by first occurrence.
    std::vector<int64_t> by_first(g.first.size());
    std::iota(by_first.begin(), by_first.end(), 0);
    std::sort(by_first.begin(), by_first.end(), [&](int64_t a, int64_t b) { return g.first[a] < g.first[b]; });
    UniqueGroups r;
    for (size_t k = 0; k < by_first.size(); ++k) {
      rank[by_first[k]] = static_cast<int64_t>(k);
      r.first.push_back(g.first[by_first[k]]);
      r.counts.push_back(g.counts[by_first[k]]);
    }
    g.first = std::move(r.first);
    g.counts = std::move(r.counts);
  }
  for (int64_t k = 0; k < n; ++k) g.inverse[order[k]] = rank[group_of_sorted[k]];
  return g;
}

bool unique_supported(DataType dt) {
  bool ok = dt == DataType::String;
  visit_numeric(dt, [&](auto) { ok = true; });
  return ok;
}

template <typename Fn>
void visit_unique_type(DataType dt, Fn&& fn) {
  if (dt == DataType::String) {
    fn(std::string{});
  } else {
    visit_numeric(dt, fn);
  }
}

void write_int64s(KernelContext& ctx, int i, const std::vector<int64_t>& v) {
  if (ctx.output_count() <= i || !ctx.output_requested(i)) return;
  Tensor& t = ctx.allocate_output(i, DataType::Int64, {static_cast<int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.mutable_data<int64_t>());
}

class UniqueKernel : public OpKernel {
 public:
  explicit UniqueKernel(const ir::Node& node)
      : sorted_(node.get_int("sorted", 1) != 0), has_axis_(node.has("axis")), axis_(node.get_int("axis", 0)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!unique_supported(x.dtype())) unsupported_type(node, 0, x.dtype());
    const Shape in = has_axis_ ? x.shape() : Shape{x.size()};
    const int64_t axis = has_axis_ ? normalize_axis(axis_, static_cast<int64_t>(in.size()), node) : 0;
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= in[d];
    for (size_t d = axis + 1; d < in.size(); ++d) inner *= in[d];
    const int64_t n = in[axis];
    UniqueGroups g;
    visit_unique_type(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      g = group_slices<T>(x.data<T>(), outer, n, inner, sorted_);
    });
    const int64_t u = static_cast<int64_t>(g.first.size());
    Shape out = in;
    out[axis] = u;
    Tensor& y = ctx.allocate_output(0, x.dtype(), out);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < u; ++k) {
        copy_elements(x.dtype(), x.raw(), (o * n + g.first[k]) * inner, y.mutable_raw(), (o * u + k) * inner, inner);
      }
    }
    write_int64s(ctx, 1, g.first);
    write_int64s(ctx, 2, g.inverse);
    write_int64s(ctx, 3, g.counts);
  }

 private:
  bool sorted_;
  bool has_axis_;
  int64_t axis_;
};

std::unique_ptr<OpKernel> make_unique_kernel(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !unique_supported(dt)) unsupported_type(node, 0, dt);
  return std::make_unique<UniqueKernel>(node);
}

void infer_unique(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!ctx.node().has("axis")) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(1)));
  } else if (in.has_shape) {
    const int64_t axis = normalize_axis(ctx.node().get_int("axis", 0), static_cast<int64_t>(in.shape.size()), ctx.node());
    ir::SymShape out = in.shape;
    out[axis] = ir::Dim{};
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
  }
  for (int i = 1; i < ctx.output_count(); ++i) ctx.set_output_type(i, ir::TypeInfo::tensor(DataType::Int64, ir::SymShape(1)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Unique", 11, kMaxOpset, make_unique_kernel, infer_unique});

}  // namespace onyxrt::ops
