// BatchNormalization (ONNX opsets 1, 6, 7, 9, 14, 15):
//   Y = (X - mean) / sqrt(var + epsilon) * scale + B, per channel (dim 1).
// Opsets before 9 may set spatial=0, which makes the statistics per activation ([C, D1, ...]).
// Opset >= 14 training_mode=1 normalises with the batch's own statistics and outputs the updated
// running statistics (input * momentum + batch * (1 - momentum)), as the ONNX reference does.
// Training in earlier opsets (their running-statistics outputs used) is refused at session creation.
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

bool bn_dtype_supported(DataType t) { return t == DataType::Float || t == DataType::Double; }

// Reads element i of a float or double tensor as double (opset 15 lets scale/B/mean/var differ
// in type from X).
double param_at(const Tensor& t, int64_t i) {
  return t.dtype() == DataType::Float ? static_cast<double>(t.data<float>()[i]) : t.data<double>()[i];
}

class BatchNormKernel final : public OpKernel {
 public:
  BatchNormKernel(const ir::Node& node, bool training)
      : epsilon_(node.get_float("epsilon", 1e-5f)),
        momentum_(node.get_float("momentum", 0.9f)),
        spatial_(node.opset >= 9 || node.get_int("spatial", 1) != 0),
        training_(training) {}

  void compute(KernelContext& ctx) const override {
    const Tensor& X = ctx.required_input(0);
    switch (X.dtype()) {
      case DataType::Float: return run<float>(ctx, X);
      case DataType::Double: return run<double>(ctx, X);
      default: unsupported_type(ctx.node(), 0, X.dtype());
    }
  }

 private:
  template <typename T>
  void run(KernelContext& ctx, const Tensor& X) const {
    const ir::Node& node = ctx.node();
    if (X.rank() < 2)
      throw_error(ErrorCode::InvalidArgument,
                  node.describe() + ": X must be [N, C, ...], got " + shape_to_string(X.shape()));
    const int64_t N = X.shape()[0], C = X.shape()[1];
    const int64_t inner = N * C == 0 ? 0 : X.size() / (N * C);
    // Statistics cover one channel (spatial) or one channel's every activation (spatial=0).
    const int64_t stats = spatial_ ? C : C * inner;
    static const char* const kNames[] = {"X", "scale", "B", "mean", "var"};
    const Tensor* params[4];
    for (int i = 1; i <= 4; ++i) {
      const Tensor& p = ctx.required_input(i);
      if (!bn_dtype_supported(p.dtype())) unsupported_type(node, i, p.dtype());
      if (p.size() != stats)
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": input " + kNames[i] + " has shape " +
                                                    shape_to_string(p.shape()) + ", expected " +
                                                    std::to_string(stats) + " values for X " +
                                                    shape_to_string(X.shape()));
      params[i - 1] = &p;
    }
    Tensor& Y = ctx.allocate_output_uninitialized(0, X.dtype(), X.shape());  // every element is written below
    const T* x = X.data<T>();
    // Statistics used for normalising: the inputs', or in training the batch's (biased variance).
    std::vector<double> mean(stats), var(stats);
    for (int64_t s = 0; s < stats; ++s) {
      mean[s] = param_at(*params[2], s);
      var[s] = param_at(*params[3], s);
    }
    if (training_) {
      batch_statistics(x, N, C, inner, mean, var);
      write_running_statistics(ctx, *params[2], *params[3], mean, var);
    }
    if (X.size() == 0) return;
    // y = x * mul + add, folded once per statistic.
    Tensor folded = Tensor::allocate(X.dtype(), {2, stats}, ctx.allocator());
    T* mul = folded.mutable_data<T>();
    T* add = mul + stats;
    for (int64_t s = 0; s < stats; ++s) {
      const double m = param_at(*params[0], s) / std::sqrt(var[s] + static_cast<double>(epsilon_));
      mul[s] = static_cast<T>(m);
      add[s] = static_cast<T>(param_at(*params[1], s) - mean[s] * m);
    }
    T* y = Y.mutable_data<T>();
    ThreadPool::parallel_for(ctx.thread_pool(), N * C, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, inner)),
                             [&](int64_t begin, int64_t end) {
                               for (int64_t p = begin; p < end; ++p) {
                                 const T* xp = x + p * inner;
                                 T* yp = y + p * inner;
                                 const int64_t c = p % C;
                                 if (spatial_) {
                                   const T a = mul[c], b = add[c];
                                   for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * a + b;
                                 } else {
                                   const T* a = mul + c * inner;
                                   const T* b = add + c * inner;
                                   for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * a[i] + b[i];
                                 }
                               }
                             });
  }

  template <typename T>
  static void batch_statistics(const T* x, int64_t N, int64_t C, int64_t inner, std::vector<double>& mean,
                               std::vector<double>& var) {
    const double count = static_cast<double>(N * inner);
    for (int64_t c = 0; c < C; ++c) {
      double sum = 0, sq = 0;
      for (int64_t n = 0; n < N; ++n) {
        const T* xp = x + (n * C + c) * inner;
        for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(xp[i]);
      }
      const double m = count > 0 ? sum / count : 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const T* xp = x + (n * C + c) * inner;
        for (int64_t i = 0; i < inner; ++i) sq += (static_cast<double>(xp[i]) - m) * (static_cast<double>(xp[i]) - m);
      }
      mean[c] = m;
      var[c] = count > 0 ? sq / count : 0.0;
    }
  }

  void write_running_statistics(KernelContext& ctx, const Tensor& input_mean, const Tensor& input_var,
                                const std::vector<double>& mean, const std::vector<double>& var) const {
    const double mom = momentum_;
    const Tensor* inputs[2] = {&input_mean, &input_var};
    const std::vector<double>* batch[2] = {&mean, &var};
    for (int k = 0; k < 2; ++k) {
      if (!ctx.output_requested(1 + k)) continue;
      Tensor& out = ctx.allocate_output(1 + k, inputs[k]->dtype(), inputs[k]->shape());
      for (int64_t s = 0; s < out.size(); ++s) {
        const double v = param_at(*inputs[k], s) * mom + (*batch[k])[s] * (1.0 - mom);
        if (out.dtype() == DataType::Float) {
          out.mutable_data<float>()[s] = static_cast<float>(v);
        } else {
          out.mutable_data<double>()[s] = v;
        }
      }
    }
  }

  float epsilon_;
  float momentum_;
  bool spatial_;
  bool training_;
};

