// Level 3 (ORT_ENABLE_LAYOUT, as onnxruntime's NchwcTransformer): float 2-D convolutions move to
// the NCHW8c layout (com.onyxrt.nchwc Conv; a first layer with a channel count that is not a
// multiple of 8 reads its NCHW input as it is and writes blocks), and so do
// the operators that read their outputs when they can run on blocks: MaxPool, AveragePool and
// GlobalAveragePool, element-wise operators whose inputs are all blocked alike, and Concat along
// channels of whole blocks. A chain of them then passes blocks from one to the next, with one
// ReorderInput where it starts and one ReorderOutput per value that leaves it (to an NCHW reader
// or a graph output), instead of each convolution copying its input into blocks and transposing
// its output back.
//
// Padded channels (C not a multiple of 8) hold finite values: zero filters and bias in the
// convolutions, and only operators that keep finite values finite are taken in (no Div, Log).
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <vector>
#include <set>
#include <string>

#include "kernels/conv_direct.h"
#include "kernels/nchwc_reorder.h"
#include "ops/common/conv_geometry.h"
#include "opt/graph_edit.h"
#include "opt/graph_pass.h"

namespace onyxrt::opt {
namespace {

constexpr const char* kDomain = "com.onyxrt.nchwc";

// A float [N, C, H, W] with C, H and W known; N may be symbolic (a dynamic batch): each image's
// blocks are contiguous, so broadcasting or concatenating over N is the same in either layout.
bool static_chw_float(const ir::Value* v) {
  if (!v || !is_float_tensor(v) || !v->type.has_shape || v->type.shape.size() != 4) return false;
  const ir::SymShape& s = v->type.shape;
  return s[1].known() && s[2].known() && s[3].known();
}

// The pooling / convolution window of `node` over `x`'s plane, when its attributes make sense.
std::optional<kernels::Window3d> window_of(const ir::Node* node, const ir::Value* x, std::vector<int64_t> kernel,
                                           bool pool) {
  try {
    ops::WindowAttributes attrs = ops::parse_window_attributes(*node, /*allow_dilations=*/true, /*allow_ceil_mode=*/pool);
    if (attrs.kernel_shape.empty()) {
      attrs.kernel_shape = std::move(kernel);
      ops::resolve_window_defaults(attrs, *node);
    } else if (!kernel.empty() && attrs.kernel_shape != kernel) {
      return std::nullopt;
    }
    if (attrs.kernel_shape.size() != 2) return std::nullopt;
    const ir::SymShape& s = x->type.shape;
    return ops::make_window3d(attrs, {s[2].value, s[3].value}, *node);
  } catch (const std::exception&) {
    return std::nullopt;  // the unconverted node reports it at run time
  }
}

class Rewriter {
 public:
  explicit Rewriter(ir::Graph& g) : g_(g) {}

  int run() {
    for (const auto& n : g_.nodes())
      for (const auto& [_, a] : n->attributes)
        if (a.g || !a.graphs.empty()) return 0;  // subgraphs read values by name: leave such graphs alone
    for (ir::Node* n : g_.topological_order()) {
      if (n->inputs.empty() || !n->inputs[0] || n->outputs.empty() || !n->outputs[0]) continue;
      if (convert_conv(n) || convert_batch_norm(n) || convert_pool(n) || fuse_activation(n) || convert_elementwise(n) ||
          convert_concat(n))
        ++rewrites_;
    }
    if (rewrites_ == 0) return 0;
    // Values whose readers stayed NCHW, and graph outputs, come back through one ReorderOutput.
    for (const auto& [v, vb] : blocked_) {
      if (v->consumers.empty() && !v->is_graph_output) continue;
      auto node = make_node(g_, "ReorderOutput", kDomain, v->name + "_reorder_output", {vb}, {v});
      node->attributes["channels"] = int_attribute("channels", v->type.shape[1].value);
      g_.add_node(std::move(node));
    }
    return rewrites_;
  }

 private:
  int64_t channels(const ir::Value* v) const { return v->type.shape[1].value; }

