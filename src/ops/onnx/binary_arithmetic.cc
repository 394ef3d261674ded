// Add, Sub, Mul, Div with numpy broadcasting (opset 7+) and the legacy `broadcast`/`axis`
// attributes of opsets 1-6, where B is aligned to A starting at `axis`.
#include <climits>
#include <string>
#include <type_traits>

#include "kernels/binary_f32.h"
#include "kernels/ref/broadcast.h"
#include "ops/common/axes.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

// Numbered as kernels::BinaryF32Op.
enum class BinaryOp { Add = 0, Sub = 1, Mul = 2, Div = 3 };

// Signed integer overflow is undefined in C++; ONNX runtimes wrap, so compute in unsigned.
template <typename T>
using WrapType = std::conditional_t<std::is_integral_v<T> && std::is_signed_v<T>, std::make_unsigned_t<T>, T>;

template <BinaryOp Op, typename C>
C apply(C a, C b, const ir::Node& node) {
  if constexpr (std::is_integral_v<C>) {
    using U = WrapType<C>;
    if constexpr (Op == BinaryOp::Add) return static_cast<C>(static_cast<U>(a) + static_cast<U>(b));
    if constexpr (Op == BinaryOp::Sub) return static_cast<C>(static_cast<U>(a) - static_cast<U>(b));
    if constexpr (Op == BinaryOp::Mul) return static_cast<C>(static_cast<U>(a) * static_cast<U>(b));
    if constexpr (Op == BinaryOp::Div) {
      if (b == 0) throw_error(ErrorCode::RuntimeException, node.describe() + ": integer division by zero");
      // MIN / -1 overflows (and traps on x86); the wrapped result is -a.
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return static_cast<C>(U{0} - static_cast<U>(a));
      }
      return static_cast<C>(a / b);  // C++ truncates toward zero, as onnxruntime does
    }
  } else {
    if constexpr (Op == BinaryOp::Add) return a + b;
    if constexpr (Op == BinaryOp::Sub) return a - b;
    if constexpr (Op == BinaryOp::Mul) return a * b;
    if constexpr (Op == BinaryOp::Div) return a / b;
  }
}

template <typename T, BinaryOp Op>
void run_binary(const Tensor& a, const Tensor& b, Tensor& y, const kernels::ref::BroadcastIndexer& bi,
                KernelContext& ctx) {
  using CT = ComputeType<T>;
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* py = y.mutable_data<T>();
  const ir::Node& node = ctx.node();
  ThreadPool::parallel_for(ctx.thread_pool(), bi.output_size(), 1 << 15, [&](int64_t begin, int64_t end) {
    bi.for_each_run(begin, end, [&](int64_t out, const int64_t* off, const int64_t* step, int64_t n) {
      const T* ra = pa + off[0];
      const T* rb = pb + off[1];
      T* ry = py + out;
      if (step[0] == 1 && step[1] == 1) {
        for (int64_t i = 0; i < n; ++i) ry[i] = CT::store(apply<Op>(CT::load(ra[i]), CT::load(rb[i]), node));
      } else {
        for (int64_t i = 0; i < n; ++i)
          ry[i] = CT::store(apply<Op>(CT::load(ra[i * step[0]]), CT::load(rb[i * step[1]]), node));
      }
    });
  });
}

// Float goes through the SIMD run kernels chosen from the CPU (kernels/binary_f32.h).
void run_binary_f32(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& y, const kernels::ref::BroadcastIndexer& bi,
                    KernelContext& ctx) {
  const kernels::BinaryF32Variant& v = kernels::binary_f32_selected();
  const auto kop = static_cast<kernels::BinaryF32Op>(static_cast<int>(op));
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* py = y.mutable_data<float>();
  ThreadPool::parallel_for(ctx.thread_pool(), bi.output_size(), kernels::kBinaryF32MinBlock,
                           [&](int64_t begin, int64_t end) {
                             kernels::binary_f32_range(v, kop, bi, pa, pb, py, begin, end);
                           });
}

bool is_arithmetic_type(DataType dt) { return dt != DataType::Bool && visit_numeric(dt, [](auto) {}); }

