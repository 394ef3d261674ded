// How a FusedConv spells the activation that follows a Conv (its `activation` and
// `activation_params` attributes), shared by the level-2 Conv fusions.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace onyxrt::opt {

struct FusableActivation {
  std::string name;
  std::vector<float> params;
};

// The activation `n` applies when FusedConv can apply it too (Relu, Tanh, Sigmoid, LeakyRelu,
// HardSigmoid, Clip with constant or absent bounds); nullopt otherwise.
std::optional<FusableActivation> fusable_activation(const ir::Node* n);

// Rewrites a Conv (or an activation-free FusedConv) in place into a FusedConv.
void make_fused_conv(ir::Node* conv, const FusableActivation* act);

}  // namespace onyxrt::opt
