#include "kernels/ref/rnn_activation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace onyxrt::kernels {

double RnnActivation::operator()(double x) const {
  switch (kind) {
    case RnnActivationKind::Relu: return x > 0 ? x : 0;
    case RnnActivationKind::Tanh: return std::tanh(x);
    case RnnActivationKind::Sigmoid: return 1 / (1 + std::exp(-x));
    case RnnActivationKind::Affine: return alpha * x + beta;
    case RnnActivationKind::LeakyRelu: return x >= 0 ? x : alpha * x;
    case RnnActivationKind::ThresholdedRelu: return x > alpha ? x : 0;
    case RnnActivationKind::ScaledTanh: return alpha * std::tanh(beta * x);
    case RnnActivationKind::HardSigmoid: return std::clamp(alpha * x + beta, 0.0, 1.0);
    case RnnActivationKind::Elu: return x >= 0 ? x : alpha * (std::exp(x) - 1);
    case RnnActivationKind::Softsign: return x / (1 + std::abs(x));
    case RnnActivationKind::Softplus: return std::log1p(std::exp(x));
  }
  return x;
}

bool parse_rnn_activation(const std::string& name, RnnActivation& a, bool& takes_alpha, bool& takes_beta) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  takes_alpha = takes_beta = false;
  using K = RnnActivationKind;
  if (n == "relu") a = {K::Relu};
  else if (n == "tanh") a = {K::Tanh};
  else if (n == "sigmoid") a = {K::Sigmoid};
  else if (n == "softsign") a = {K::Softsign};
  else if (n == "softplus") a = {K::Softplus};
  else if (n == "affine") { a = {K::Affine, 1.0, 0.0}; takes_alpha = takes_beta = true; }
  else if (n == "leakyrelu") { a = {K::LeakyRelu, 0.01, 0}; takes_alpha = true; }
  else if (n == "thresholdedrelu") { a = {K::ThresholdedRelu, 1.0, 0}; takes_alpha = true; }
  else if (n == "scaledtanh") { a = {K::ScaledTanh, 1.0, 1.0}; takes_alpha = takes_beta = true; }
  else if (n == "hardsigmoid") { a = {K::HardSigmoid, 0.2, 0.5}; takes_alpha = takes_beta = true; }
  else if (n == "elu") { a = {K::Elu, 1.0, 0}; takes_alpha = true; }
  else return false;
  return true;
}

}  // namespace onyxrt::kernels
