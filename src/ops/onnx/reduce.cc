// The Reduce family (ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
// ReduceLogSum, ReduceLogSumExp, ReduceSumSquare). `axes` is an attribute until opset 12 (ReduceSum)
// or 17 (the others) and an optional input afterwards, where `noop_with_empty_axes` makes a missing
// or empty axes list mean "return the input" instead of "reduce every axis". Reducing an empty set
// gives the operation's identity (0 for sums, 1 for Prod, -inf for Max/LogSum/LogSumExp, +inf for
// Min, NaN for Mean), as the ONNX reference does. NaN propagates through Max and Min. Values are accumulated in double for floating types and in
// 64-bit integers for integer types, so int64 sums stay exact.
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

// Accumulator of element type T: double for floats, int64/uint64 for integers and bool.
template <typename T>
using AccOf = std::conditional_t<std::is_floating_point_v<T> || std::is_same_v<T, kernels::Float16> ||
                                     std::is_same_v<T, kernels::BFloat16>,
                                 double, std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>, uint64_t, int64_t>>;

template <typename T>
AccOf<T> load_acc(T v) {
  return static_cast<AccOf<T>>(ComputeType<T>::load(v));
}

template <typename T, typename A>
T store_acc(A v) {
  if constexpr (std::is_same_v<T, kernels::Float16> || std::is_same_v<T, kernels::BFloat16>) {
    return ComputeType<T>::store(static_cast<float>(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else {
    return static_cast<T>(v);
  }
}

template <typename A>
A lowest_of() {
  if constexpr (std::is_floating_point_v<A>) return -std::numeric_limits<A>::infinity();
  return std::numeric_limits<A>::lowest();
}
template <typename A>
A highest_of() {
  if constexpr (std::is_floating_point_v<A>) return std::numeric_limits<A>::infinity();
  return std::numeric_limits<A>::max();
}

// Identity of Max/Min. For bool (accumulated as int64) they are false and true.
template <typename T, typename A>
A max_identity() {
  if constexpr (std::is_same_v<T, bool>) {
    return A(0);
  } else {
    return lowest_of<A>();
  }
}
template <typename T, typename A>
A min_identity() {
  if constexpr (std::is_same_v<T, bool>) {
    return A(1);
  } else {
    return highest_of<A>();
  }
}

struct ReducePlan {
  Shape kept_shape;              // input shape with reduced dims set to 1
  Shape out_shape;               // kept_shape, or without the reduced dims when keepdims = 0
  std::vector<int64_t> out_strides_per_in_dim;  // output stride for each input dim (0 if reduced)
  int64_t reduced_count = 1;     // elements folded into each output
};

ReducePlan plan_reduce(const Shape& in, std::vector<int64_t> axes, bool keepdims, bool noop, const ir::Node& node) {
  ReducePlan p;
  const int64_t rank = static_cast<int64_t>(in.size());
  // noop_with_empty_axes reduces over no axis: every output is its one input element passed
  // through the op's element-wise part (|x| for L1, x^2 for SumSquare...), as the ONNX reference does.
  std::vector<bool> reduced(rank, axes.empty() && !noop);
  for (int64_t a : normalize_axes(axes, rank, node)) reduced[a] = true;
  p.kept_shape = in;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d]) continue;
    p.reduced_count *= in[d];
    p.kept_shape[d] = 1;
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (keepdims || !reduced[d]) p.out_shape.push_back(p.kept_shape[d]);
  }
  p.out_strides_per_in_dim.assign(rank, 0);
  int64_t stride = 1;
  for (int64_t d = rank; d-- > 0;) {
    if (!reduced[d]) {
      p.out_strides_per_in_dim[d] = stride;
      stride *= in[d];
    }
  }
  return p;
}

// Calls fn(in_index, out_index) for every input element in row-major order.
template <typename Fn>
void for_each_input(const Shape& in, const std::vector<int64_t>& out_strides, Fn&& fn) {
  const int64_t total = shape_size(in);
  if (total == 0) return;
  const size_t rank = in.size();
  std::vector<int64_t> idx(rank, 0);
  int64_t out = 0;
  for (int64_t i = 0; i < total; ++i) {
    fn(i, out);
    for (size_t d = rank; d-- > 0;) {
      ++idx[d];
      out += out_strides[d];
      if (idx[d] < in[d]) break;
      out -= idx[d] * out_strides[d];
      idx[d] = 0;
    }
  }
}

