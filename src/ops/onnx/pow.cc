// Pow: X ** Y with numpy broadcasting (legacy broadcast/axis attributes in opsets 1-6). From
// opset 12 the exponent may have another type than the base (T1); the output has the base's type.
// float16/bfloat16 compute in float; an integer base with an integer exponent is computed exactly
// (wrapping on overflow), with a float exponent through double and truncated back, as
// onnxruntime's static_cast<T>(std::pow(x, y)) does.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/binary_f32.h"
#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

constexpr DTypeSet kBaseTypes = kFloatTypes | DTypeSet{DataType::Int32, DataType::Int64};
constexpr DTypeSet kExponentTypes = kNumericTypes;

// b ** e for integers; a negative exponent gives the truncated fraction (0 unless |b| is 1).
template <typename B, typename E>
B integer_pow(B b, E e) {
  using U = std::make_unsigned_t<B>;
  if constexpr (std::is_signed_v<E>) {
    if (e < 0) {
      if (b == 1) return 1;
      if (b == -1) return (e % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  U result = 1, base = static_cast<U>(b);
  for (auto n = static_cast<std::make_unsigned_t<E>>(e); n != 0; n >>= 1) {
    if (n & 1u) result = static_cast<U>(result * base);
    base = static_cast<U>(base * base);
  }
  return static_cast<B>(result);
}

template <typename TB, typename TE>
void run_pow(KernelContext& ctx, const kernels::ref::BroadcastIndexer& bi, const Tensor& x, const Tensor& y,
             Tensor& z) {
  using CB = ComputeType<TB>;
  using CE = ComputeType<TE>;
  if constexpr (is_float_storage_v<TB>) {
    using C = typename CB::type;
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) {
      return CB::store(std::pow(CB::load(b), static_cast<C>(CE::load(e))));
    });
  } else if constexpr (is_float_storage_v<TE>) {
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) {
      return static_cast<TB>(std::pow(static_cast<double>(b), static_cast<double>(CE::load(e))));
    });
  } else {
    map_binary<TB, TE, TB>(ctx, bi, x, y, z, [](TB b, TE e) { return integer_pow(b, e); });
  }
}

// A float base with one exponent value for every element: returns false unless that value has a
// fast form. 2 and 3 are the products onnxruntime computes (x*x, x*x*x: the tanh GELU's cube);
// 1 is a copy; 0.5 is sqrt, with pow's values at -0 (+0) and -inf (+inf) kept.
bool pow_f32_constant_exponent(KernelContext& ctx, const Tensor& x, const Tensor& e, Tensor& z) {
  if (x.dtype() != DataType::Float || e.size() != 1 || z.size() != x.size()) return false;
  double ev = 0;
  if (!visit_numeric(e.dtype(), [&](auto tag) {
        using TE = decltype(tag);
        if constexpr (!std::is_same_v<TE, bool>) ev = static_cast<double>(ComputeType<TE>::load(e.data<TE>()[0]));
      }))
    return false;
  const float* px = x.data<float>();
  float* pz = z.mutable_data<float>();
  const kernels::BinaryF32Variant& v = kernels::binary_f32_selected();
  auto run = [&](auto fn) {
    ThreadPool::parallel_for(ctx.thread_pool(), x.size(), kernels::kBinaryF32MinBlock,
                             [&](int64_t begin, int64_t end) { fn(px + begin, pz + begin, end - begin); });
  };
  if (ev == 2.0) {
    run(v.square);
  } else if (ev == 3.0) {
    run(v.cube);
  } else if (ev == 1.0) {
    run([](const float* in, float* out, int64_t n) { std::copy(in, in + n, out); });
  } else if (ev == 0.5) {
    run([](const float* in, float* out, int64_t n) {
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] == -INFINITY ? INFINITY : std::sqrt(in[i]) + 0.0f;
    });
  } else {
    return false;
  }
  return true;
}

class PowKernel : public OpKernel {
 public:
  explicit PowKernel(LegacyBroadcast legacy) : legacy_(legacy) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const Tensor& y = ctx.required_input(1);
    check_tensor_dtype(ctx, 0, x, kBaseTypes);
    check_tensor_dtype(ctx, 1, y, kExponentTypes);
    const auto bi = binary_broadcast(ctx.node(), x.shape(), y.shape(), legacy_);
    Tensor& z = ctx.allocate_output(0, x.dtype(), bi.output_shape());
    if (z.size() == 0 || pow_f32_constant_exponent(ctx, x, y, z)) return;
    visit_numeric(x.dtype(), [&](auto base_tag) {
      using TB = decltype(base_tag);
      if constexpr (is_float_storage_v<TB> || std::is_same_v<TB, int32_t> || std::is_same_v<TB, int64_t>) {
        visit_numeric(y.dtype(), [&](auto exp_tag) {
          using TE = decltype(exp_tag);
          if constexpr (!std::is_same_v<TE, bool>) run_pow<TB, TE>(ctx, bi, x, y, z);
        });
      }
    });
  }

 private:
  LegacyBroadcast legacy_;
};

std::unique_ptr<OpKernel> make_pow(const ir::Node& node) {
  require_input_dtype(node, 0, kBaseTypes);
  require_input_dtype(node, 1, kExponentTypes);
  if (node.opset < 12) require_same_input_dtype(node);  // T1 appeared in opset 12
  return std::make_unique<PowKernel>(LegacyBroadcast::of(node));
}

void infer_pow_legacy(ir::InferenceContext& ctx) { infer_legacy_binary(ctx, DataType::Undefined); }

}  // namespace

ONYXRT_REGISTER_OP({"", "Pow", 1, 6, make_pow, infer_pow_legacy});
ONYXRT_REGISTER_OP({"", "Pow", 7, kMaxOpset, make_pow, infer_broadcast_same_type});

}  // namespace onyxrt::ops