class BinaryArithmeticKernel : public OpKernel {
 public:
  BinaryArithmeticKernel(BinaryOp op, bool legacy_broadcast, int64_t legacy_axis)
      : op_(op), legacy_broadcast_(legacy_broadcast), legacy_axis_(legacy_axis) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.required_input(0);
    const Tensor& b = ctx.required_input(1);
    const DataType dtype = a.dtype();
    if (b.dtype() != dtype || !is_arithmetic_type(dtype)) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": inputs " + a.describe() + " and " +
                                                  b.describe() + " must be of one numeric type");
    }
    const Shape b_shape = legacy_broadcast_ ? legacy_b_shape(a.shape(), b.shape(), ctx.node()) : b.shape();
    Shape out_shape;
    if (!kernels::ref::broadcast_shape({a.shape(), b_shape}, out_shape)) {
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": shapes " + shape_to_string(a.shape()) +
                                                  " and " + shape_to_string(b.shape()) + " cannot be broadcast");
    }
    kernels::ref::BroadcastIndexer bi({a.shape(), b_shape});
    Tensor& y = ctx.allocate_output_uninitialized(0, dtype, bi.output_shape());
    if (bi.output_size() == 0) return;
    if (dtype == DataType::Float) return run_binary_f32(op_, a, b, y, bi, ctx);
    visit_numeric(dtype, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, bool>) {
        switch (op_) {
          case BinaryOp::Add: run_binary<T, BinaryOp::Add>(a, b, y, bi, ctx); break;
          case BinaryOp::Sub: run_binary<T, BinaryOp::Sub>(a, b, y, bi, ctx); break;
          case BinaryOp::Mul: run_binary<T, BinaryOp::Mul>(a, b, y, bi, ctx); break;
          case BinaryOp::Div: run_binary<T, BinaryOp::Div>(a, b, y, bi, ctx); break;
        }
      }
    });
  }

 private:
  // Opsets 1-6 with broadcast=1: B's dims line up with A's starting at `axis` (default: suffix).
  Shape legacy_b_shape(const Shape& a, const Shape& b, const ir::Node& node) const {
    const int64_t ra = static_cast<int64_t>(a.size());
    const int64_t rb = static_cast<int64_t>(b.size());
    int64_t axis = legacy_axis_ == INT64_MIN ? ra - rb : legacy_axis_;
    if (axis < 0) axis += ra;
    if (axis < 0 || axis + rb > ra) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": B " + shape_to_string(b) +
                                                  " does not fit into A " + shape_to_string(a) + " at axis " +
                                                  std::to_string(legacy_axis_));
    }
    Shape out(static_cast<size_t>(ra), 1);
    for (int64_t d = 0; d < rb; ++d) out[axis + d] = b[d];
    return out;
  }

  BinaryOp op_;
  bool legacy_broadcast_;
  int64_t legacy_axis_;
};

// Types unknown at load (Undefined) are checked when the kernel runs.
void check_binary_types(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !is_arithmetic_type(dt)) unsupported_type(node, 0, dt);
  const DataType dt1 = input_dtype(node, 1);
  if (dt1 != DataType::Undefined && dt != DataType::Undefined && dt1 != dt) unsupported_type(node, 1, dt1);
}

template <BinaryOp Op>
std::unique_ptr<OpKernel> make_binary(const ir::Node& node) {
  check_binary_types(node);
  return std::make_unique<BinaryArithmeticKernel>(Op, false, 0);
}

template <BinaryOp Op>
std::unique_ptr<OpKernel> make_binary_legacy(const ir::Node& node) {
  check_binary_types(node);
  const bool broadcast = node.get_int("broadcast", 0) != 0;
  return std::make_unique<BinaryArithmeticKernel>(Op, broadcast, node.get_int("axis", INT64_MIN));
}

void infer_binary(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(0);
  const ir::TypeInfo& b = ctx.input_type(1);
  const DataType elem = a.elem != DataType::Undefined ? a.elem : b.elem;
  if (a.has_shape && b.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem, ir::broadcast_shapes(a.shape, b.shape, ctx)));
  } else {
    ctx.set_output_type(0, ir::TypeInfo::tensor(elem));
  }
}

// Legacy broadcasting never changes A's shape; without it the shapes must match.
void infer_binary_legacy(ir::InferenceContext& ctx) {
  const ir::TypeInfo& a = ctx.input_type(0);
  ir::TypeInfo out = ir::TypeInfo::tensor(a.elem);
  if (a.has_shape) out = ir::TypeInfo::tensor(a.elem, a.shape);
  ctx.set_output_type(0, out);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Add", 1, 6, make_binary_legacy<BinaryOp::Add>, infer_binary_legacy});
ONYXRT_REGISTER_OP({"", "Add", 7, kMaxOpset, make_binary<BinaryOp::Add>, infer_binary});
ONYXRT_REGISTER_OP({"", "Sub", 1, 6, make_binary_legacy<BinaryOp::Sub>, infer_binary_legacy});
ONYXRT_REGISTER_OP({"", "Sub", 7, kMaxOpset, make_binary<BinaryOp::Sub>, infer_binary});
ONYXRT_REGISTER_OP({"", "Mul", 1, 6, make_binary_legacy<BinaryOp::Mul>, infer_binary_legacy});
ONYXRT_REGISTER_OP({"", "Mul", 7, kMaxOpset, make_binary<BinaryOp::Mul>, infer_binary});
ONYXRT_REGISTER_OP({"", "Div", 1, 6, make_binary_legacy<BinaryOp::Div>, infer_binary_legacy});
ONYXRT_REGISTER_OP({"", "Div", 7, kMaxOpset, make_binary<BinaryOp::Div>, infer_binary});

}  // namespace onyxrt::ops
