#include "opt/conv_weight_edit.h"

#include "opt/graph_edit.h"

namespace onyxrt::opt {

std::optional<ConvWeights> constant_conv_weights(ir::Node* n) {
  if (!is_op(n, "Conv") || n->input_count() < 2 || n->outputs.size() != 1) return std::nullopt;
  ConvWeights cw;
  cw.conv = n;
  cw.w = constant_of(n->inputs[1]);
  if (!cw.w || cw.w->dtype() != DataType::Float || cw.w->rank() < 3) return std::nullopt;
  cw.channels = cw.w->shape()[0];
  cw.rank = static_cast<int64_t>(cw.w->rank());
  if (n->has_input(2)) {
    cw.b = constant_of(n->inputs[2]);
    if (!cw.b || cw.b->dtype() != DataType::Float || cw.b->size() != cw.channels) return std::nullopt;
  }
  return cw;
}

std::optional<std::vector<float>> per_channel_values(const Tensor& c, int64_t rank, int64_t channels) {
  if (c.dtype() != DataType::Float || static_cast<int64_t>(c.rank()) > rank) return std::nullopt;
  const float* v = c.data<float>();
  if (c.size() == 1) return std::vector<float>(static_cast<size_t>(channels), v[0]);
  // Aligned to the right of [N, M, spatial...]: only the channel dim may differ from 1.
  const int64_t offset = rank - static_cast<int64_t>(c.rank());
  for (int64_t j = 0; j < static_cast<int64_t>(c.rank()); ++j) {
    const int64_t d = c.shape()[j];
    if (offset + j == 1 ? (d != channels && d != 1) : d != 1) return std::nullopt;
  }
  if (c.size() != channels) return std::nullopt;
  return std::vector<float>(v, v + channels);
}

std::vector<float> conv_bias(const ConvWeights& cw) {
  if (!cw.b) return std::vector<float>(static_cast<size_t>(cw.channels), 0.0f);
  const float* b = cw.b->data<float>();
  return std::vector<float>(b, b + cw.channels);
}

void rewrite_conv_weights(ir::Graph& graph, const ConvWeights& cw, const std::vector<float>& scale,
                          const std::vector<float>& bias) {
  Tensor w = cw.w->clone();
  const int64_t per_channel = cw.w->size() / std::max<int64_t>(1, cw.channels);
  float* wd = w.mutable_data<float>();
  for (int64_t m = 0; m < cw.channels; ++m)
    for (int64_t i = 0; i < per_channel; ++i) wd[m * per_channel + i] *= scale[m];
  Tensor b = Tensor::allocate(DataType::Float, {cw.channels});
  std::copy(bias.begin(), bias.end(), b.mutable_data<float>());
  ir::Value* old_w = cw.conv->inputs[1];
  ir::Value* old_b = cw.conv->has_input(2) ? cw.conv->inputs[2] : nullptr;
  set_input(cw.conv, 1, add_initializer(graph, old_w->name + "_fused", std::move(w)));
  set_input(cw.conv, 2, add_initializer(graph, (old_b ? old_b->name : cw.conv->name + "_bias") + "_fused", std::move(b)));
  drop_if_unused(old_w);
  if (old_b) drop_if_unused(old_b);
}

}  // namespace onyxrt::opt