  // A blocked value's type: v's with its channels rounded up to 8.
  ir::TypeInfo blocked_type(const ir::Value* v) const {
    ir::TypeInfo t = v->type;
    t.shape[1] = ir::Dim::of(kernels::nchwc_padded_channels(channels(v)));
    return t;
  }

  ir::Value* blocked_twin(ir::Value* v) {
    ir::Value* vb = add_value(g_, v->name + "_nchwc", blocked_type(v));
    blocked_[v] = vb;
    return vb;
  }

  // v as blocks: its twin when a converted node produced it, else a (shared) ReorderInput of it.
  ir::Value* as_blocked(ir::Value* v) {
    if (auto it = blocked_.find(v); it != blocked_.end()) return it->second;
    if (auto it = reordered_.find(v); it != reordered_.end()) return it->second;
    ir::Value* vb = add_value(g_, v->name + "_nchwc", blocked_type(v));
    g_.add_node(make_node(g_, "ReorderInput", kDomain, v->name + "_reorder_input", {v}, {vb}));
    reordered_[v] = vb;
    return vb;
  }

  bool is_blocked(const ir::Value* v) const { return v && blocked_.count(const_cast<ir::Value*>(v)) != 0; }

  // Replaces `n` by the same operator of the nchwc domain (or `domain`) reading `inputs`, its
  // output 0 becoming blocked.
  ir::Node* replace(ir::Node* n, const std::string& op, const std::string& domain, std::vector<ir::Value*> inputs,
                    const std::set<std::string>& drop_attributes = {}) {
    ir::Value* y = n->outputs[0];
    auto node = make_node(g_, op, domain, n->name, std::move(inputs), {nullptr});
    if (domain == n->domain) node->opset = n->opset;
    for (const auto& [name, a] : n->attributes)
      if (!drop_attributes.count(name)) node->attributes[name] = a;
    node->outputs[0] = blocked_twin(y);
    ir::Node* added = node.get();
    replace_nodes(g_, {n}, std::move(node));  // adds before it drops the initializers left unread
    return added;
  }

  bool convert_conv(ir::Node* n) {
    const bool fused = is_op(n, "FusedConv", "com.microsoft");
    if (!is_op(n, "Conv") && !fused) return false;
    if (n->outputs.size() != 1 || !static_chw_float(n->outputs[0])) return false;
    ir::Value* x = n->inputs[0];
    const Tensor* w = n->input_count() > 1 ? constant_of(n->inputs[1]) : nullptr;
    if (!static_chw_float(x) || !w || w->dtype() != DataType::Float || w->rank() != 4) return false;
    const int64_t C = channels(x), M = w->shape()[0], group = n->get_int("group", 1);
    // The first layer's 3 channels would triple its work once padded to 8: it reads NCHW and
    // writes blocks, where its window has neighbours to copy (not a plain 1x1).
    const bool nchw_input = !is_blocked(x) && C % kernels::kNchwcBlock != 0;
    if (nchw_input && group != 1) return false;
    const bool depthwise = group > 1 && group == C && M == C && w->shape()[1] == 1;
    // A depthwise convolution whose input is not in blocks stays NCHW: the ReorderInput in front
    // of it (and, between NCHW neighbours, a ReorderOutput after it) cost as much as the
    // convolution itself, which runs on blocks inside either way. ShuffleNet's, between grouped
    // convolutions of 34 channels a group: 0.99 -> 0.96 x onnxruntime at 1 thread, 0.93 -> 0.86 at 2.
    if (depthwise && !is_blocked(x)) return false;
    // Groups of whole blocks (ShuffleNet's, AlexNet's) run as one blocked conv per group.
    const bool grouped = group > 1 && !depthwise && M % group == 0 && (C / group) % kernels::kNchwcBlock == 0 &&
                         (M / group) % kernels::kNchwcBlock == 0;
    if ((group != 1 && !depthwise && !grouped) || w->shape()[1] * group != C) return false;
    if (n->input_count() > 2 && n->inputs[2] && !constant_of(n->inputs[2])) return false;
    ir::Value* z = fused && n->input_count() > 3 ? n->inputs[3] : nullptr;
    if (z && !(static_chw_float(z) && z->type.shape == n->outputs[0]->type.shape)) return false;
    const auto win = window_of(n, x, {w->shape()[2], w->shape()[3]}, /*pool=*/false);
    if (!win || !kernels::conv_direct_nchwc_supports(*win)) return false;
    if (nchw_input && !kernels::conv_direct_supports(*win)) return false;
    std::vector<ir::Value*> inputs{nchw_input ? x : as_blocked(x), n->inputs[1],
                                   n->input_count() > 2 ? n->inputs[2] : nullptr};
    if (z) inputs.push_back(as_blocked(z));
    ir::Node* node = replace(n, "Conv", kDomain, std::move(inputs));
    if (nchw_input) node->attributes["nchw_input"] = int_attribute("nchw_input", 1);
    return true;
  }

