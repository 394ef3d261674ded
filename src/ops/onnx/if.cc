// If (ai.onnx 1, 11, 13, 16, 19, 21, 23, 24, 25): runs then_branch or else_branch; the branches read
// outer-scope values and produce the node's outputs.
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool condition_value(const Tensor& cond, const ir::Node& node) {
  if (cond.size() != 1)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": condition must hold one element, got " + cond.describe());
  if (cond.dtype() != DataType::Bool)
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": condition must be bool, got " + cond.describe());
  return *cond.data<bool>();
}

class IfKernel final : public OpKernel {
 public:
  IfKernel(const ir::Graph& then_branch, const ir::Graph& else_branch) : then_(then_branch), else_(else_branch) {}
  void compute(KernelContext& ctx) const override {
    const ir::Graph& branch = condition_value(ctx.required_input(0), ctx.node()) ? then_ : else_;
    std::vector<Value> outs = ctx.run_subgraph(branch, {});
    if (static_cast<int>(outs.size()) < ctx.output_count())
      throw_error(ErrorCode::InvalidGraph, ctx.node().describe() + ": branch '" + branch.name + "' produces " +
                                               std::to_string(outs.size()) + " outputs, the node has " +
                                               std::to_string(ctx.output_count()));
    for (int i = 0; i < ctx.output_count(); ++i) ctx.set_output(i, std::move(outs[i]));
  }

 private:
  const ir::Graph& then_;
  const ir::Graph& else_;
};

std::unique_ptr<OpKernel> make_if(const ir::Node& node) {
  const ir::Graph* then_branch = node.get_graph("then_branch");
  const ir::Graph* else_branch = node.get_graph("else_branch");
  if (!then_branch || !else_branch)
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": needs both then_branch and else_branch");
  return std::make_unique<IfKernel>(*then_branch, *else_branch);
}

// Output types come from the branches; where they disagree on a dimension it becomes unknown.
void infer_if(ir::InferenceContext& ctx) {
  const ir::Graph* t = ctx.node().get_graph("then_branch");
  const ir::Graph* e = ctx.node().get_graph("else_branch");
  if (!t || !e) return;
  for (int i = 0; i < ctx.output_count(); ++i) {
    if (i >= static_cast<int>(t->outputs.size())) break;
    ir::TypeInfo type = t->outputs[i]->type;
    if (i < static_cast<int>(e->outputs.size())) {
      const ir::TypeInfo& other = e->outputs[i]->type;
      if (type.kind == ir::TypeInfo::Kind::Unknown) type = other;
      if (type.has_shape && (!other.has_shape || other.shape.size() != type.shape.size())) {
        type.has_shape = false;
        type.shape.clear();
      } else if (type.has_shape) {
        for (size_t d = 0; d < type.shape.size(); ++d)
          if (!(type.shape[d] == other.shape[d])) type.shape[d] = ir::Dim{};
      }
    }
    ctx.set_output_type(i, type);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "If", 1, kMaxOpset, make_if, infer_if});

}  // namespace onyxrt::ops
