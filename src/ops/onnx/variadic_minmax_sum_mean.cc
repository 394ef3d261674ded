// Max, Min, Sum, Mean over one or more inputs with numpy broadcasting (opset 8+; earlier opsets
// required equal shapes, which broadcasting accepts too). Max/Min propagate NaN as numpy.maximum
// and onnxruntime do. float16/bfloat16 accumulate in float and round once at the end.
#include <cmath>
#include <type_traits>
#include <vector>

#include "ops/common/elementwise.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

enum class Fold { Max, Min, Sum, Mean };

constexpr DTypeSet allowed_types(Fold f) { return f == Fold::Max || f == Fold::Min ? kNumericTypes : kFloatTypes; }

template <typename C>
bool is_nan(C v) {
  if constexpr (std::is_floating_point_v<C>) return std::isnan(v);
  return false;
}

template <Fold F, typename C>
C combine(C acc, C v) {
  if constexpr (F == Fold::Max) return (acc > v || is_nan(acc)) ? acc : v;
  if constexpr (F == Fold::Min) return (acc < v || is_nan(acc)) ? acc : v;
  return acc + v;
}

template <Fold F, typename T>
void run_fold(KernelContext& ctx, const std::vector<const Tensor*>& ins, const kernels::ref::BroadcastIndexer& bi,
              Tensor& y) {
  using CT = ComputeType<T>;
  using C = typename CT::type;
  std::vector<const T*> src;
  for (const Tensor* t : ins) src.push_back(t->data<T>());
  T* py = y.mutable_data<T>();
  const size_t n_in = src.size();
  ThreadPool::parallel_for(ctx.thread_pool(), bi.output_size(), 1 << 14, [&](int64_t begin, int64_t end) {
    bi.for_each_run(begin, end, [&](int64_t out, const int64_t* off, const int64_t* step, int64_t n) {
      if constexpr (std::is_same_v<T, C>) {
        // Every input contiguous along the run (equal shapes: ShuffleNet's Sum): fold one input
        // at a time into y, in the same order as below, so the loops vectorize.
        bool contiguous = true;
        for (size_t k = 0; k < n_in; ++k) contiguous = contiguous && step[k] == 1;
        if (contiguous) {
          T* yo = py + out;
          const T* s0 = src[0] + off[0];
          for (int64_t i = 0; i < n; ++i) yo[i] = s0[i];
          for (size_t k = 1; k < n_in; ++k) {
            const T* sk = src[k] + off[k];
            for (int64_t i = 0; i < n; ++i) yo[i] = combine<F>(yo[i], sk[i]);
          }
          if constexpr (F == Fold::Mean)
            for (int64_t i = 0; i < n; ++i) yo[i] = yo[i] / static_cast<C>(n_in);
          return;
        }
      }
      for (int64_t i = 0; i < n; ++i) {
        C acc = CT::load(src[0][off[0] + i * step[0]]);
        for (size_t k = 1; k < n_in; ++k) acc = combine<F>(acc, CT::load(src[k][off[k] + i * step[k]]));
        if constexpr (F == Fold::Mean) acc = acc / static_cast<C>(n_in);
        py[out + i] = CT::store(acc);
      }
    });
  });
}

template <Fold F>
class FoldKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    std::vector<const Tensor*> ins;
    std::vector<Shape> shapes;
    for (int i = 0; i < ctx.input_count(); ++i) {
      const Tensor& t = ctx.required_input(i);
      check_tensor_dtype(ctx, i, t, allowed_types(F));
      if (!ins.empty()) check_same_dtype(ctx, *ins[0], t);
      ins.push_back(&t);
      shapes.push_back(t.shape());
    }
    if (ins.empty()) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": needs at least one input");
    const auto bi = broadcast_or_throw(ctx.node(), shapes);
    Tensor& y = ctx.allocate_output_uninitialized(0, ins[0]->dtype(), bi.output_shape());  // every element written
    if (bi.output_size() == 0) return;
    visit_numeric(ins[0]->dtype(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, bool>) run_fold<F, T>(ctx, ins, bi, y);
    });
  }
};

template <Fold F>
std::unique_ptr<OpKernel> make_fold(const ir::Node& node) {
  if (node.input_count() == 0) throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs at least one input");
  for (int i = 0; i < node.input_count(); ++i) require_input_dtype(node, i, allowed_types(F));
  require_same_input_dtype(node);
  return std::make_unique<FoldKernel<F>>();
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Max", 1, kMaxOpset, make_fold<Fold::Max>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "Min", 1, kMaxOpset, make_fold<Fold::Min>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "Sum", 1, kMaxOpset, make_fold<Fold::Sum>, infer_broadcast_same_type});
ONYXRT_REGISTER_OP({"", "Mean", 1, kMaxOpset, make_fold<Fold::Mean>, infer_broadcast_same_type});

}  // namespace onyxrt::ops