template <typename T>
void reduce_typed(ReduceKind kind, const Tensor& x, const ReducePlan& p, Tensor& y) {
  using A = AccOf<T>;
  const T* xs = x.data<T>();
  const int64_t n_out = shape_size(p.out_shape);
  std::vector<A> acc(static_cast<size_t>(n_out));
  std::vector<A> shift;  // per-output max for LogSumExp
  const Shape& in = x.shape();
  const auto& st = p.out_strides_per_in_dim;
  auto fill = [&](A v) { std::fill(acc.begin(), acc.end(), v); };
  switch (kind) {
    case ReduceKind::Max:
      fill(max_identity<T, A>());
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        const A v = load_acc(xs[i]);
        if (v > acc[o] || v != v) acc[o] = (acc[o] != acc[o]) ? acc[o] : v;  // NaN wins and stays
      });
      break;
    case ReduceKind::Min:
      fill(min_identity<T, A>());
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        const A v = load_acc(xs[i]);
        if (v < acc[o] || v != v) acc[o] = (acc[o] != acc[o]) ? acc[o] : v;
      });
      break;
    case ReduceKind::Prod:
      fill(A(1));
      for_each_input(in, st, [&](int64_t i, int64_t o) { acc[o] *= load_acc(xs[i]); });
      break;
    case ReduceKind::L1:
      fill(A(0));
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        const A v = load_acc(xs[i]);
        if constexpr (std::is_unsigned_v<A>) {
          acc[o] += v;
        } else {
          acc[o] += v < 0 ? A(-v) : v;
        }
      });
      break;
    case ReduceKind::L2:
    case ReduceKind::SumSquare:
      fill(A(0));
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        const A v = load_acc(xs[i]);
        acc[o] += v * v;
      });
      break;
    case ReduceKind::LogSumExp:
      shift.assign(acc.size(), lowest_of<A>());
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        const A v = load_acc(xs[i]);
        if (v > shift[o]) shift[o] = v;
      });
      // Shifting by the max keeps exp() from overflowing; an infinite max shifts by nothing.
      for (auto& s : shift) {
        if (!std::isfinite(static_cast<double>(s))) s = 0;
      }
      fill(A(0));
      for_each_input(in, st, [&](int64_t i, int64_t o) {
        acc[o] += static_cast<A>(std::exp(static_cast<double>(load_acc(xs[i])) - static_cast<double>(shift[o])));
      });
      break;
    default:
      fill(A(0));
      for_each_input(in, st, [&](int64_t i, int64_t o) { acc[o] += load_acc(xs[i]); });
      break;
  }
  T* ys = y.mutable_data<T>();
  const double count = static_cast<double>(p.reduced_count);
  for (int64_t o = 0; o < n_out; ++o) {
    const A a = acc[o];
    switch (kind) {
      case ReduceKind::Mean:
        if constexpr (std::is_floating_point_v<A>) {
          ys[o] = store_acc<T>(a / count);
        } else {
          ys[o] = store_acc<T>(p.reduced_count == 0 ? A(0) : A(a / static_cast<A>(p.reduced_count)));
        }
        break;
      case ReduceKind::L2: ys[o] = store_acc<T>(std::sqrt(static_cast<double>(a))); break;
      case ReduceKind::LogSum: ys[o] = store_acc<T>(std::log(static_cast<double>(a))); break;
      case ReduceKind::LogSumExp:
        ys[o] = store_acc<T>(std::log(static_cast<double>(a)) + static_cast<double>(shift[o]));
        break;
      default: ys[o] = store_acc<T>(a); break;
    }
  }
}

// The opset from which `axes` is an input rather than an attribute.
int axes_input_since(ReduceKind kind) { return kind == ReduceKind::Sum ? 13 : 18; }

bool supports(ReduceKind kind, DataType dt) {
  if (dt == DataType::Bool) return kind == ReduceKind::Max || kind == ReduceKind::Min;
  bool numeric = false;
  visit_numeric(dt, [&](auto) { numeric = true; });
  return numeric;
}

