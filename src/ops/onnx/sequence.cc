// Sequence ops (ai.onnx 11+): SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceAt,
// SequenceErase, SequenceLength. Sequences are immutable values: every op builds a new one.
#include "ops/common/axes.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

const Value& sequence_input(KernelContext& ctx, int i) {
  const Value* v = ctx.input_value(i);
  if (!v || !v->is_sequence())
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": input " + std::to_string(i) + " must be a sequence");
  return *v;
}

// A position input: one int32/int64 in [-n, n-1] (or [-n, n] when inserting).
int64_t position(KernelContext& ctx, int input, int64_t n, bool inserting) {
  const Tensor* p = ctx.input(input);
  if (!p) return inserting ? n : n - 1;
  std::vector<int64_t> v = tensor_to_int64s(*p, ctx.node(), "position");
  if (v.size() != 1) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": position must hold one value");
  int64_t pos = v[0];
  int64_t hi = inserting ? n : n - 1;
  if (pos < -n || pos > hi)
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": position " + std::to_string(pos) +
                                                " is out of range for a sequence of length " + std::to_string(n));
  return pos < 0 ? pos + n : pos;
}

DataType element_type(const Value& seq) {
  if (seq.sequence_elem_type() != DataType::Undefined) return seq.sequence_elem_type();
  return seq.sequence().empty() ? DataType::Undefined : seq.sequence()[0].tensor().dtype();
}

void check_elem(KernelContext& ctx, const Value& seq, const Tensor& t) {
  DataType dt = element_type(seq);
  if (dt != DataType::Undefined && dt != t.dtype())
    throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": cannot put " + t.describe() +
                                                " into a sequence of " + std::string(dtype_name(dt)));
}

struct SequenceEmpty final : OpKernel {
  DataType dtype;
  explicit SequenceEmpty(DataType d) : dtype(d) {}
  void compute(KernelContext& ctx) const override { ctx.set_output(0, Value::sequence({}, dtype)); }
};
struct SequenceConstruct final : OpKernel {
  void compute(KernelContext& ctx) const override {
    Sequence items;
    for (int i = 0; i < ctx.input_count(); ++i) {
      const Tensor& t = ctx.required_input(i);
      if (!items.empty() && t.dtype() != items[0].tensor().dtype())
        throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": all inputs must share one element type");
      items.emplace_back(t);
    }
    DataType dt = items.empty() ? DataType::Undefined : items[0].tensor().dtype();
    ctx.set_output(0, Value::sequence(std::move(items), dt));
  }
};
struct SequenceInsert final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value& seq = sequence_input(ctx, 0);
    const Tensor& t = ctx.required_input(1);
    check_elem(ctx, seq, t);
    Sequence items = seq.sequence();
    int64_t pos = position(ctx, 2, static_cast<int64_t>(items.size()), true);
    items.insert(items.begin() + pos, Value(t));
    ctx.set_output(0, Value::sequence(std::move(items), t.dtype()));
  }
};
struct SequenceAt final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value& seq = sequence_input(ctx, 0);
    int64_t n = static_cast<int64_t>(seq.sequence().size());
    if (!ctx.input(1)) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": position is required");
    ctx.set_output(0, seq.sequence()[position(ctx, 1, n, false)]);
  }
};
struct SequenceErase final : OpKernel {
  void compute(KernelContext& ctx) const override {
    const Value& seq = sequence_input(ctx, 0);
    Sequence items = seq.sequence();
    if (items.empty()) throw_error(ErrorCode::InvalidArgument, ctx.node().describe() + ": cannot erase from an empty sequence");
    int64_t pos = position(ctx, 1, static_cast<int64_t>(items.size()), false);
    items.erase(items.begin() + pos);
    ctx.set_output(0, Value::sequence(std::move(items), element_type(seq)));
  }
};
struct SequenceLength final : OpKernel {
  void compute(KernelContext& ctx) const override {
    int64_t n = static_cast<int64_t>(sequence_input(ctx, 0).sequence().size());
    *ctx.allocate_output(0, DataType::Int64, {}).mutable_data<int64_t>() = n;
  }
};

template <typename K>
std::unique_ptr<OpKernel> make(const ir::Node&) {
  return std::make_unique<K>();
}
std::unique_ptr<OpKernel> make_empty(const ir::Node& node) {
  return std::make_unique<SequenceEmpty>(static_cast<DataType>(node.get_int("dtype", static_cast<int64_t>(DataType::Float))));
}

ir::TypeInfo sequence_of(DataType dt) {
  ir::TypeInfo t;
  t.kind = ir::TypeInfo::Kind::Sequence;
  t.inner = std::make_shared<ir::TypeInfo>(ir::TypeInfo::tensor(dt));
  return t;
}
void infer_empty(ir::InferenceContext& ctx) {
  ctx.set_output_type(0, sequence_of(static_cast<DataType>(ctx.node().get_int("dtype", 1))));
}
void infer_construct(ir::InferenceContext& ctx) {
  if (ctx.has_input(0)) ctx.set_output_type(0, sequence_of(ctx.input_type(0).elem));
}
void infer_same_sequence(ir::InferenceContext& ctx) {
  if (ctx.has_input(0)) ctx.set_output_type(0, ctx.input_type(0));
}
void infer_at(ir::InferenceContext& ctx) {
  const ir::TypeInfo& s = ctx.input_type(0);
  if (s.inner) ctx.set_output_type(0, *s.inner);
}
void infer_length(ir::InferenceContext& ctx) { ctx.set_output_type(0, ir::TypeInfo::tensor(DataType::Int64, Shape{})); }

}  // namespace

ONYXRT_REGISTER_OP({"", "SequenceEmpty", 11, kMaxOpset, make_empty, infer_empty});
ONYXRT_REGISTER_OP({"", "SequenceConstruct", 11, kMaxOpset, make<SequenceConstruct>, infer_construct});
ONYXRT_REGISTER_OP({"", "SequenceInsert", 11, kMaxOpset, make<SequenceInsert>, infer_same_sequence});
ONYXRT_REGISTER_OP({"", "SequenceAt", 11, kMaxOpset, make<SequenceAt>, infer_at});
ONYXRT_REGISTER_OP({"", "SequenceErase", 11, kMaxOpset, make<SequenceErase>, infer_same_sequence});
ONYXRT_REGISTER_OP({"", "SequenceLength", 11, kMaxOpset, make<SequenceLength>, infer_length});

}  // namespace onyxrt::ops
