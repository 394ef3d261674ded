// SequenceMap (17+): applies `body` to each element of the input sequence (and of any additional
// sequence inputs; tensor inputs are passed whole to every call) and collects each body output
// into an output sequence.
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class SequenceMapKernel final : public OpKernel {
 public:
  explicit SequenceMapKernel(const ir::Graph& body) : body_(body) {}
  void compute(KernelContext& ctx) const override {
    const Value* first = ctx.input_value(0);
    if (!first || !first->is_sequence())
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input 0 must be a sequence");
    size_t n = first->sequence().size();
    for (int i = 1; i < ctx.input_count(); ++i) {
      const Value* v = ctx.input_value(i);
      if (v && v->is_sequence() && v->sequence().size() != n)
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": sequence inputs differ in length");
    }
    std::vector<Sequence> outs(ctx.output_count());
    for (size_t k = 0; k < n; ++k) {
      std::vector<Value> feeds;
      for (int i = 0; i < ctx.input_count(); ++i) {
        const Value* v = ctx.input_value(i);
        feeds.push_back(v->is_sequence() ? v->sequence()[k] : *v);
      }
      std::vector<Value> r = ctx.run_subgraph(body_, feeds);
      for (int o = 0; o < ctx.output_count(); ++o) outs[o].push_back(std::move(r.at(o)));
    }
    for (int o = 0; o < ctx.output_count(); ++o) {
      DataType dt = body_.outputs[o]->type.elem;
      if (!outs[o].empty() && outs[o][0].is_tensor()) dt = outs[o][0].tensor().dtype();
      ctx.set_output(o, Value::sequence(std::move(outs[o]), dt));
    }
  }

 private:
  const ir::Graph& body_;
};

std::unique_ptr<OpKernel> make_sequence_map(const ir::Node& node) {
  const ir::Graph* body = node.get_graph("body");
  if (!body) throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute 'body' is required");
  if (body->outputs.size() < node.outputs.size())
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": body has fewer outputs than the node");
  return std::make_unique<SequenceMapKernel>(*body);
}

void infer_sequence_map(ir::InferenceContext& ctx) {
  const ir::Graph* body = ctx.node().get_graph("body");
  if (!body) return;
  for (int o = 0; o < ctx.output_count() && o < static_cast<int>(body->outputs.size()); ++o) {
    ir::TypeInfo t;
    t.kind = ir::TypeInfo::Kind::Sequence;
    t.inner = std::make_shared<ir::TypeInfo>(body->outputs[o]->type);
    ctx.set_output_type(o, t);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "SequenceMap", 17, kMaxOpset, make_sequence_map, infer_sequence_map});

}  // namespace onyxrt::ops
