// Shared plumbing of the element-wise op families (unary math, activations, comparison, logic,
// bitwise, Pow, Mod, Clip, Where, variadic Max/Min/Sum/Mean): element-type sets checked at kernel
// creation, numpy broadcasting with errors naming the node, parallel map loops over raw storage
// types, and the matching shape inference.
#pragma once
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/ref/broadcast.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/common/type_propagation.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops {

// A set of element types, as a schema's type constraint lists them.
class DTypeSet {
 public:
  constexpr DTypeSet() = default;
  constexpr DTypeSet(std::initializer_list<DataType> types) {
    for (DataType t : types) bits_ |= bit(t);
  }
  constexpr DTypeSet operator|(DTypeSet o) const {
    DTypeSet s;
    s.bits_ = bits_ | o.bits_;
    return s;
  }
  constexpr bool contains(DataType t) const { return (bits_ & bit(t)) != 0; }

 private:
  static constexpr uint64_t bit(DataType t) { return uint64_t{1} << static_cast<int>(t); }
  uint64_t bits_ = 0;
};

inline constexpr DTypeSet kFloatTypes{DataType::Float, DataType::Double, DataType::Float16, DataType::BFloat16};
inline constexpr DTypeSet kSignedIntTypes{DataType::Int8, DataType::Int16, DataType::Int32, DataType::Int64};
inline constexpr DTypeSet kUnsignedIntTypes{DataType::UInt8, DataType::UInt16, DataType::UInt32, DataType::UInt64};
inline constexpr DTypeSet kIntTypes = kSignedIntTypes | kUnsignedIntTypes;
inline constexpr DTypeSet kNumericTypes = kFloatTypes | kIntTypes;
inline constexpr DTypeSet kBoolType{DataType::Bool};

// Storage types whose arithmetic happens in float (ComputeType), plus float and double.
template <typename T>
inline constexpr bool is_float_storage_v = std::is_floating_point_v<T> || std::is_same_v<T, kernels::Float16> ||
                                           std::is_same_v<T, kernels::BFloat16>;

// At kernel creation: raises NotImplemented when input i's inferred type is known and not in `allowed`.
inline void require_input_dtype(const ir::Node& node, int i, DTypeSet allowed) {
  if (!node.has_input(i)) return;
  const DataType dt = input_dtype(node, i);
  if (dt != DataType::Undefined && !allowed.contains(dt)) unsupported_type(node, i, dt);
}

// At creation: inputs [first, last) must share one type (when known); `last` < 0 means all inputs.
inline void require_same_input_dtype(const ir::Node& node, int first = 0, int last = -1) {
  if (last < 0) last = node.input_count();
  DataType seen = DataType::Undefined;
  for (int i = first; i < last; ++i) {
    if (!node.has_input(i)) continue;
    const DataType dt = input_dtype(node, i);
    if (dt == DataType::Undefined) continue;
    if (seen == DataType::Undefined) seen = dt;
    if (dt != seen) unsupported_type(node, i, dt);
  }
}

// At run time (types unknown at load): the tensor's dtype must be in `allowed`.
inline void check_tensor_dtype(const KernelContext& ctx, int i, const Tensor& t, DTypeSet allowed) {
  if (!allowed.contains(t.dtype())) unsupported_type(ctx.node(), i, t.dtype());
}

inline void check_same_dtype(const KernelContext& ctx, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": inputs " + a.describe() + " and " +
                                                b.describe() + " must have one element type");
  }
}

// The numpy-broadcast indexer over `shapes`; raises InvalidArgument naming the node when they clash.
inline kernels::ref::BroadcastIndexer broadcast_or_throw(const ir::Node& node, const std::vector<Shape>& shapes) {
  Shape out;
  if (!kernels::ref::broadcast_shape(shapes, out)) {
    std::string list;
    for (const Shape& s : shapes) list += (list.empty() ? "" : ", ") + shape_to_string(s);
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": input shapes " + list + " cannot be broadcast");
  }
  return kernels::ref::BroadcastIndexer(shapes);
}

// Opsets 1-6 of binary ops with broadcast=1: B's dims line up with A's starting at `axis`
// (INT64_MIN: as a suffix). Returns B's shape padded with 1s to A's rank.
Shape legacy_broadcast_shape(const Shape& a, const Shape& b, int64_t axis, const ir::Node& node);

// Opsets 1-6 of binary ops took `broadcast` and `axis` attributes instead of numpy broadcasting;
// without broadcast=1 the shapes had to match, which numpy broadcasting also accepts.
struct LegacyBroadcast {
  bool enabled = false;
  int64_t axis = INT64_MIN;
  static LegacyBroadcast of(const ir::Node& node) {
    if (node.opset >= 7) return {};
    return {node.get_int("broadcast", 0) != 0, node.get_int("axis", INT64_MIN)};
  }
};

