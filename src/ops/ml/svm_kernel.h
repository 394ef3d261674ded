// The kernel functions of SVMClassifier / SVMRegressor (kernel_type, kernel_params = [gamma,
// coef0, degree]) and libsvm's pairwise-to-multiclass probability coupling used with prob_a/prob_b.
// Computed in float like onnxruntime, whose results exported models are checked against.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/ml/ml_attributes.h"
#include "ops/ml/post_transform.h"

namespace onyxrt::ops::ml {

enum class SvmKernelType { Linear, Poly, Rbf, Sigmoid };

struct SvmKernel {
  SvmKernelType type = SvmKernelType::Linear;
  float gamma = 0, coef0 = 0;
  int64_t degree = 0;

  static SvmKernel from(const ir::Node& node) {
    SvmKernel k;
    const std::string t = node.get_string("kernel_type", "LINEAR");
    if (t == "LINEAR") k.type = SvmKernelType::Linear;
    else if (t == "POLY") k.type = SvmKernelType::Poly;
    else if (t == "RBF") k.type = SvmKernelType::Rbf;
    else if (t == "SIGMOID") k.type = SvmKernelType::Sigmoid;
    else fail_attr(node, "kernel_type must be LINEAR, POLY, RBF or SIGMOID, got '" + t + "'");
    const auto p = node.get_floats("kernel_params");
    if (!p.empty()) {
      if (p.size() != 3) fail_attr(node, "kernel_params must hold [gamma, coef0, degree]");
      k.gamma = p[0];
      k.coef0 = p[1];
      k.degree = static_cast<int64_t>(p[2]);
    }
    return k;
  }

  float operator()(const float* a, const float* b, int64_t n) const {
    if (type == SvmKernelType::Rbf) {
      float s = 0;
      for (int64_t i = 0; i < n; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
      }
      return std::exp(-gamma * s);
    }
    float dot = 0;
    for (int64_t i = 0; i < n; ++i) dot += a[i] * b[i];
    switch (type) {
      case SvmKernelType::Poly: return std::pow(gamma * dot + coef0, static_cast<float>(degree));
      case SvmKernelType::Sigmoid: return std::tanh(gamma * dot + coef0);
      default: return dot;
    }
  }
};

// libsvm's Platt coupling: pairwise probabilities r[k*k] (r[i][j] = P(i | i or j)) to class
// probabilities p[k], by the fixed-point iteration of Wu, Lin and Weng (2004).
inline void multiclass_probability(int64_t k, const std::vector<float>& r, float* p) {
  std::vector<float> q(k * k, 0.f), qp(k, 0.f);
  const float eps = 0.005f / static_cast<float>(k);
  for (int64_t t = 0; t < k; ++t) {
    p[t] = 1.f / static_cast<float>(k);
    for (int64_t j = 0; j < t; ++j) {
      q[t * k + t] += r[j * k + t] * r[j * k + t];
      q[t * k + j] = q[j * k + t];
    }
    for (int64_t j = t + 1; j < k; ++j) {
      q[t * k + t] += r[j * k + t] * r[j * k + t];
      q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
  for (int iter = 0; iter < 100; ++iter) {
    float pqp = 0;
    for (int64_t t = 0; t < k; ++t) {
      qp[t] = 0;
      for (int64_t j = 0; j < k; ++j) qp[t] += q[t * k + j] * p[j];
      pqp += p[t] * qp[t];
    }
    float max_error = 0;
    for (int64_t t = 0; t < k; ++t) max_error = std::max(max_error, std::abs(qp[t] - pqp));
    if (max_error < eps) break;
    for (int64_t t = 0; t < k; ++t) {
      const float diff = (-qp[t] + pqp) / q[t * k + t];
      p[t] += diff;
      pqp = (pqp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
      for (int64_t j = 0; j < k; ++j) {
        qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
        p[j] /= (1 + diff);
      }
    }
  }
}

}  // namespace onyxrt::ops::ml