bool output_used(const ir::Node& node, size_t i) {
  if (i >= node.outputs.size() || node.outputs[i] == nullptr) return false;
  const ir::Value* v = node.outputs[i];
  return v->is_graph_output || !v->consumers.empty();
}

std::unique_ptr<OpKernel> make_batch_norm(const ir::Node& node) {
  const bool training = node.opset >= 14 && node.get_int("training_mode", 0) != 0;
  const bool legacy_training = node.opset < 14 && (output_used(node, 1) || output_used(node, 2) ||
                                                   output_used(node, 3) || output_used(node, 4));
  if (legacy_training)
    throw_error(ErrorCode::NotImplemented,
                node.describe() + ": training outputs of BatchNormalization before opset 14 are not supported");
  for (int i = 0; i < 5; ++i) {
    const DataType t = input_dtype(node, i);
    if (t != DataType::Undefined && !bn_dtype_supported(t)) unsupported_type(node, i, t);
  }
  return std::make_unique<BatchNormKernel>(node, training);
}

void infer_batch_norm(ir::InferenceContext& ctx) {
  ctx.set_output_type(0, ctx.input_type(0));
  // Running statistics (training outputs) have the shape of mean/var.
  for (int i = 1; i < ctx.output_count() && i < 3; ++i)
    if (ctx.node().outputs[i] != nullptr) ctx.set_output_type(i, ctx.input_type(2 + i));
}

}  // namespace

ONYXRT_REGISTER_OP({"", "BatchNormalization", 1, 5, make_batch_norm, infer_batch_norm});
ONYXRT_REGISTER_OP({"", "BatchNormalization", 6, 6, make_batch_norm, infer_batch_norm});
ONYXRT_REGISTER_OP({"", "BatchNormalization", 7, 8, make_batch_norm, infer_batch_norm});
ONYXRT_REGISTER_OP({"", "BatchNormalization", 9, 13, make_batch_norm, infer_batch_norm});
ONYXRT_REGISTER_OP({"", "BatchNormalization", 14, 14, make_batch_norm, infer_batch_norm});
ONYXRT_REGISTER_OP({"", "BatchNormalization", 15, kMaxOpset, make_batch_norm, infer_batch_norm});

}  // namespace onyxrt::ops