// The indexer for a binary op's inputs, honouring the legacy attributes when set.
inline kernels::ref::BroadcastIndexer binary_broadcast(const ir::Node& node, const Shape& a, const Shape& b,
                                                       const LegacyBroadcast& legacy) {
  return broadcast_or_throw(node, {a, legacy.enabled ? legacy_broadcast_shape(a, b, legacy.axis, node) : b});
}

// y[i] = fn(x[i]) over raw storage types, in parallel blocks.
template <typename TIn, typename TOut, typename Fn>
void map_unary(KernelContext& ctx, const Tensor& x, Tensor& y, Fn fn) {
  const TIn* px = x.data<TIn>();
  TOut* py = y.mutable_data<TOut>();
  ThreadPool::parallel_for(ctx.thread_pool(), x.size(), 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) py[i] = fn(px[i]);
  });
}

// y = fn(a, b) broadcast by `bi` (built from {a.shape, b.shape}), over raw storage types.
template <typename TA, typename TB, typename TOut, typename Fn>
void map_binary(KernelContext& ctx, const kernels::ref::BroadcastIndexer& bi, const Tensor& a, const Tensor& b,
                Tensor& y, Fn fn) {
  if (bi.output_size() == 0) return;
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TOut* py = y.mutable_data<TOut>();
  ThreadPool::parallel_for(ctx.thread_pool(), bi.output_size(), 1 << 14, [&](int64_t begin, int64_t end) {
    bi.for_each_run(begin, end, [&](int64_t out, const int64_t* off, const int64_t* step, int64_t n) {
      const TA* ra = pa + off[0];
      const TB* rb = pb + off[1];
      TOut* ry = py + out;
      // One loop per run shape, with the repeated operand hoisted, so the compiler vectorizes each.
      if (step[0] == 1 && step[1] == 1) {
        for (int64_t i = 0; i < n; ++i) ry[i] = fn(ra[i], rb[i]);
      } else if (step[0] == 1 && step[1] == 0) {
        const TB sb = rb[0];
        for (int64_t i = 0; i < n; ++i) ry[i] = fn(ra[i], sb);
      } else if (step[0] == 0 && step[1] == 1) {
        const TA sa = ra[0];
        for (int64_t i = 0; i < n; ++i) ry[i] = fn(sa, rb[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) ry[i] = fn(ra[i * step[0]], rb[i * step[1]]);
      }
    });
  });
}

// Output 0 gets element type `elem` (Undefined: input 0's) and the broadcast of every present
// input's shape, symbolic dims kept; no shape when any input's shape is unknown.
inline void infer_broadcast_output(ir::InferenceContext& ctx, DataType elem) {
  if (elem == DataType::Undefined) {
    for (int i = 0; i < ctx.input_count() && elem == DataType::Undefined; ++i) {
      if (ctx.has_input(i)) elem = ctx.input_type(i).elem;
    }
  }
  bool known = true;
  ir::SymShape shape;
  bool first = true;
  for (int i = 0; i < ctx.input_count(); ++i) {
    if (!ctx.has_input(i)) continue;
    const ir::TypeInfo& t = ctx.input_type(i);
    if (!t.has_shape) {
      known = false;
      break;
    }
    shape = first ? t.shape : ir::broadcast_shapes(shape, t.shape, ctx);
    first = false;
  }
  ctx.set_output_type(0, tensor_type(elem, known && !first, std::move(shape)));
}

inline void infer_broadcast_same_type(ir::InferenceContext& ctx) { infer_broadcast_output(ctx, DataType::Undefined); }
inline void infer_broadcast_bool(ir::InferenceContext& ctx) { infer_broadcast_output(ctx, DataType::Bool); }

// Output 0 is shaped like input 0 with element type `elem`.
inline void infer_like_input0(ir::InferenceContext& ctx, DataType elem) {
  const ir::TypeInfo& t = ctx.input_type(0);
  ctx.set_output_type(0, tensor_type(elem, t.has_shape, t.shape));
}
inline void infer_bool_like_input0(ir::InferenceContext& ctx) { infer_like_input0(ctx, DataType::Bool); }

// Opsets 1-6 of binary ops: legacy broadcasting never changes A's shape.
inline void infer_legacy_binary(ir::InferenceContext& ctx, DataType elem) {
  infer_like_input0(ctx, elem == DataType::Undefined ? ctx.input_type(0).elem : elem);
}

}  // namespace onyxrt::ops
