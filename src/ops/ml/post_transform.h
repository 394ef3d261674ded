// Score post-transforms shared by the ai.onnx.ml classifiers and regressors (the post_transform
// attribute). The formulas follow onnxruntime's CPU ML kernels (ml_common.h there), including its
// erf-inverse approximation for PROBIT, so that scores agree with the engine users compare against.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onyxrt/status.h"

namespace onyxrt::ops::ml {

enum class PostTransform { None, Softmax, Logistic, SoftmaxZero, Probit };

inline PostTransform parse_post_transform(const std::string& s, const ir::Node& node) {
  if (s == "NONE") return PostTransform::None;
  if (s == "SOFTMAX") return PostTransform::Softmax;
  if (s == "LOGISTIC") return PostTransform::Logistic;
  if (s == "SOFTMAX_ZERO") return PostTransform::SoftmaxZero;
  if (s == "PROBIT") return PostTransform::Probit;
  throw_error(ErrorCode::InvalidGraph, node.describe() + ": post_transform must be NONE, SOFTMAX, LOGISTIC, "
                                                         "SOFTMAX_ZERO or PROBIT, got '" + s + "'");
}

// TreeEnsemble (ai.onnx.ml opset 5) spells the same choices as integers.
inline PostTransform post_transform_from_int(int64_t v, const ir::Node& node) {
  if (v < 0 || v > 4) {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": post_transform must be in [0, 4], got " + std::to_string(v));
  }
  return static_cast<PostTransform>(v);
}

template <typename T>
T logistic(T x) {
  // Split on the sign so exp never overflows.
  const T v = T(1) / (T(1) + std::exp(-std::abs(x)));
  return x < 0 ? T(1) - v : v;
}

// sqrt(2) * erfinv(2p - 1), with erfinv by Winitzki's approximation as onnxruntime computes it
// (p = 0 or 1 give -inf / inf there too).
template <typename T>
T probit(T p) {
  T x = p * 2 - 1;
  const T sgn = x < 0 ? T(-1) : T(1);
  x = (T(1) - x) * (T(1) + x);
  const T lg = std::log(x);
  const T v = T(2) / (T(3.14159f) * T(0.147f)) + T(0.5f) * lg;
  const T v2 = T(1) / T(0.147f) * lg;
  const T v3 = -v + std::sqrt(v * v - v2);
  return T(1.41421356f) * sgn * std::sqrt(v3);
}

template <typename T>
void softmax_inplace(T* v, int64_t n) {
  if (n <= 0) return;
  T mx = *std::max_element(v, v + n);
  T sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += (v[i] = std::exp(v[i] - mx));
  for (int64_t i = 0; i < n; ++i) v[i] /= sum;
}

// SOFTMAX_ZERO: zeros stay zero (they mark classes no tree voted for).
template <typename T>
void softmax_zero_inplace(T* v, int64_t n) {
  if (n <= 0) return;
  T mx = *std::max_element(v, v + n);
  const T exp_neg_max = std::exp(-mx);
  T sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (v[i] > T(0.0000001f) || v[i] < T(-0.0000001f)) {
      v[i] = std::exp(v[i] - mx);
    } else {
      v[i] *= exp_neg_max;
    }
    sum += v[i];
  }
  if (sum == 0) {
    std::fill(v, v + n, T(0.5f));
  } else {
    for (int64_t i = 0; i < n; ++i) v[i] /= sum;
  }
}

// Applies `pt` to one row of n scores in place.
template <typename T>
void apply_post_transform(PostTransform pt, T* v, int64_t n) {
  switch (pt) {
    case PostTransform::None: return;
    case PostTransform::Softmax: softmax_inplace(v, n); return;
    case PostTransform::SoftmaxZero: softmax_zero_inplace(v, n); return;
    case PostTransform::Logistic:
      for (int64_t i = 0; i < n; ++i) v[i] = logistic(v[i]);
      return;
    case PostTransform::Probit:
      for (int64_t i = 0; i < n; ++i) v[i] = probit(v[i]);
      return;
  }
}

// Writes a classifier's final scores. Two or more scores take the transform as they are; a single
// score (a binary model that scores only one class) is expanded to two columns by the rule
// `add_second_class` names, as onnxruntime's write_scores does:
//   0, 1: all weights positive: [1 - s, s];  2, 3: mixed weights: [-s, s] (LOGISTIC of each);
//   -1: the score alone. PROBIT always maps the lone score. Returns how many values it wrote.
template <typename T>
int64_t write_scores(std::vector<T>& scores, PostTransform pt, int add_second_class, T* out) {
  const int64_t n = static_cast<int64_t>(scores.size());
  if (n >= 2) {
    apply_post_transform(pt, scores.data(), n);
    std::copy(scores.begin(), scores.end(), out);
    return n;
  }
  if (n == 0) return 0;
  const T s = scores[0];
  if (pt == PostTransform::Probit) {
    out[0] = probit(s);
    return 1;
  }
  switch (add_second_class) {
    case 0:
    case 1:
      out[0] = T(1) - s;
      out[1] = s;
      return 2;
    case 2:
    case 3:
      if (pt == PostTransform::Logistic) {
        out[0] = logistic(-s);
        out[1] = logistic(s);
      } else {
        out[0] = -s;
        out[1] = s;
      }
      return 2;
    default:
      out[0] = s;
      return 1;
  }
}

}  // namespace onyxrt::ops::ml
