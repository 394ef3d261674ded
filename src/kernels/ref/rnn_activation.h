// The activation functions the ONNX recurrent ops (RNN, GRU, LSTM) accept by name in their
// `activations` attribute, with the alpha/beta parameters those names take and their defaults.
#pragma once
#include <string>

namespace onyxrt::kernels {

enum class RnnActivationKind { Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus };

struct RnnActivation {
  RnnActivationKind kind = RnnActivationKind::Tanh;
  double alpha = 0, beta = 0;
  double operator()(double x) const;
};

// Parses a name (case-insensitive); false when unknown. Sets whether the function takes alpha
// and beta, and their defaults.
bool parse_rnn_activation(const std::string& name, RnnActivation& act, bool& takes_alpha, bool& takes_beta);

}  // namespace onyxrt::kernels
