#include "opt/conv_activation.h"

#include <limits>

#include "opt/graph_edit.h"

namespace onyxrt::opt {

std::optional<FusableActivation> fusable_activation(const ir::Node* n) {
  if (!n || !n->domain.empty() || n->input_count() < 1 || n->outputs.size() != 1) return std::nullopt;
  const std::string& op = n->op_type;
  if (op == "Relu" || op == "Tanh" || op == "Sigmoid") return FusableActivation{op, {}};
  if (op == "LeakyRelu") return FusableActivation{op, {n->get_float("alpha", 0.01f)}};
  if (op == "HardSigmoid") return FusableActivation{op, {n->get_float("alpha", 0.2f), n->get_float("beta", 0.5f)}};
  if (op != "Clip") return std::nullopt;
  float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
  if (n->opset < 11) {
    lo = n->get_float("min", lo);
    hi = n->get_float("max", hi);
  } else {
    for (int i = 1; i <= 2; ++i) {
      if (!n->has_input(i)) continue;
      const Tensor* t = constant_of(n->inputs[i]);
      if (!t || t->dtype() != DataType::Float || t->size() != 1) return std::nullopt;
      (i == 1 ? lo : hi) = *t->data<float>();
    }
  }
  return FusableActivation{op, {lo, hi}};
}

void make_fused_conv(ir::Node* conv, const FusableActivation* act) {
  conv->op_type = "FusedConv";
  conv->domain = "com.microsoft";
  auto [it, _] = conv->owner->opsets.emplace("com.microsoft", 1);
  conv->opset = it->second;
  if (!act) return;
  conv->attributes["activation"] = string_attribute("activation", act->name);
  if (!act->params.empty()) conv->attributes["activation_params"] = floats_attribute("activation_params", act->params);
}

}  // namespace onyxrt::opt