class ReduceKernel : public OpKernel {
 public:
  ReduceKernel(ReduceKind kind, const ir::Node& node)
      : kind_(kind),
        axes_is_input_(node.opset >= axes_input_since(kind)),
        keepdims_(node.get_int("keepdims", 1) != 0),
        noop_(axes_is_input_ && node.get_int("noop_with_empty_axes", 0) != 0),
        attr_axes_(node.get_ints("axes")) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& x = ctx.required_input(0);
    if (!supports(kind_, x.dtype())) unsupported_type(node, 0, x.dtype());
    std::vector<int64_t> axes = attr_axes_;
    if (axes_is_input_) {
      const Tensor* a = ctx.input(1);
      axes = a ? tensor_to_int64s(*a, node, "axes") : std::vector<int64_t>{};
    }
    const ReducePlan p = plan_reduce(x.shape(), axes, keepdims_, noop_, node);
    Tensor& y = ctx.allocate_output(0, x.dtype(), p.out_shape);
    visit_numeric(x.dtype(), [&](auto tag) { reduce_typed<decltype(tag)>(kind_, x, p, y); });
  }

 private:
  ReduceKind kind_;
  bool axes_is_input_;
  bool keepdims_;
  bool noop_;
  std::vector<int64_t> attr_axes_;
};

template <ReduceKind K>
std::unique_ptr<OpKernel> make_reduce(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !supports(K, dt)) unsupported_type(node, 0, dt);
  return std::make_unique<ReduceKernel>(K, node);
}

template <ReduceKind K>
void infer_reduce(ir::InferenceContext& ctx) {
  const ir::Node& node = ctx.node();
  const ir::TypeInfo& in = ctx.input_type(0);
  const bool axes_is_input = node.opset >= axes_input_since(K);
  const bool keepdims = node.get_int("keepdims", 1) != 0;
  std::vector<int64_t> axes = node.get_ints("axes");
  if (axes_is_input && ctx.has_input(1)) {
    const Tensor* a = ctx.input_constant(1);
    if (a == nullptr) {
      // Unknown axes: only the rank is known, and only when dims are kept.
      if (keepdims && in.has_shape) {
        ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, ir::SymShape(in.shape.size())));
      } else {
        ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
      }
      return;
    }
    axes = tensor_to_int64s(*a, node, "axes");
  } else if (axes_is_input) {
    axes.clear();
  }
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  if (axes.empty() && axes_is_input && node.get_int("noop_with_empty_axes", 0) != 0) {
    ctx.set_output_type(0, in);
    return;
  }
  std::vector<bool> reduced(rank, axes.empty());
  for (int64_t a : normalize_axes(axes, rank, node)) reduced[a] = true;
  ir::SymShape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out.push_back(in.shape[d]);
    } else if (keepdims) {
      out.push_back(ir::Dim::of(1));
    }
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

#define ONYXRT_REDUCE_OP(NAME, KIND, AXES_INPUT_SINCE)                                                       \
  ONYXRT_REGISTER_OP({"", NAME, 1, AXES_INPUT_SINCE - 1, make_reduce<ReduceKind::KIND>,                      \
                      infer_reduce<ReduceKind::KIND>});                                                      \
  ONYXRT_REGISTER_OP({"", NAME, AXES_INPUT_SINCE, kMaxOpset, make_reduce<ReduceKind::KIND>,                  \
                      infer_reduce<ReduceKind::KIND>})

}  // namespace

ONYXRT_REDUCE_OP("ReduceSum", Sum, 13);
ONYXRT_REDUCE_OP("ReduceMean", Mean, 18);
ONYXRT_REDUCE_OP("ReduceMax", Max, 18);
ONYXRT_REDUCE_OP("ReduceMin", Min, 18);
ONYXRT_REDUCE_OP("ReduceProd", Prod, 18);
ONYXRT_REDUCE_OP("ReduceL1", L1, 18);
ONYXRT_REDUCE_OP("ReduceL2", L2, 18);
ONYXRT_REDUCE_OP("ReduceLogSum", LogSum, 18);
ONYXRT_REDUCE_OP("ReduceLogSumExp", LogSumExp, 18);
ONYXRT_REDUCE_OP("ReduceSumSquare", SumSquare, 18);

}  // namespace onyxrt::ops
