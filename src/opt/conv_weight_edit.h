// What the level-1 Conv fusions (BatchNormalization, per-channel Mul and Add folded into the
// weights) share: reading a Conv's constant float weights and writing the rescaled ones back.
#pragma once
#include <optional>
#include <vector>

#include "ir/graph.h"

namespace onyxrt::opt {

// A float Conv whose W (and B when present) are constant: the output channel count M and the
// per-channel view of its weights.
struct ConvWeights {
  ir::Node* conv = nullptr;
  const Tensor* w = nullptr;  // [M, C/group, k...]
  const Tensor* b = nullptr;  // [M] or nullptr
  int64_t channels = 0;       // M
  int64_t rank = 0;           // rank of X, W and Y
};
std::optional<ConvWeights> constant_conv_weights(ir::Node* n);

// The M per-channel values `c` holds when it broadcasts against a Conv output of `rank` as one
// value per channel (shape [M,1,1], [1,M,1,1], ...) or as a single value; nullopt otherwise.
std::optional<std::vector<float>> per_channel_values(const Tensor& c, int64_t rank, int64_t channels);

// Gives the Conv new weights: W scaled per output channel by `scale`, and bias `bias` (M values).
void rewrite_conv_weights(ir::Graph& graph, const ConvWeights& cw, const std::vector<float>& scale,
                          const std::vector<float>& bias);

// The Conv's current bias as M values (zeros when it has none).
std::vector<float> conv_bias(const ConvWeights& cw);

}  // namespace onyxrt::opt