  bool convert_pool(ir::Node* n) {
    const bool max = is_op(n, "MaxPool"), avg = is_op(n, "AveragePool"), global = is_op(n, "GlobalAveragePool");
    if (!(max || avg || global) || !is_blocked(n->inputs[0]) || !static_chw_float(n->outputs[0])) return false;
    for (size_t i = 1; i < n->outputs.size(); ++i)  // MaxPool's Indices
      if (n->outputs[i] && (!n->outputs[i]->consumers.empty() || n->outputs[i]->is_graph_output)) return false;
    if (!global) {
      const auto win = window_of(n, n->inputs[0], {}, /*pool=*/true);
      if (!win || !kernels::pool_blocked_supports(*win)) return false;
    }
    replace(n, n->op_type, kDomain, {blocked_.at(n->inputs[0])}, {"storage_order"});
    return true;
  }

  // Inference BatchNormalization of a blocked tensor is a per-channel scale and bias: a 1x1
  // depthwise blocked Conv with W = scale / sqrt(var + epsilon) and B = bias - mean * W
  // (onnxruntime's NchwcTransformer does the same), whose Relu then fuses into it.
  bool convert_batch_norm(ir::Node* n) {
    if (!is_op(n, "BatchNormalization") || n->input_count() != 5 || n->get_int("training_mode", 0) != 0) return false;
    if (!is_blocked(n->inputs[0]) || !static_chw_float(n->outputs[0])) return false;
    for (size_t i = 1; i < n->outputs.size(); ++i)
      if (n->outputs[i] && (!n->outputs[i]->consumers.empty() || n->outputs[i]->is_graph_output)) return false;
    const int64_t C = channels(n->inputs[0]);
    const Tensor* t[4];
    for (int i = 0; i < 4; ++i) {
      t[i] = constant_of(n->inputs[i + 1]);
      if (!t[i] || t[i]->dtype() != DataType::Float || t[i]->size() != C) return false;
    }
    const double eps = n->get_float("epsilon", 1e-5f);
    Tensor w = Tensor::allocate(DataType::Float, {C, 1, 1, 1}), b = Tensor::allocate(DataType::Float, {C});
    for (int64_t c = 0; c < C; ++c) {
      const double s = t[0]->data<float>()[c] / std::sqrt(double(t[3]->data<float>()[c]) + eps);
      w.mutable_data<float>()[c] = static_cast<float>(s);
      b.mutable_data<float>()[c] = static_cast<float>(t[1]->data<float>()[c] - t[2]->data<float>()[c] * s);
    }
    ir::Value* wv = add_initializer(g_, n->name + "_nchwc_scale", std::move(w));
    ir::Value* bv = add_initializer(g_, n->name + "_nchwc_bias", std::move(b));
    ir::Node* conv = replace(n, "Conv", kDomain, {blocked_.at(n->inputs[0]), wv, bv},
                             {"epsilon", "momentum", "training_mode", "spatial"});
    conv->attributes["group"] = int_attribute("group", C);
    return true;
  }

