// Loop (ai.onnx 1, 11, 13, 16, 19, 21, 23, 24, 25): runs `body` while the trip count and the
// condition allow. Body inputs: (iteration_num, cond, carried...); body outputs: (cond,
// carried..., scan...). Node outputs: final carried values, then each scan output stacked on a
// new leading axis.
#include "ops/common/axis_slices.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class LoopKernel final : public OpKernel {
 public:
  explicit LoopKernel(const ir::Graph& body) : body_(body) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor* max_trips = ctx.input(0);
    const Tensor* cond_in = ctx.input(1);
    int64_t trips = max_trips ? scalar_int64(*max_trips, "M") : INT64_MAX;
    bool cond = cond_in ? scalar_bool(*cond_in, "cond") : true;
    const int carried = ctx.input_count() - 2;
    const int body_outputs = static_cast<int>(body_.outputs.size());
    const int scans = body_outputs - 1 - carried;
    if (carried < 0 || scans < 0 || static_cast<int>(body_.inputs.size()) != 2 + carried)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": body takes " + std::to_string(body_.inputs.size()) +
                                               " inputs and returns " + std::to_string(body_outputs) +
                                               " outputs, which does not fit " + std::to_string(carried) +
                                               " loop-carried values");
    std::vector<Value> state;
    for (int i = 0; i < carried; ++i) {
      const Value* v = ctx.input_value(2 + i);
      state.push_back(v ? *v : Value::none());
    }
    std::vector<std::vector<Tensor>> scan_parts(scans);
    for (int64_t it = 0; it < trips && cond; ++it) {
      if (ctx.terminate_requested()) throw_error(ErrorCode::Fail, "Exiting due to terminate flag being set to true.");
      std::vector<Value> feeds;
      feeds.emplace_back(Tensor::scalar<int64_t>(DataType::Int64, it));
      feeds.emplace_back(Tensor::scalar<bool>(DataType::Bool, cond));
      for (Value& v : state) feeds.push_back(v);
      std::vector<Value> outs = ctx.run_subgraph(body_, feeds);
      cond = scalar_bool(outs[0].tensor(), "body condition output");
      for (int i = 0; i < carried; ++i) state[i] = std::move(outs[1 + i]);
      for (int s = 0; s < scans; ++s) scan_parts[s].push_back(outs[1 + carried + s].tensor());
    }
    for (int i = 0; i < carried && i < ctx.output_count(); ++i) ctx.set_output(i, std::move(state[i]));
    for (int s = 0; s < scans && carried + s < ctx.output_count(); ++s) {
      if (scan_parts[s].empty()) {
        // No iteration ran: an empty stack whose element type, and per-iteration shape where
        // fully known, the body declares (as onnxruntime does: [0, dims...]).
        const ir::TypeInfo& declared = body_.outputs[1 + carried + s]->type;
        const DataType dt = declared.elem == DataType::Undefined ? DataType::Float : declared.elem;
        Shape empty{0};
        if (declared.shape_known()) {
          const Shape per_iteration = declared.concrete_shape();
          empty.insert(empty.end(), per_iteration.begin(), per_iteration.end());
        }
        ctx.allocate_output(carried + s, dt, empty);
      } else {
        ctx.set_output(carried + s, Value(stack(scan_parts[s], 0, ctx.allocator())));
      }
    }
  }

 private:
  int64_t scalar_int64(const Tensor& t, const char* what) const {
    if (t.size() != 1 || t.dtype() != DataType::Int64)
      throw_error(ErrorCode::InvalidArgument, std::string("Loop: ") + what + " must be one int64, got " + t.describe());
    return *t.data<int64_t>();
  }
  bool scalar_bool(const Tensor& t, const char* what) const {
    if (t.size() != 1 || t.dtype() != DataType::Bool)
      throw_error(ErrorCode::InvalidArgument, std::string("Loop: ") + what + " must be one bool, got " + t.describe());
    return *t.data<bool>();
  }
  const ir::Graph& body_;
};

std::unique_ptr<OpKernel> make_loop(const ir::Node& node) {
  const ir::Graph* body = node.get_graph("body");
  if (!body) throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute 'body' is required");
  return std::make_unique<LoopKernel>(*body);
}

void infer_loop(ir::InferenceContext& ctx) {
  const ir::Graph* body = ctx.node().get_graph("body");
  if (!body) return;
  const int carried = ctx.input_count() - 2;
  for (int i = 0; i < ctx.output_count(); ++i) {
    size_t body_out = static_cast<size_t>(1 + i);
    if (body_out >= body->outputs.size()) break;
    ir::TypeInfo t = i < carried && ctx.has_input(2 + i) ? ctx.input_type(2 + i) : body->outputs[body_out]->type;
    if (i < carried) {
      // Carried values may change shape between iterations: keep only the rank.
      if (t.has_shape)
        for (ir::Dim& d : t.shape) d = ir::Dim{};
    } else if (t.is_tensor() && t.has_shape) {
      t.shape.insert(t.shape.begin(), ir::Dim{});
    }
    ctx.set_output_type(i, t);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Loop", 1, kMaxOpset, make_loop, infer_loop});

}  // namespace onyxrt::ops
