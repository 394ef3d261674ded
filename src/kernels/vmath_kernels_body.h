// Builds one ISA's VMathKernels table from the bodies; included once by each variant's file after
// it defines ONYXRT_VMATH_LANES.
#pragma once
#include "kernels/layer_norm_body.h"
#include "kernels/softmax_body.h"
#include "kernels/vmath_body.h"

namespace onyxrt::kernels {
namespace {
namespace vmath_body {

inline VMathKernels make_kernels() {
  VMathKernels k{};
  auto set = [&k](VOp op, VUnaryFn fn) { k.unary[static_cast<int>(op)] = fn; };
  set(VOp::Exp, map_unary<VOp::Exp>);
  set(VOp::Tanh, map_unary<VOp::Tanh>);
  set(VOp::Erf, map_unary<VOp::Erf>);
  set(VOp::Sigmoid, map_unary<VOp::Sigmoid>);
  set(VOp::Relu, map_unary<VOp::Relu>);
  set(VOp::LeakyRelu, map_unary<VOp::LeakyRelu>);
  set(VOp::HardSigmoid, map_unary<VOp::HardSigmoid>);
  set(VOp::HardSwish, map_unary<VOp::HardSwish>);
  set(VOp::Elu, map_unary<VOp::Elu>);
  set(VOp::Clip, map_unary<VOp::Clip>);
  set(VOp::GeluErf, map_unary<VOp::GeluErf>);
  set(VOp::GeluTanh, map_unary<VOp::GeluTanh>);
  set(VOp::QuickGelu, map_unary<VOp::QuickGelu>);
  k.softmax_row = softmax_row;
  k.log_softmax_row = log_softmax_row;
  k.layer_norm_row = layer_norm_row;
  return k;
}

}  // namespace vmath_body
}  // namespace
}  // namespace onyxrt::kernels