  // Relu, Clip (constant bounds) and LeakyRelu after a blocked Conv with no activation of its
  // own, and its only reader: the Conv applies it as it stores.
  bool fuse_activation(ir::Node* n) {
    const bool relu = is_op(n, "Relu"), clip = is_op(n, "Clip"), leaky = is_op(n, "LeakyRelu");
    if (!(relu || clip || leaky) || n->outputs.size() != 1 || !is_blocked(n->inputs[0])) return false;
    ir::Value* v = n->inputs[0];
    ir::Node* conv = blocked_.at(v)->producer;
    if (!conv || !is_op(conv, "Conv", kDomain) || conv->has("activation") || sole_consumer(v) != n) return false;
    std::vector<float> params;
    if (clip) {
      // Opset 6 has min / max attributes; later ones optional scalar inputs.
      float lo = n->get_float("min", -std::numeric_limits<float>::max());
      float hi = n->get_float("max", std::numeric_limits<float>::max());
      for (int i = 1; i < n->input_count(); ++i) {
        if (!n->inputs[i]) continue;
        const std::optional<double> bound = scalar_constant(n->inputs[i]);
        if (!bound) return false;
        (i == 1 ? lo : hi) = static_cast<float>(*bound);
      }
      params = {lo, hi};
    } else if (leaky) {
      params = {n->get_float("alpha", 0.01f)};
    }
    conv->attributes["activation"] = string_attribute("activation", n->op_type);
    if (!params.empty()) conv->attributes["activation_params"] = floats_attribute("activation_params", params);
    blocked_[n->outputs[0]] = blocked_.at(v);
    replace_nodes(g_, {n});
    return true;
  }

  // Element-wise operators run on the blocks as they are when every tensor input is blocked and
  // of one shape (no broadcasting across the layout); Clip's bounds stay scalars.
  bool convert_elementwise(ir::Node* n) {
    static const std::set<std::string> unary{"Relu", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid", "HardSwish", "Clip"};
    static const std::set<std::string> nary{"Add", "Sub", "Mul", "Max", "Min", "Sum", "Mean"};
    if (!n->domain.empty() || n->outputs.size() != 1 || !static_chw_float(n->outputs[0])) return false;
    const bool is_unary = unary.count(n->op_type) != 0;
    if (!is_unary && !nary.count(n->op_type)) return false;
    std::vector<ir::Value*> inputs = n->inputs;
    const int data_inputs = is_unary ? 1 : n->input_count();
    if (data_inputs < 1) return false;
    for (int i = 0; i < n->input_count(); ++i) {
      ir::Value* v = n->inputs[i];
      if (i >= data_inputs) {  // Clip's min / max
        if (v && !scalar_constant(v)) return false;
        continue;
      }
      if (!is_blocked(v) || v->type.shape != n->outputs[0]->type.shape) return false;
      inputs[i] = blocked_.at(v);
    }
    replace(n, n->op_type, n->domain, std::move(inputs));
    return true;
  }

  // Concat along channels of blocked inputs whose channels fill whole blocks: the blocks of each
  // image follow one another, as the channels do in NCHW.
  bool convert_concat(ir::Node* n) {
    if (!is_op(n, "Concat") || n->outputs.size() != 1 || !static_chw_float(n->outputs[0])) return false;
    const int64_t axis = n->get_int("axis", 0);
    if (axis != 1 && axis != -3) return false;
    std::vector<ir::Value*> inputs;
    for (ir::Value* v : n->inputs) {
      if (!is_blocked(v) || channels(v) % kernels::kNchwcBlock != 0) return false;
      inputs.push_back(blocked_.at(v));
    }
    replace(n, "Concat", "", std::move(inputs));
    return true;
  }

  ir::Graph& g_;
  std::map<ir::Value*, ir::Value*> blocked_;    // value -> its blocked twin, produced in the chain
  std::map<ir::Value*, ir::Value*> reordered_;  // value -> its ReorderInput
  int rewrites_ = 0;
};

class NchwcLayout final : public GraphPass {
 public:
  const char* name() const override { return "NchwcTransformer"; }
  int apply(ir::Graph& graph) const override {
    // Only the AVX2 tiles make blocks pay; a portable build keeps NCHW.
    if (&kernels::conv_direct_selected_variant() == &kernels::conv_direct_variants().back()) return 0;
    return Rewriter(graph).run();
  }
};

}  // namespace

ONYXRT_REGISTER_PASS_AT(3, 10, NchwcLayout);

}  // namespace onyxrt::opt
