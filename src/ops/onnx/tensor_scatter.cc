// TensorScatter (opset 24): writes `update` into a copy of `past_cache` (a KV cache) along `axis`,
// starting for batch b (dim 0) at write_indices[b] (0 when omitted). mode "circular" wraps the
// sequence position modulo the cache's length along the axis; "linear" requires it to fit.
#include <string>

#include "ops/common/axes.h"
#include "ops/common/element_copy.h"
#include "ops/common/type_propagation.h"
#include "ops/registry.h"

namespace onyxrt::ops {
namespace {

class TensorScatterKernel : public OpKernel {
 public:
  explicit TensorScatterKernel(const ir::Node& node)
      : axis_(node.get_int("axis", -2)), circular_(node.get_string("mode", "linear") == "circular") {}

  void compute(KernelContext& ctx) const override {
    const ir::Node& node = ctx.node();
    const Tensor& past = ctx.required_input(0);
    const Tensor& update = ctx.required_input(1);
    const Tensor* write_indices = ctx.input(2);
    const DataType dt = past.dtype();
    if (!element_copyable(dt)) unsupported_type(node, 0, dt);
    if (update.dtype() != dt) unsupported_type(node, 1, update.dtype());
    const Shape& ps = past.shape();
    const Shape& us = update.shape();
    const int64_t rank = static_cast<int64_t>(ps.size());
    if (rank < 2 || us.size() != ps.size()) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": past_cache " + past.describe() +
                                                  " and update " + update.describe() + " must have one rank >= 2");
    }
    const int64_t axis = normalize_axis(axis_, rank, node);
    if (axis == 0) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": axis must not be the batch dim 0");
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis ? us[d] > ps[d] : us[d] != ps[d]) {
        throw_error(ErrorCode::InvalidArgument, node.describe() + ": update " + shape_to_string(us) +
                                                    " does not fit past_cache " + shape_to_string(ps) + " at axis " +
                                                    std::to_string(axis));
      }
    }
    const int64_t batch = ps[0];
    if (write_indices != nullptr &&
        (write_indices->dtype() != DataType::Int64 || write_indices->size() != batch)) {
      throw_error(ErrorCode::InvalidArgument, node.describe() + ": write_indices must be int64 of shape [" +
                                                  std::to_string(batch) + "], got " + write_indices->describe());
    }
    Tensor& y = ctx.allocate_output(0, dt, ps);
    copy_elements(dt, past.raw(), 0, y.mutable_raw(), 0, past.size());

    int64_t prefix = 1, inner = 1;  // prefix: dims before axis (dim 0 is the batch)
    for (int64_t d = 0; d < axis; ++d) prefix *= ps[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= ps[d];
    const int64_t per_batch = prefix / (batch == 0 ? 1 : batch);
    const int64_t max_len = ps[axis], seq_len = us[axis];
    for (int64_t p = 0; p < prefix; ++p) {
      const int64_t b = p / per_batch;
      const int64_t start = write_indices ? write_indices->data<int64_t>()[b] : 0;
      for (int64_t s = 0; s < seq_len; ++s) {
        int64_t pos = start + s;
        if (circular_) pos = ((pos % max_len) + max_len) % max_len;
        if (pos < 0 || pos >= max_len) {
          throw_error(ErrorCode::InvalidArgument, node.describe() + ": write position " + std::to_string(pos) +
                                                      " of batch " + std::to_string(b) + " is outside [0, " +
                                                      std::to_string(max_len) + ") in linear mode");
        }
        copy_elements(dt, update.raw(), (p * seq_len + s) * inner, y.mutable_raw(), (p * max_len + pos) * inner,
                      inner);
      }
    }
  }

 private:
  int64_t axis_;
  bool circular_;
};

std::unique_ptr<OpKernel> make_tensor_scatter(const ir::Node& node) {
  const DataType dt = input_dtype(node, 0);
  if (dt != DataType::Undefined && !element_copyable(dt)) unsupported_type(node, 0, dt);
  const std::string mode = node.get_string("mode", "linear");
  if (mode != "linear" && mode != "circular") {
    throw_error(ErrorCode::InvalidGraph, node.describe() + ": mode '" + mode + "' is not linear or circular");
  }
  return std::make_unique<TensorScatterKernel>(node);
}

}  // namespace

ONYXRT_REGISTER_OP({"", "TensorScatter", 24, kMaxOpset, make_tensor_scatter, propagate_input0_type});

}  // namespace onyxrt::ops
