// The input layout shared by the ai.onnx.preview.training optimizers (Adagrad, Adam, Momentum):
// R (learning rate, float or double scalar), T (int64 step count scalar), then `groups` runs of n
// tensors each: X1..Xn, G1..Gn, then the optimizer's state tensors. Outputs are the new X1..Xn
// followed by the new state tensors, run by run. Element math happens in double (the onnx
// reference computes the scalar factors in float64) and is rounded to X's type on store.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ops/common/scalar_input.h"
#include "ops/op_kernel.h"

namespace onyxrt::ops::training {

struct OptimizerStep {
  double rate = 0;     // R
  int64_t count = 0;   // T
  int64_t tensors = 0; // n
};

inline bool optimizer_dtype_ok(DataType dt) { return dt == DataType::Float || dt == DataType::Double; }

// Reads R and T and checks that the remaining inputs split into `groups` runs of equally shaped
// tensors of one type (float or double).
inline OptimizerStep read_optimizer_step(const KernelContext& ctx, int groups) {
  const ir::Node& node = ctx.node();
  const int rest = ctx.input_count() - 2;
  if (rest <= 0 || rest % groups != 0) {
    throw_error(ErrorCode::InvalidArgument, node.describe() + ": expected R, T and " + std::to_string(groups) +
                                                " runs of n tensors, got " + std::to_string(ctx.input_count()) +
                                                " inputs");
  }
  OptimizerStep step;
  step.rate = scalar_as_double(ctx.required_input(0), node, "R");
  step.count = scalar_as_int64(ctx.required_input(1), node, "T");
  step.tensors = rest / groups;
  for (int64_t i = 0; i < step.tensors; ++i) {
    const Tensor& x = ctx.required_input(static_cast<int>(2 + i));
    if (!optimizer_dtype_ok(x.dtype())) unsupported_type(node, static_cast<int>(2 + i), x.dtype());
    for (int g = 1; g < groups; ++g) {
      const int at = static_cast<int>(2 + g * step.tensors + i);
      const Tensor& other = ctx.required_input(at);
      if (other.dtype() != x.dtype() || other.shape() != x.shape()) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": input " + std::to_string(at) + " " +
                                                    other.describe() + " must match X" + std::to_string(i + 1) +
                                                    " " + x.describe());
      }
    }
  }
  return step;
}

// Factories call this so a non-float X fails at session creation.
inline void check_optimizer_inputs(const ir::Node& node) {
  for (int i = 2; i < node.input_count(); ++i) {
    const DataType dt = input_dtype(node, i);
    if (dt != DataType::Undefined && !optimizer_dtype_ok(dt)) unsupported_type(node, i, dt);
  }
}

// Output k of run r (X, then each state) has the type of the matching input: output runs skip
// the gradient run G.
template <int Groups>
void infer_optimizer_outputs(ir::InferenceContext& ctx) {
  const int n = (ctx.input_count() - 2) / Groups;
  if (n <= 0) return;
  for (int o = 0; o < ctx.output_count(); ++o) {
    const int run = o / n;
    const int input = 2 + (run == 0 ? 0 : run + 1) * n + o % n;
    if (input < ctx.input_count()) ctx.set_output_type(o, ctx.input_type(input));
  }
}

}  // namespace onyxrt::ops::training
