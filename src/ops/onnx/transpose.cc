// Transpose: out.shape[i] = in.shape[perm[i]]; perm defaults to the reversed axes.
#include <string>

#include "kernels/ref/transpose.h"
#include "kernels/transpose_blocked.h"
#include "ops/common/dtype_dispatch.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

std::vector<int64_t> resolve_perm(const ir::Node& node, int64_t rank) {
  std::vector<int64_t> perm = node.get_ints("perm");
  if (!node.has("perm")) {
    for (int64_t d = rank - 1; d >= 0; --d) perm.push_back(d);
    return perm;
  }
  std::vector<bool> seen(rank, false);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t& p : perm) {
    if (!valid) break;
    if (p < 0) p += rank;  // onnxruntime accepts negative entries
    valid = p >= 0 && p < rank && !seen[p];
    if (valid) seen[p] = true;
  }
  if (!valid) {
    std::string list;
    for (int64_t p : node.get_ints("perm")) {
      if (!list.empty()) list += ',';
      list += std::to_string(p);
    }
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": perm (" + list +
                                                ") is not a permutation of the axes of a rank-" +
                                                std::to_string(rank) + " input");
  }
  return perm;
}

class TransposeKernel : public OpKernel {
 public:
  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const int64_t rank = static_cast<int64_t>(x.rank());
    const std::vector<int64_t> perm = resolve_perm(ctx.node(), rank);
    Shape out_shape(rank);
    for (int64_t i = 0; i < rank; ++i) out_shape[i] = x.shape()[perm[i]];
    Tensor& y = ctx.allocate_output_uninitialized(0, x.dtype(), out_shape);
    if (y.size() == 0) return;
    const kernels::ref::TransposePlan plan = kernels::ref::plan_transpose(x.shape(), perm);
    if (x.dtype() != DataType::String && dtype_bits(x.dtype()) % 8 == 0 && dtype_bits(x.dtype()) > 0) {
      kernels::transpose_blocked(plan, x.raw(), y.mutable_raw(), static_cast<int>(dtype_bits(x.dtype()) / 8),
                                 ctx.thread_pool());
      return;
    }
    const bool handled = visit_by_element_width(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      T* out = y.mutable_data<T>();
      ThreadPool::parallel_for(ctx.thread_pool(), plan.size, 1 << 14, [&](int64_t begin, int64_t end) {
        kernels::ref::transpose_range(in, out, plan, begin, end);
      });
    });
    if (!handled) unsupported_type(ctx.node(), 0, x.dtype());
  }
};

std::unique_ptr<OpKernel> make_transpose(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !visit_by_element_width(dt, [](auto) {})) unsupported_type(node, 0, dt);
  return std::make_unique<TransposeKernel>();
}

void infer_transpose(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  if (!in.has_shape) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const std::vector<int64_t> perm = resolve_perm(ctx.node(), static_cast<int64_t>(in.shape.size()));
  ir::SymShape out;
  for (int64_t p : perm) out.push_back(in.shape[p]);
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Transpose", 1, kMaxOpset, make_transpose, infer_transpose});

}  // namespace onyxrt::ops
