// Scan (ai.onnx 9+): iterates `body` over slices of the scan inputs along their scan axes,
// threading state variables through. Body inputs: (states..., scan slices...); body outputs:
// (states..., scan output slices...). Opset 8's batched form with sequence_lens is not supported.
#include <algorithm>

#include "ops/common/axes.h"
#include "ops/common/axis_slices.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

struct ScanConfig {
  int num_scan_inputs = 0;
  std::vector<int64_t> input_axes, input_directions, output_axes, output_directions;
};

class ScanKernel final : public OpKernel {
 public:
  ScanKernel(const ir::Graph& body, ScanConfig c) : body_(body), c_(std::move(c)) {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const int states = ctx.input_count() - c_.num_scan_inputs;
    const int scan_outputs = static_cast<int>(body_.outputs.size()) - states;
    if (states < 0 || scan_outputs < 0)
      throw_error(ErrorCode::InvalidGraph, node.describe() + ": body outputs do not match the state count");
    std::vector<Value> state;
    for (int i = 0; i < states; ++i) state.push_back(Value(ctx.required_input(i)));
    std::vector<const Tensor*> scans;
    std::vector<int64_t> axes;
    int64_t length = -1;
    for (int s = 0; s < c_.num_scan_inputs; ++s) {
      const Tensor& t = ctx.required_input(states + s);
      int64_t axis = normalize_axis(s < static_cast<int>(c_.input_axes.size()) ? c_.input_axes[s] : 0,
                                    static_cast<int64_t>(t.rank()), node);
      if (length >= 0 && t.shape()[axis] != length)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": scan inputs have different lengths (" +
                                                    std::to_string(length) + " and " + std::to_string(t.shape()[axis]) + ")");
      length = t.shape()[axis];
      scans.push_back(&t);
      axes.push_back(axis);
    }
    if (length < 0) length = 0;
    std::vector<std::vector<Tensor>> collected(scan_outputs);
    for (int64_t it = 0; it < length; ++it) {
      if (ctx.terminate_requested()) throw_error(ErrorCode::Fail, "Exiting due to terminate flag being set to true.");
      std::vector<Value> feeds = state;
      for (int s = 0; s < c_.num_scan_inputs; ++s) {
        bool reverse = s < static_cast<int>(c_.input_directions.size()) && c_.input_directions[s] == 1;
        feeds.emplace_back(slice_at(*scans[s], axes[s], reverse ? length - 1 - it : it, ctx.allocator()));
      }
      std::vector<Value> outs = ctx.run_subgraph(body_, feeds);
      for (int i = 0; i < states; ++i) state[i] = std::move(outs[i]);
      for (int o = 0; o < scan_outputs; ++o) collected[o].push_back(outs[states + o].tensor());
    }
    for (int i = 0; i < states; ++i) ctx.set_output(i, std::move(state[i]));
    for (int o = 0; o < scan_outputs; ++o) {
      if (states + o >= ctx.output_count()) break;
      auto& parts = collected[o];
      if (o < static_cast<int>(c_.output_directions.size()) && c_.output_directions[o] == 1)
        std::reverse(parts.begin(), parts.end());
      if (parts.empty()) {
        DataType dt = body_.outputs[states + o]->type.elem;
        ctx.allocate_output(states + o, dt == DataType::Undefined ? DataType::Float : dt, {0});
        continue;
      }
      int64_t rank = static_cast<int64_t>(parts[0].rank()) + 1;
      int64_t axis = normalize_axis(o < static_cast<int>(c_.output_axes.size()) ? c_.output_axes[o] : 0, rank, node);
      ctx.set_output(states + o, Value(stack(parts, axis, ctx.allocator())));
    }
  }

 private:
  const ir::Graph& body_;
  ScanConfig c_;
};

std::unique_ptr<OpKernel> make_scan(const ir::Node& node) {
  const ir::Graph* body = node.get_graph("body");
  if (!body) throw_error(ErrorCode::InvalidGraph, node.describe() + ": attribute 'body' is required");
  ScanConfig c;
  c.num_scan_inputs = static_cast<int>(node.required("num_scan_inputs").i);
  c.input_axes = node.get_ints("scan_input_axes");
  c.input_directions = node.get_ints("scan_input_directions");
  c.output_axes = node.get_ints("scan_output_axes");
  c.output_directions = node.get_ints("scan_output_directions");
  if (c.num_scan_inputs < 0 || c.num_scan_inputs > node.input_count())
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": num_scan_inputs is out of range");
  return std::make_unique<ScanKernel>(*body, std::move(c));
}

std::unique_ptr<OpKernel> make_scan8(const ir::Node& node) {
  throw_error(ErrorCode::NotImplemented, node.describe() + ": Scan-8 (batched, with sequence_lens) is not supported; "
                                                           "re-export with opset 9 or newer");
}

void infer_scan(ir::InferenceContext& ctx) {
  const ir::Graph* body = ctx.node().get_graph("body");
  if (!body) return;
  int scans = static_cast<int>(ctx.node().get_int("num_scan_inputs", 0));
  int states = ctx.input_count() - scans;
  for (int i = 0; i < ctx.output_count() && i < static_cast<int>(body->outputs.size()); ++i) {
    ir::TypeInfo t = body->outputs[i]->type;
    if (i >= states && t.is_tensor()) {
      t.has_shape = false;  // the scan axis position and length are known only at run time
      t.shape.clear();
    }
    ctx.set_output_type(i, t);
  }
}

}  // namespace

ONYXRT_REGISTER_OP({"", "Scan", 8, 8, make_scan8, nullptr});
ONYXRT_REGISTER_OP({"", "Scan", 9, kMaxOpset, make_scan, infer_scan});

}  // namespace onyxrt::ops
