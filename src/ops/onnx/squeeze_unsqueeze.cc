// Squeeze and Unsqueeze: remove or insert dims of extent 1. Both return a view of the input.
// `axes` is an attribute up to opset 12 and an input from opset 13 (optional for Squeeze, where
// leaving it out removes every dim of extent 1).
#include <algorithm>
#include <optional>
#include <string>

#include "ops/common/axes.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

// The axes if this node has them: from the attribute (opset < 13) or from input 1.
std::optional<std::vector<int64_t>> kernel_axes(const ir::Node& node, KernelContext& ctx, bool axes_is_input) {
  if (!axes_is_input) {
    if (!node.has("axes")) return std::nullopt;
    return node.get_ints("axes");
  }
  const Tensor* t = ctx.input(1);
  if (t == nullptr) return std::nullopt;
  return tensor_to_int64s(*t, node, "axes");
}

std::optional<std::vector<int64_t>> inferred_axes(ir::InferenceContext& ctx, bool axes_is_input, bool* known) {
  *known = true;
  if (!axes_is_input) {
    if (!ctx.node().has("axes")) return std::nullopt;
    return ctx.node().get_ints("axes");
  }
  if (!ctx.has_input(1)) return std::nullopt;
  const Tensor* t = ctx.input_constant(1);
  if (t == nullptr) {
    *known = false;
    return std::nullopt;
  }
  return tensor_to_int64s(*t, ctx.node(), "axes");
}

class SqueezeKernel : public OpKernel {
 public:
  explicit SqueezeKernel(bool axes_is_input) : axes_is_input_(axes_is_input) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const ir::Node& node = ctx.node();
    const auto axes = kernel_axes(node, ctx, axes_is_input_);
    const int64_t rank = static_cast<int64_t>(x.rank());
    std::vector<bool> drop(rank, false);
    if (axes) {
      for (int64_t a : normalize_axes(*axes, rank, node)) {
        if (x.shape()[a] != 1) {
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": cannot squeeze axis " + std::to_string(a) +
                                                      " of " + x.describe() + ": its extent is not 1");
        }
        drop[a] = true;
      }
    } else {
      for (int64_t d = 0; d < rank; ++d) drop[d] = x.shape()[d] == 1;
    }
    Shape out;
    for (int64_t d = 0; d < rank; ++d) {
      if (!drop[d]) out.push_back(x.shape()[d]);
    }
    ctx.set_output(0, Value(x.reshaped(out)));
  }

 private:
  bool axes_is_input_;
};

class UnsqueezeKernel : public OpKernel {
 public:
  explicit UnsqueezeKernel(bool axes_is_input) : axes_is_input_(axes_is_input) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.required_input(0);
    const ir::Node& node = ctx.node();
    const auto axes = kernel_axes(node, ctx, axes_is_input_);
    if (!axes) throw_error(ErrorCode::InvalidArgument, node.describe() + ": 'axes' is required");
    const int64_t out_rank = static_cast<int64_t>(x.rank() + axes->size());
    std::vector<bool> inserted(out_rank, false);
    for (int64_t a : normalize_axes(*axes, out_rank, node)) inserted[a] = true;
    Shape out;
    size_t next = 0;
    for (int64_t d = 0; d < out_rank; ++d) out.push_back(inserted[d] ? 1 : x.shape()[next++]);
    ctx.set_output(0, Value(x.reshaped(out)));
  }

 private:
  bool axes_is_input_;
};

template <bool AxesIsInput>
std::unique_ptr<OpKernel> make_squeeze(const ir::Node&) {
  return std::make_unique<SqueezeKernel>(AxesIsInput);
}
template <bool AxesIsInput>
std::unique_ptr<OpKernel> make_unsqueeze(const ir::Node&) {
  return std::make_unique<UnsqueezeKernel>(AxesIsInput);
}

template <bool AxesIsInput>
void infer_squeeze(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  bool axes_known = false;
  const auto axes = inferred_axes(ctx, AxesIsInput, &axes_known);
  if (!in.has_shape || !axes_known) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t rank = static_cast<int64_t>(in.shape.size());
  std::vector<bool> drop(rank, false);
  if (axes) {
    for (int64_t a : normalize_axes(*axes, rank, ctx.node())) {
      const ir::Dim& d = in.shape[a];
      if (d.known() && d.value != 1) ctx.fail("cannot squeeze axis " + std::to_string(a) + " of extent " +
                                              std::to_string(d.value));
      drop[a] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      // Without axes, an unknown dim may or may not be 1, so the output rank is unknown.
      if (!in.shape[d].known()) {
        ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
        return;
      }
      drop[d] = in.shape[d].value == 1;
    }
  }
  ir::SymShape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (!drop[d]) out.push_back(in.shape[d]);
  }
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

template <bool AxesIsInput>
void infer_unsqueeze(ir::InferenceContext& ctx) {
  const ir::TypeInfo& in = ctx.input_type(0);
  bool axes_known = false;
  const auto axes = inferred_axes(ctx, AxesIsInput, &axes_known);
  if (!in.has_shape || !axes_known || !axes) {
    ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem));
    return;
  }
  const int64_t out_rank = static_cast<int64_t>(in.shape.size() + axes->size());
  std::vector<bool> inserted(out_rank, false);
  for (int64_t a : normalize_axes(*axes, out_rank, ctx.node())) inserted[a] = true;
  ir::SymShape out;
  size_t next = 0;
  for (int64_t d = 0; d < out_rank; ++d) out.push_back(inserted[d] ? ir::Dim::of(1) : in.shape[next++]);
  ctx.set_output_type(0, ir::TypeInfo::tensor(in.elem, std::move(out)));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Squeeze", 1, 12, make_squeeze<false>, infer_squeeze<false>});
ONYXRT_REGISTER_OP({"", "Squeeze", 13, kMaxOpset, make_squeeze<true>, infer_squeeze<true>});
ONYXRT_REGISTER_OP({"", "Unsqueeze", 1, 12, make_unsqueeze<false>, infer_unsqueeze<false>});
ONYXRT_REGISTER_OP({"", "Unsqueeze", 13, kMaxOpset, make_unsqueeze<true>, infer_unsqueeze<true>});

}  // namespace onyxrt::ops
