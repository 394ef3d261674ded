// Optional (15+), OptionalHasElement (15, 18+), OptionalGetElement (15, 18+). An optional value is
// either the wrapped value itself or Value::none(); from opset 18 the latter two also accept plain
// tensors and sequences (always "present").
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct OptionalKernel final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    ctx.set_output(0, v ? *v : Value::none());
  }
};
struct HasElement final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    *ctx.allocate_output(0, DataType::Bool, {}).mutable_data<bool>() = v && !v->is_none();
  }
};
struct GetElement final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    if (!v || v->is_none())
      throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": the optional input holds no element");
    ctx.set_output(0, *v);
  }
};

template <typename K>
std::unique_ptr<OpKernel> make(const ir::Node&) {
  return std::make_unique<K>();
}

void infer_optional(ir::InferenceContext& ctx) {
  ir::TypeInfo t;
  t.kind = ir::TypeInfo::Kind::Optional;
  if (ctx.has_input(0)) {
    t.inner = std::make_shared<ir::TypeInfo>(ctx.input_type(0));
  } else if (const ir::Attribute* a = ctx.node().find("type")) {
    t.inner = std::make_shared<ir::TypeInfo>(a->tp);
  }
  ctx.set_output_type(0, t);
}
void infer_has(ir::InferenceContext& ctx) { ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Bool, Shape{})); }
void infer_get(ir::InferenceContext& ctx) {
  const ir::TypeInfo& t = ctx.input_type(0);
  if (t.kind == ir::TypeInfo::Kind::Optional && t.inner) {
    ctx.set_output_type(0, *t.inner);
  } else if (t.kind != ir::TypeInfo::Kind::Unknown) {
    ctx.set_output_type(0, t);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Optional", 15, kMaxOpset, make<OptionalKernel>, infer_optional});
ONYXRT_REGISTER_OP({"", "OptionalHasElement", 15, kMaxOpset, make<HasElement>, infer_has});
ONYXRT_REGISTER_OP({"", "OptionalGetElement", 15, kMaxOpset, make<GetElement>, infer_get});

}  // namespace onyxrt::ops
